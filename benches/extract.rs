//! Extraction throughput, per stage and end to end, on real news when `../shared/corpora/` is
//! beside the project (Xinhua wire stories and Reuters-21578), on generated wire-style text
//! otherwise (the output says which).
//!
//! ```sh
//! cargo bench --bench extract                 # everything
//! cargo bench --bench extract -- stages       # one group
//! cargo bench --bench extract -- corpus       # all of Reuters-21578
//! ```
//!
//! Throughput is reported in bytes of article text (criterion prints MiB/s) for the stage and
//! corpus groups and in articles for the parallel group, where the same articles are analyzed
//! by one thread and by two.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use newsfacts::api::v1::ArticleInput;
use newsfacts::extract::{
    self, dateline, entities, language, offsets, sentences, statements, trade,
};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The allocator the `newsfacts` binary uses, so that the figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Where the shared corpora live, relative to the crate root.
const CORPORA: &str = "../shared/corpora";

/// How many articles of each corpus the stage and corpus groups use (a sample keeps one
/// iteration short enough for criterion to take many).
const SAMPLE_ARTICLES: usize = 300;

/// A named set of articles.
struct Corpus {
    name: &'static str,
    articles: Vec<ArticleInput>,
}

impl Corpus {
    fn bytes(&self) -> u64 {
        self.articles.iter().map(|a| a.text.len() as u64).sum()
    }
}

/// Reads up to `limit` articles (`text`, and `dateline` prepended when the corpus keeps it
/// apart from the text) from a corpus file of JSON lines.
fn read_corpus(file: &str, limit: usize) -> Option<Vec<ArticleInput>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(CORPORA)
        .join(file);
    let text = std::fs::read_to_string(path).ok()?;
    let articles: Vec<ArticleInput> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|record| {
            let body = record.get("text")?.as_str()?;
            let dateline = record.get("dateline").and_then(|d| d.as_str());
            let text = match dateline {
                Some(d) if !d.is_empty() && !body.starts_with(d) => format!("{d} {body}"),
                _ => body.to_owned(),
            };
            (!text.trim().is_empty()).then(|| ArticleInput {
                text,
                ..Default::default()
            })
        })
        .take(limit)
        .collect();
    (!articles.is_empty()).then_some(articles)
}

/// A wire story written for this benchmark, repeated with small variations.
fn generated(n: usize) -> Vec<ArticleInput> {
    (0..n)
        .map(|i| ArticleInput {
            text: format!(
                "GENEVA, March {day} (Xinhua) -- Exports of soybeans from Brazil to China rose \
                 {pct}.{i} percent year on year to 4.2 billion U.S. dollars in the first \
                 quarter, the ministry said on Tuesday.\n\n\"We expect the trend to continue,\" \
                 Trade Minister Ana Costa told reporters. \"Demand is strong.\"\n\nCosta said \
                 Brazil would sign a memorandum of understanding with Chinese importers next \
                 month. China is Brazil's largest trade partner, according to the ministry.",
                day = 1 + i % 28,
                pct = 3 + i % 9,
            ),
            ..Default::default()
        })
        .collect()
}

/// The corpora to measure: real ones when present, a generated one otherwise.
fn corpora(limit: usize) -> Vec<Corpus> {
    let mut found = Vec::new();
    for (name, file) in [
        ("xinhua", "xinhua.jsonl"),
        ("reuters", "reuters21578.jsonl"),
    ] {
        match read_corpus(file, limit) {
            Some(articles) => found.push(Corpus { name, articles }),
            None => eprintln!("{CORPORA}/{file} not found: skipping the {name} corpus"),
        }
    }
    if found.is_empty() {
        eprintln!("no corpus found: measuring generated wire-style text instead");
        found.push(Corpus {
            name: "generated",
            articles: generated(limit),
        });
    }
    found
}

/// Each stage on its own, fed the outputs of the stages before it (computed outside the timed
/// loop).
fn stages(c: &mut Criterion) {
    let corpus = corpora(SAMPLE_ARTICLES).remove(0);
    let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
    let offsets: Vec<_> = texts.iter().map(|t| offsets::CharOffsets::new(t)).collect();
    let splits: Vec<_> = texts
        .iter()
        .zip(&offsets)
        .map(|(t, o)| sentences::split_from(t, 0, o))
        .collect();
    let datelines: Vec<_> = texts
        .iter()
        .zip(&offsets)
        .map(|(t, o)| dateline::parse(t, None, o))
        .collect();
    let found: Vec<_> = (0..texts.len())
        .map(|i| entities::recognize(texts[i], datelines[i].as_ref(), &splits[i], &offsets[i]))
        .collect();
    // The statements of article `i`, as `extract::analyze` finds them by default.
    let statements_of = |i: usize| {
        statements::extract(
            texts[i],
            &splits[i],
            &offsets[i],
            &found[i],
            newsfacts::extract::Options::default(),
        )
    };
    let said: Vec<_> = (0..texts.len()).map(statements_of).collect();

    let mut group = c.benchmark_group(format!("stages/{}", corpus.name));
    group.throughput(Throughput::Bytes(corpus.bytes()));
    group.bench_function("offsets", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(offsets::CharOffsets::new(t));
            }
        })
    });
    group.bench_function("language", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| language::detect(t).len())
                .sum::<usize>()
        })
    });
    group.bench_function("dateline", |b| {
        b.iter(|| {
            texts
                .iter()
                .zip(&offsets)
                .filter(|(t, o)| dateline::parse(t, None, o).is_some())
                .count()
        })
    });
    group.bench_function("sentences", |b| {
        b.iter(|| {
            texts
                .iter()
                .zip(&offsets)
                .map(|(t, o)| sentences::split_from(t, 0, o).len())
                .sum::<usize>()
        })
    });
    group.bench_function("entities", |b| {
        b.iter(|| {
            (0..texts.len())
                .map(|i| {
                    entities::recognize(texts[i], datelines[i].as_ref(), &splits[i], &offsets[i])
                        .entities
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("statements", |b| {
        b.iter(|| {
            (0..texts.len())
                .map(|i| statements_of(i).len())
                .sum::<usize>()
        })
    });
    group.bench_function("trade", |b| {
        b.iter(|| {
            (0..texts.len())
                .map(|i| {
                    trade::extract(texts[i], &splits[i], &offsets[i], &found[i], &said[i]).len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// `extract::analyze` end to end, per corpus.
fn end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    for corpus in corpora(SAMPLE_ARTICLES) {
        group.throughput(Throughput::Bytes(corpus.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(corpus.name),
            &corpus.articles,
            |b, articles| b.iter(|| analyze_all(articles)),
        );
    }
    group.finish();
}

/// `extract::analyze` over every article of Reuters-21578 (21,578 stories, 16.6 MB), the
/// corpus the extraction target is stated for; skipped when the corpus is not there.
fn whole_corpus(c: &mut Criterion) {
    let Some(articles) = read_corpus("reuters21578.jsonl", usize::MAX) else {
        eprintln!("{CORPORA}/reuters21578.jsonl not found: skipping the whole-corpus group");
        return;
    };
    let corpus = Corpus {
        name: "reuters",
        articles,
    };
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(corpus.bytes()));
    group.bench_with_input(
        BenchmarkId::new("analyze", corpus.name),
        &corpus.articles,
        |b, articles| b.iter(|| analyze_all(articles)),
    );
    group.finish();
}

/// The same articles analyzed by one thread and split over two.
fn parallel(c: &mut Criterion) {
    let corpus = corpora(2 * SAMPLE_ARTICLES).remove(0);
    let mut group = c.benchmark_group(format!("parallel/{}", corpus.name));
    group.throughput(Throughput::Elements(corpus.articles.len() as u64));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("threads", threads),
            &corpus.articles,
            |b, articles| {
                b.iter(|| analyze_on_threads(articles, threads));
            },
        );
    }
    group.finish();
}

/// Analyzes every article in turn (the statement count keeps the work from being optimized
/// away).
fn analyze_all(articles: &[ArticleInput]) -> i32 {
    articles
        .iter()
        .map(|a| black_box(extract::analyze(a)).statement_count)
        .sum()
}

/// Analyzes the articles on `threads` threads, each taking an equal share.
fn analyze_on_threads(articles: &[ArticleInput], threads: usize) -> i32 {
    let share = articles.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = articles
            .chunks(share)
            .map(|chunk| scope.spawn(move || analyze_all(chunk)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = stages, end_to_end, whole_corpus, parallel
}
criterion_main!(benches);
