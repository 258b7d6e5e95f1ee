//! Load shedding: caps on concurrent ingest streams and concurrent AnalyzeArticle calls. A
//! call over a cap is refused at once with RESOURCE_EXHAUSTED and a retry delay, instead of
//! queueing without bound while its client's deadline runs out.

use super::ApiError;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What a refused call was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    /// An ingest stream slot.
    IngestStreams,
    /// An extraction slot for AnalyzeArticle.
    Analyses,
}

impl Capacity {
    /// The setting that raises the cap.
    pub fn flag(self) -> &'static str {
        match self {
            Self::IngestStreams => "--max-ingest-streams",
            Self::Analyses => "--max-concurrent-analyses",
        }
    }
}

impl std::fmt::Display for Capacity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::IngestStreams => "ingest streams",
            Self::Analyses => "AnalyzeArticle calls",
        })
    }
}

/// The server's admission caps.
#[derive(Debug, Clone)]
pub struct Admission {
    streams: Arc<Semaphore>,
    analyses: Arc<Semaphore>,
    max_streams: usize,
    max_analyses: usize,
}

impl Admission {
    /// Caps of `max_streams` open ingest streams and `max_analyses` AnalyzeArticle calls in
    /// flight.
    pub fn new(max_streams: usize, max_analyses: usize) -> Self {
        Self {
            streams: Arc::new(Semaphore::new(max_streams)),
            analyses: Arc::new(Semaphore::new(max_analyses)),
            max_streams,
            max_analyses,
        }
    }

    /// The ingest streams open and the AnalyzeArticle calls in flight now.
    pub fn in_use(&self) -> (usize, usize) {
        (
            self.max_streams
                .saturating_sub(self.streams.available_permits()),
            self.max_analyses
                .saturating_sub(self.analyses.available_permits()),
        )
    }

    fn admit(semaphore: &Arc<Semaphore>, what: Capacity) -> Result<OwnedSemaphorePermit, ApiError> {
        semaphore
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::Overloaded(what))
    }

    /// A slot for one ingest stream, held until the stream ends.
    pub fn ingest_stream(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Self::admit(&self.streams, Capacity::IngestStreams)
    }

    /// A slot for one AnalyzeArticle call.
    pub fn analysis(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Self::admit(&self.analyses, Capacity::Analyses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_cap_and_frees_on_drop() {
        let admission = Admission::new(1, 2);
        let stream = admission.ingest_stream().expect("first stream");
        assert_eq!(admission.in_use(), (1, 0));
        assert!(matches!(
            admission.ingest_stream(),
            Err(ApiError::Overloaded(Capacity::IngestStreams))
        ));
        drop(stream);
        assert!(admission.ingest_stream().is_ok());
        let _a = admission.analysis().expect("first");
        let _b = admission.analysis().expect("second");
        let status = tonic::Status::from(admission.analysis().expect_err("third"));
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert_eq!(
            status
                .metadata()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("1")
        );
    }
}
