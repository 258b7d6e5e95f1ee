//! Arbitrary bytes, read as UTF-8 (invalid sequences replaced), analyzed as an English article;
//! the analysis must not panic and must keep the span contract.
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    newsfacts_fuzz::extract(data);
});

#[cfg(not(fuzzing))]
fn main() -> std::process::ExitCode {
    newsfacts_fuzz::runner::main(
        "extract",
        newsfacts_fuzz::extract,
        newsfacts_fuzz::WIRE_TOKENS,
    )
}
