//! One ingest stream: requests in, acknowledgements out, in order.
//!
//! Three steps run concurrently, joined by bounded channels (the stream's window):
//! a reader starts each article's preparation (validation, duplicate look-up, extraction) as
//! soon as it arrives; a sequencer takes the prepared articles in request order and queues
//! them for commit in that order (so a stream's articles are stored in the order sent); the
//! response stream awaits each article's outcome in request order.

use super::{Pipeline, PipelineError, Prepared, commit::PendingCommit, committed};
use crate::api::v1::{IngestArticlesRequest, IngestArticlesResponse};
use futures::{Stream, StreamExt};
use tokio::{sync::mpsc, task::JoinHandle};
use tokio_stream::wrappers::ReceiverStream;
use tracing::Instrument;

type AckResult = Result<IngestArticlesResponse, PipelineError>;

/// An article whose preparation is running.
enum Preparing {
    Article(JoinHandle<Result<Prepared, PipelineError>>),
    /// The stream stops here with this error.
    End(PipelineError),
}

/// An article whose ack is on its way.
enum Acking {
    Ready(IngestArticlesResponse),
    Committing { key: String, commit: PendingCommit },
    End(PipelineError),
}

impl Acking {
    async fn resolve(self) -> AckResult {
        match self {
            Acking::Ready(ack) => Ok(ack),
            Acking::Committing { key, commit } => Ok(committed(key, commit.outcome().await?)),
            Acking::End(error) => Err(error),
        }
    }
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
        let window = self.config.stream_window.max(1);
        let (preparing_tx, preparing_rx) = mpsc::channel(window);
        let (acking_tx, acking_rx) = mpsc::channel(window);
        // The request's span goes along, so the tasks' log lines carry its trace id.
        tokio::spawn(
            self.clone()
                .read_requests(requests, preparing_tx)
                .in_current_span(),
        );
        tokio::spawn(
            self.clone()
                .sequence_commits(preparing_rx, acking_tx)
                .in_current_span(),
        );
        let mut sequence = 0_i64;
        let mut ended = false;
        ReceiverStream::new(acking_rx)
            .then(Acking::resolve)
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

    async fn read_requests<S, E>(self, mut requests: S, preparing: mpsc::Sender<Preparing>)
    where
        S: Stream<Item = Result<IngestArticlesRequest, E>> + Unpin,
        E: std::fmt::Display,
    {
        loop {
            let next = tokio::select! {
                biased;
                () = self.shutdown.cancelled() => {
                    let _ = preparing.send(Preparing::End(PipelineError::ShuttingDown)).await;
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
            let work = tokio::spawn(
                async move { pipeline.prepare(request.article).await }.in_current_span(),
            );
            // Waits while the window is full; fails when the stream was dropped.
            if preparing.send(Preparing::Article(work)).await.is_err() {
                return;
            }
        }
    }

    async fn sequence_commits(
        self,
        mut preparing: mpsc::Receiver<Preparing>,
        acking: mpsc::Sender<Acking>,
    ) {
        while let Some(item) = preparing.recv().await {
            let next = match item {
                Preparing::End(error) => Acking::End(error),
                Preparing::Article(work) => match work.await {
                    Ok(Ok(Prepared::Answered(ack))) => Acking::Ready(ack),
                    Ok(Ok(Prepared::ToCommit { key, article })) => {
                        match self.commits.enqueue(*article).await {
                            Ok(commit) => Acking::Committing { key, commit },
                            Err(error) => Acking::End(error),
                        }
                    }
                    Ok(Err(error)) => Acking::End(error),
                    Err(join_error) => {
                        tracing::error!(error = %join_error, "ingest task failed");
                        Acking::End(PipelineError::ShuttingDown)
                    }
                },
            };
            let last = matches!(next, Acking::End(_));
            if acking.send(next).await.is_err() || last {
                return;
            }
        }
    }
}
