//! Command-line parsing and the subcommands. Every flag is also an environment variable
//! `NEWSFACTS_<FLAG>`.

mod bench;
mod client;
mod conventions;
mod extract;
mod ingest;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Turns news articles into structured statements and trade facts.
#[derive(Debug, Parser)]
#[command(name = "newsfacts", version, about)]
pub struct Cli {
    /// Log format.
    #[arg(long, env = "NEWSFACTS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax, e.g. `info` or `newsfacts=debug`.
    #[arg(long, env = "NEWSFACTS_LOG", default_value = "info", global = true)]
    pub log: String,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written (to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server.
    Serve(serve::ServeArgs),
    /// Extract facts from ArticleInput JSON lines (files, or stdin) and print one
    /// AnalyzeArticleResponse JSON line per input. No server needed.
    Extract(extract::ExtractArgs),
    /// Stream ArticleInput JSON lines to a server, with progress. Safe to re-run: articles
    /// already stored come back as duplicates.
    Ingest(ingest::IngestArgs),
    /// Load generator: drives a running server (ingest, analyze or queries) and prints
    /// throughput and latency percentiles.
    Bench(bench::BenchArgs),
}

impl LogFormat {
    fn style(self) -> crate::telemetry::LogStyle {
        match self {
            Self::Text => crate::telemetry::LogStyle::Text,
            Self::Json => crate::telemetry::LogStyle::Json,
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let style = cli.log_format.style();
    if !matches!(cli.command, Command::Serve(_)) {
        crate::telemetry::init_logs(style, &cli.log);
    }
    match cli.command {
        // The server sets up logging itself, with tracing, inside its runtime.
        Command::Serve(args) => serve::run(args, style, &cli.log),
        Command::Extract(args) => extract::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Bench(args) => bench::run(args),
    }
}

/// Parses one line of `newsfacts extract` or `newsfacts ingest` input (raw bytes, without its
/// line break) into an ArticleInput, or says why it cannot be read. Public for the fuzz
/// targets, which feed it arbitrary bytes.
pub fn parse_article_line(line: &[u8]) -> Result<crate::api::v1::ArticleInput, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("invalid UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| format!("invalid ArticleInput JSON: {e}"))
}
