//! `newsfacts extract`: JSON lines in, JSON lines out, no server.

use super::conventions::ConventionArgs;
use super::parse_article_line;
use crate::api::{google::rpc::Status, status as rpc_status, v1::AnalyzeArticleResponse};
use crate::extract::Options;
use crate::pipeline::{ArticleLimits, analyze_guarded, validate::validate_article};
use anyhow::Context;
use clap::Args;
use std::io::{BufRead, BufWriter, Write};
use std::{path::PathBuf, process::ExitCode};

/// Flags of `newsfacts extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files of ArticleInput JSON lines (proto3 JSON mapping); standard input when none.
    pub files: Vec<PathBuf>,
    /// Largest article text accepted, in bytes.
    #[arg(long, env = "NEWSFACTS_MAX_ARTICLE_BYTES", default_value_t = 1024 * 1024)]
    pub max_article_bytes: usize,
    /// How to read what annotation conventions leave open.
    #[command(flatten)]
    pub conventions: ConventionArgs,
}

/// What is printed for an input line that cannot be analyzed: `{"error": google.rpc.Status}`.
#[derive(serde::Serialize)]
struct ErrorLine {
    error: Status,
}

/// Extracts every input line and prints one output line for each, in order. A line that is
/// not a valid ArticleInput prints `{"error": {...}}` in its place; the exit code is 0 as
/// long as every line was answered.
pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let limits = ArticleLimits {
        max_text_bytes: args.max_article_bytes,
    };
    let options = args.conventions.options();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut errors = 0usize;
    let mut answer = |line: &[u8], out: &mut dyn Write| -> anyhow::Result<()> {
        let json = match analyze_line(line, limits, options) {
            Ok(response) => serde_json::to_string(&response)?,
            Err(error) => {
                errors += 1;
                serde_json::to_string(&ErrorLine { error })?
            }
        };
        writeln!(out, "{json}").context("cannot write to standard output")
    };
    if args.files.is_empty() {
        for_each_line(std::io::stdin().lock(), |line| answer(line, &mut out))?;
    } else {
        for path in &args.files {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            for_each_line(std::io::BufReader::new(file), |line| answer(line, &mut out))?;
        }
    }
    out.flush().context("cannot write to standard output")?;
    if errors > 0 {
        tracing::warn!(errors, "some input lines could not be analyzed");
    }
    Ok(ExitCode::SUCCESS)
}

/// Calls `f` with every non-blank line (without its line break), reading raw bytes so that
/// invalid UTF-8 is reported per line instead of ending the run.
fn for_each_line(
    mut reader: impl BufRead,
    mut f: impl FnMut(&[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        if reader
            .read_until(b'\n', &mut buffer)
            .context("cannot read input")?
            == 0
        {
            return Ok(());
        }
        let line = buffer.trim_ascii();
        if !line.is_empty() {
            f(line)?;
        }
    }
}

fn analyze_line(
    line: &[u8],
    limits: ArticleLimits,
    options: Options,
) -> Result<AnalyzeArticleResponse, Status> {
    let input = parse_article_line(line).map_err(|message| {
        rpc_status::invalid_argument(
            "invalid input line",
            &[rpc_status::FieldError::new(
                "article",
                message,
                "INVALID_JSON",
            )],
        )
    })?;
    let violations = validate_article(Some(&input), limits);
    if !violations.is_empty() {
        return Err(rpc_status::invalid_argument("invalid article", &violations));
    }
    // A bug in extraction must cost one line, not the run (the server isolates it the same way).
    let analyze = |input: &_| crate::extract::analyze_with(input, options);
    let article = analyze_guarded(&analyze, &input).map_err(|failed| failed.to_rpc_status())?;
    Ok(AnalyzeArticleResponse {
        article: Some(article),
    })
}
