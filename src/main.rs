//! The `newsfacts` command line: `serve`, `extract`, `ingest`.

use clap::Parser;
use std::process::ExitCode;

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
