//! A small mutation fuzzer for stable Rust, for machines without the nightly toolchain that
//! cargo-fuzz needs. Honest about what it is: no code coverage instrumentation; it keeps an
//! input when the target reports a feature (a hash of what the extractor produced) not seen
//! before, and mutates the kept inputs (byte flips, insertions of wire or JSON tokens,
//! deletions, duplications, splices, repetitions).
//!
//! ```text
//! cargo run --release --bin extract -- --seconds 300 [--corpus DIR] [--max-len N] [--seed N]
//! ```
//!
//! Reads the seeds in the corpus directory (default `corpus/<target>`), writes each new input
//! that adds a feature there when `--save` is given, and writes a crashing input to
//! `artifacts/<target>/` and exits with status 1.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// xorshift64*: enough randomness for mutations, and reproducible from `--seed`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Options {
    seconds: u64,
    corpus: PathBuf,
    max_len: usize,
    seed: u64,
    save: bool,
}

fn parse_options(target: &str) -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        corpus: Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target),
        max_len: 4096,
        seed: 0x5eed,
        save: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => options.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--corpus" => options.corpus = PathBuf::from(value()?),
            "--max-len" => options.max_len = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => options.seed = value()?.parse().map_err(|e| format!("{e}"))?,
            "--save" => options.save = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(options)
}

fn mutate(input: &mut Vec<u8>, pool: &[Vec<u8>], tokens: &[&str], rng: &mut Rng, max_len: usize) {
    const INTERESTING: &[u8] = b"\0\x01\x7f\x80\xbf\xc3\xe2\xf0\xff \n\t\"'\\.,;:-()[]{}$%0159AZaz";
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 | 3 => {
                let token = tokens[rng.below(tokens.len())].as_bytes();
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(32)).min(len);
                input.drain(start..end);
            }
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let chunk = input[start..end].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            6 if !pool.is_empty() => {
                let other = &pool[rng.below(pool.len())];
                let cut = rng.below(input.len() + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            7 => {
                let token = tokens[rng.below(tokens.len())].as_bytes();
                let times = 2 + rng.below(64);
                let at = rng.below(len + 1);
                let run: Vec<u8> = token
                    .iter()
                    .copied()
                    .cycle()
                    .take(token.len() * times)
                    .collect();
                input.splice(at..at, run);
            }
            8 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                let upper = rng.below(2) == 0;
                for b in &mut input[start..end] {
                    *b = if upper {
                        b.to_ascii_uppercase()
                    } else {
                        b.to_ascii_lowercase()
                    };
                }
            }
            _ => input.push(INTERESTING[rng.below(INTERESTING.len())]),
        }
    }
    input.truncate(max_len);
}

fn name_of(input: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Runs `target` for the time asked, mutating the corpus; returns 1 on a crash.
pub fn main(target: &str, run: fn(&[u8]) -> Vec<u64>, tokens: &[&str]) -> ExitCode {
    let options = match parse_options(target) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("{target}: {error}");
            return ExitCode::from(2);
        }
    };
    let mut rng = Rng(options.seed | 1);
    let mut pool: Vec<Vec<u8>> = std::fs::read_dir(&options.corpus)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .collect();
    pool.sort();
    let seeds = pool.len();
    if pool.is_empty() {
        pool.push(b"Peru said copper exports to China rose.".to_vec());
    }
    let mut seen: HashSet<u64> = HashSet::new();
    for input in &pool {
        seen.extend(run(input));
    }
    let seed_features = seen.len();
    eprintln!(
        "{target}: {seeds} seeds from {}, {seed_features} features",
        options.corpus.display()
    );

    let started = Instant::now();
    let deadline = Duration::from_secs(options.seconds);
    let (mut execs, mut last_new, mut next_report) = (0u64, Duration::ZERO, 10u64);
    while started.elapsed() < deadline {
        let mut input = pool[rng.below(pool.len())].clone();
        mutate(&mut input, &pool, tokens, &mut rng, options.max_len);
        execs += 1;
        let features = match catch_unwind(AssertUnwindSafe(|| run(&input))) {
            Ok(features) => features,
            Err(_) => {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("artifacts")
                    .join(target);
                let path = dir.join(format!("crash-{}", name_of(&input)));
                let saved =
                    std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &input));
                eprintln!(
                    "{target}: CRASH after {execs} executions; input {} ({saved:?})",
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        };
        let before = seen.len();
        seen.extend(features);
        if seen.len() > before {
            last_new = started.elapsed();
            if options.save {
                let path = options.corpus.join(name_of(&input));
                if let Err(error) = std::fs::write(&path, &input) {
                    eprintln!("{target}: cannot save {}: {error}", path.display());
                }
            }
            pool.push(input);
        }
        if started.elapsed().as_secs() >= next_report {
            eprintln!(
                "{target}: {execs} execs, {:.0}/s, corpus {}, features {}, last new at {:.0} s",
                execs as f64 / started.elapsed().as_secs_f64(),
                pool.len(),
                seen.len(),
                last_new.as_secs_f64()
            );
            next_report += 10;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{target}: {execs} executions in {elapsed:.0} s ({:.0}/s); corpus {seeds} seeds + {} kept; \
         features {seed_features} -> {}; last new feature at {:.0} s; no crash",
        execs as f64 / elapsed,
        pool.len() - seeds.max(1),
        seen.len(),
        last_new.as_secs_f64()
    );
    ExitCode::SUCCESS
}
