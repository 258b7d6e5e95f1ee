//! `newsfacts ingest`: streams JSON lines to a server over one bidi stream, with progress.

use super::parse_article_line;
use crate::api::v1::{
    IngestArticlesRequest, IngestStatus, ingest_service_client::IngestServiceClient,
};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufRead;
use std::{path::PathBuf, process::ExitCode, time::Instant};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Flags of `newsfacts ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Where the server is, and how to authenticate.
    #[command(flatten)]
    pub connect: super::client::ConnectArgs,
    /// Files of ArticleInput JSON lines (proto3 JSON mapping).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Hide the progress bar.
    #[arg(long, env = "NEWSFACTS_QUIET")]
    pub quiet: bool,
    /// Largest gRPC message sent or accepted, in bytes.
    #[arg(long, env = "NEWSFACTS_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_message_bytes: usize,
}

#[derive(Debug, Default)]
struct Tally {
    created: u64,
    duplicate: u64,
    rejected: u64,
    unreadable: u64,
}

impl Tally {
    fn message(&self) -> String {
        format!(
            "created {} · duplicate {} · rejected {} · unreadable lines {}",
            self.created, self.duplicate, self.rejected, self.unreadable
        )
    }
}

/// Streams every line of every file and waits for all acks.
pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(ingest(args))
}

async fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let mut client = IngestServiceClient::new(args.connect.connect().await?)
        .max_decoding_message_size(args.max_message_bytes)
        .max_encoding_message_size(args.max_message_bytes);

    let progress = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} {pos} articles · {per_sec} · {elapsed} · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    progress.enable_steady_tick(std::time::Duration::from_millis(200));

    let (requests, receiver) = mpsc::channel::<IngestArticlesRequest>(256);
    let files = args.files.clone();
    let reader_progress = progress.clone();
    // Reading files is blocking I/O: a thread of its own feeds the stream.
    let reader =
        tokio::task::spawn_blocking(move || read_files(&files, &requests, &reader_progress));

    let started = Instant::now();
    let mut acks = client
        .ingest_articles(ReceiverStream::new(receiver))
        .await?
        .into_inner();
    let mut tally = Tally::default();
    let stream_result = loop {
        match acks.message().await {
            Ok(Some(ack)) => {
                match IngestStatus::try_from(ack.status) {
                    Ok(IngestStatus::Created) => tally.created += 1,
                    Ok(IngestStatus::Duplicate) => tally.duplicate += 1,
                    _ => {
                        tally.rejected += 1;
                        let reason = ack.error.map(|e| e.message).unwrap_or_default();
                        progress.suspend(|| {
                            eprintln!("rejected #{} {}: {reason}", ack.sequence, ack.external_id)
                        });
                    }
                }
                progress.inc(1);
                progress.set_message(tally.message());
            }
            Ok(None) => break Ok(()),
            Err(status) => break Err(status),
        }
    };
    tally.unreadable = reader.await.context("reader thread failed")??;
    progress.finish_and_clear();
    let acked = tally.created + tally.duplicate + tally.rejected;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{acked} articles acknowledged in {seconds:.1} s ({:.0}/s): {}",
        acked as f64 / seconds.max(1e-9),
        tally.message()
    );
    match stream_result {
        Ok(()) if tally.rejected == 0 && tally.unreadable == 0 => Ok(ExitCode::SUCCESS),
        Ok(()) => Ok(ExitCode::from(2)),
        Err(status) => {
            eprintln!(
                "the stream ended early: {} ({:?}); run the same command again to resume: stored articles come back as duplicates",
                status.message(),
                status.code()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Sends every readable line; returns how many lines could not be read as ArticleInput.
fn read_files(
    files: &[PathBuf],
    requests: &mpsc::Sender<IngestArticlesRequest>,
    progress: &ProgressBar,
) -> anyhow::Result<u64> {
    let mut unreadable = 0;
    for path in files {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = std::io::BufReader::new(file);
        let mut buffer = Vec::new();
        let mut line_number = 0u64;
        loop {
            buffer.clear();
            if reader
                .read_until(b'\n', &mut buffer)
                .with_context(|| format!("cannot read {}", path.display()))?
                == 0
            {
                break;
            }
            line_number += 1;
            let line = buffer.trim_ascii();
            if line.is_empty() {
                continue;
            }
            match parse_article_line(line) {
                Ok(article) => {
                    if requests
                        .blocking_send(IngestArticlesRequest {
                            article: Some(article),
                        })
                        .is_err()
                    {
                        return Ok(unreadable); // the stream ended; the caller reports why
                    }
                }
                Err(message) => {
                    unreadable += 1;
                    progress.suspend(|| eprintln!("{}:{line_number}: {message}", path.display()));
                }
            }
        }
    }
    Ok(unreadable)
}
