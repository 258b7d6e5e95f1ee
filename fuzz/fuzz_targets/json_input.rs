//! Arbitrary bytes as one input line of `newsfacts extract`: parsed as ArticleInput JSON,
//! validated, and analyzed when valid, as the CLI does; no step may panic, and an analysis must
//! keep the span contract.
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    newsfacts_fuzz::json_input(data);
});

#[cfg(not(fuzzing))]
fn main() -> std::process::ExitCode {
    newsfacts_fuzz::runner::main(
        "json_input",
        newsfacts_fuzz::json_input,
        newsfacts_fuzz::JSON_TOKENS,
    )
}
