//! The `newsfacts` command line: `serve`, `extract`, `ingest`.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: extraction makes many small, short-lived
/// allocations (tokens, spans, candidate names), where glibc malloc cost a quarter of the
/// instructions per article.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h), which the bindings do not export; it comes
/// just before `mi_option_use_numa_nodes`, which they do, and the assertion keeps the two in
/// step.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const _: () = assert!(libmimalloc_sys::mi_option_use_numa_nodes - 1 == MI_OPTION_PURGE_DELAY);

fn main() -> ExitCode {
    // Return freed memory to the system at once. With the default delay the server's resident
    // memory grew with each busy thread's cached pages (1.25 GB after a Reuters ingest into
    // PostgreSQL, 250 MB with no delay, at the same speed).
    // SAFETY: setting an option is a plain store into mimalloc's option table; no allocation is
    // in flight that depends on it.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    let cli = newsfacts::cli::Cli::parse();
    match newsfacts::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("newsfacts: {error:#}");
            ExitCode::FAILURE
        }
    }
}
