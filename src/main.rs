//! The `newsfacts` command line: `serve`, `extract`, `ingest`.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: extraction makes many small, short-lived
/// allocations (tokens, spans, candidate names), where glibc malloc cost a quarter of the
/// instructions per article.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = newsfacts::cli::Cli::parse();
    match newsfacts::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("newsfacts: {error:#}");
            ExitCode::FAILURE
        }
    }
}
