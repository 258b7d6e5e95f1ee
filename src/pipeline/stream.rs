//! One ingest stream: requests in, acknowledgements out, in order.
//!
//! A reader task takes requests and starts each article's work at once (up to the stream's
//! window of unacknowledged articles); the response stream awaits that work in request
//! order, so acks are ordered while extraction and commits overlap.

use super::{Pipeline, PipelineError};
use crate::api::v1::{IngestArticlesRequest, IngestArticlesResponse};
use futures::{Stream, StreamExt};
use tokio::{sync::mpsc, task::JoinHandle};
use tokio_stream::wrappers::ReceiverStream;

type AckResult = Result<IngestArticlesResponse, PipelineError>;

enum Pending {
    /// The work of one article, running.
    Article(JoinHandle<AckResult>),
    /// The stream stops here with this error.
    End(PipelineError),
}

impl Pipeline {
    /// Ingests a stream of requests and returns the stream of their acknowledgements, one per
    /// request and in order. The output ends after the input ends and every article read was
    /// acknowledged; it ends with an error when the store fails (the articles after the last
    /// ack were not committed) or when the server shuts down (they were not read).
    /// An error item on the input ends the input (the client's side broke).
    pub fn ingest_stream<S, E>(&self, requests: S) -> impl Stream<Item = AckResult> + Send + 'static
    where
        S: Stream<Item = Result<IngestArticlesRequest, E>> + Send + Unpin + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let (pending_tx, pending_rx) = mpsc::channel(self.config.stream_window.max(1));
        tokio::spawn(self.clone().read_requests(requests, pending_tx));
        let mut sequence = 0_i64;
        let mut ended = false;
        ReceiverStream::new(pending_rx)
            .then(|pending| async move {
                match pending {
                    Pending::Article(work) => match work.await {
                        Ok(result) => result,
                        Err(join_error) => {
                            tracing::error!(error = %join_error, "ingest task failed");
                            Err(PipelineError::ShuttingDown)
                        }
                    },
                    Pending::End(error) => Err(error),
                }
            })
            .map(move |mut ack| {
                if let Ok(response) = &mut ack {
                    response.sequence = sequence;
                    sequence += 1;
                }
                ack
            })
            // Nothing after the first error: the client resends from the last ack.
            .take_while(move |ack| {
                let keep = !ended;
                ended |= ack.is_err();
                futures::future::ready(keep)
            })
    }

    async fn read_requests<S, E>(self, mut requests: S, pending: mpsc::Sender<Pending>)
    where
        S: Stream<Item = Result<IngestArticlesRequest, E>> + Unpin,
        E: std::fmt::Display,
    {
        loop {
            let next = tokio::select! {
                biased;
                () = self.shutdown.cancelled() => {
                    let _ = pending.send(Pending::End(PipelineError::ShuttingDown)).await;
                    return;
                }
                next = requests.next() => next,
            };
            let request = match next {
                None => return,
                Some(Err(error)) => {
                    tracing::debug!(%error, "ingest stream input failed");
                    return;
                }
                Some(Ok(request)) => request,
            };
            let pipeline = self.clone();
            let work = tokio::spawn(async move { pipeline.ingest_one(request.article).await });
            // Waits while the window is full; fails when the client stopped listening.
            if pending.send(Pending::Article(work)).await.is_err() {
                return;
            }
        }
    }
}
