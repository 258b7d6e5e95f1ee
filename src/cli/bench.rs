//! `newsfacts bench`: a load generator against a running server. It drives ingest (concurrent
//! bidi streams), AnalyzeArticle (concurrent callers) or queries (ListTradeFacts by country and
//! ListStatements by speaker), and prints throughput and latency percentiles, plus the server's
//! peak RSS when given its pid.

use super::client::Connection;
use super::parse_article_line;
use crate::api::v1::{
    AnalyzeArticleRequest, ArticleInput, EntitySummary, EntityType, IngestArticlesRequest,
    ListEntitiesRequest, ListStatementsRequest, ListTradeFactsRequest,
    ingest_service_client::IngestServiceClient, query_service_client::QueryServiceClient,
};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::BufRead;
use std::time::{Duration, Instant};
use std::{path::PathBuf, process::ExitCode};

/// What the load generator drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchMode {
    /// IngestArticles over `--concurrency` bidi streams (each article under a fresh external id).
    Ingest,
    /// AnalyzeArticle from `--concurrency` callers.
    Analyze,
    /// ListTradeFacts by country and ListStatements by speaker from `--concurrency` callers.
    Query,
}

/// Flags of `newsfacts bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Where the server is, and how to authenticate.
    #[command(flatten)]
    pub connect: super::client::ConnectArgs,
    /// What to drive.
    #[arg(long, value_enum, default_value_t = BenchMode::Analyze)]
    pub mode: BenchMode,
    /// Concurrent streams or callers.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// ArticleInput JSON lines to send (ingest and analyze).
    #[arg(long)]
    pub articles: Option<PathBuf>,
    /// Use at most this many articles of the file.
    #[arg(long)]
    pub limit: Option<usize>,
    /// How long analyze and query run, in seconds (ingest sends every article once).
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Prefix of the external ids in ingest mode; a new prefix ingests the same text anew.
    #[arg(long, default_value = "bench")]
    pub id_prefix: String,
    /// In query mode, also fetch the page this many pages past the first (following page
    /// tokens) and report its latency apart; 0 measures first pages only.
    #[arg(long, default_value_t = 0)]
    pub page_depth: usize,
    /// The server's process id, to report its peak resident memory (Linux).
    #[arg(long)]
    pub server_pid: Option<u32>,
}

/// Latencies of one run. Kept whole and sorted for exact percentiles: runs are bounded, and
/// a few million durations fit in memory.
struct Latencies(Vec<Duration>);

impl Latencies {
    fn report(mut self, what: &str, elapsed: Duration, units: usize) {
        self.0.sort_unstable();
        let pick = |q: f64| {
            let i = ((self.0.len() as f64 * q).ceil() as usize).saturating_sub(1);
            self.0.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
        };
        println!(
            "{what}: {units} in {:.2} s = {:.0}/s; latency ms p50 {:.2} p95 {:.2} p99 {:.2} max {:.2} ({} samples)",
            elapsed.as_secs_f64(),
            units as f64 / elapsed.as_secs_f64().max(1e-9),
            pick(0.50),
            pick(0.95),
            pick(0.99),
            self.0.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            self.0.len()
        );
    }
}

/// Waits for every load task and reports their latencies together.
async fn report_tasks(
    tasks: Vec<tokio::task::JoinHandle<anyhow::Result<Vec<Duration>>>>,
    what: &str,
    started: Instant,
) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let n = all.len();
    Latencies(all).report(what, started.elapsed(), n);
    Ok(())
}

fn read_articles(path: &PathBuf, limit: Option<usize>) -> anyhow::Result<Vec<ArticleInput>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut articles = Vec::new();
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.trim_ascii().is_empty() {
            continue;
        }
        if let Ok(article) = parse_article_line(line.trim_ascii()) {
            articles.push(article);
        }
        if limit.is_some_and(|n| articles.len() >= n) {
            break;
        }
    }
    anyhow::ensure!(!articles.is_empty(), "no articles in {}", path.display());
    Ok(articles)
}

/// The peak resident set size of a process, from `/proc/PID/status` (VmHWM).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs the load generator.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(bench(args))
}

async fn bench(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let channel = args.connect.connect().await?;
    let concurrency = args.concurrency.max(1);
    let duration = Duration::try_from_secs_f64(args.seconds)
        .context("--seconds must be a non-negative number")?;
    match args.mode {
        BenchMode::Ingest => {
            let path = args
                .articles
                .as_ref()
                .context("--articles is required in ingest mode")?;
            ingest(
                channel,
                read_articles(path, args.limit)?,
                concurrency,
                &args.id_prefix,
            )
            .await?;
        }
        BenchMode::Analyze => {
            let path = args
                .articles
                .as_ref()
                .context("--articles is required in analyze mode")?;
            analyze(
                channel,
                read_articles(path, args.limit)?,
                concurrency,
                duration,
            )
            .await?;
        }
        BenchMode::Query => query(channel, concurrency, duration, args.page_depth).await?,
    }
    if let Some(pid) = args.server_pid {
        match peak_rss_kib(pid) {
            Some(kib) => println!("server peak RSS: {:.1} MiB", kib as f64 / 1024.0),
            None => println!("server peak RSS: unknown (cannot read /proc/{pid}/status)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn ingest(
    channel: Connection,
    articles: Vec<ArticleInput>,
    concurrency: usize,
    prefix: &str,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for stream in 0..concurrency {
        let mut share: Vec<ArticleInput> = articles
            .iter()
            .skip(stream)
            .step_by(concurrency)
            .cloned()
            .collect();
        for (i, article) in share.iter_mut().enumerate() {
            article.external_id = format!("{prefix}-{stream}-{i}-{}", article.external_id);
        }
        let mut client = IngestServiceClient::new(channel.clone());
        tasks.push(tokio::spawn(async move {
            let (sender, receiver) = tokio::sync::mpsc::channel(256);
            let sent_at =
                std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::new()));
            let feeder_times = sent_at.clone();
            let feeder = tokio::spawn(async move {
                for article in share {
                    if let Ok(mut times) = feeder_times.lock() {
                        times.push_back(Instant::now());
                    }
                    if sender
                        .send(IngestArticlesRequest {
                            article: Some(article),
                        })
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
            let mut acks = client
                .ingest_articles(tokio_stream::wrappers::ReceiverStream::new(receiver))
                .await?
                .into_inner();
            let mut latencies = Vec::new();
            while let Some(_ack) = acks.message().await? {
                let sent = sent_at.lock().ok().and_then(|mut t| t.pop_front());
                latencies.extend(sent.map(|s| s.elapsed()));
            }
            feeder.await?;
            anyhow::Ok(latencies)
        }));
    }
    report_tasks(
        tasks,
        &format!("ingest ({concurrency} streams, ack latency)"),
        started,
    )
    .await?;
    Ok(())
}

async fn analyze(
    channel: Connection,
    articles: Vec<ArticleInput>,
    concurrency: usize,
    duration: Duration,
) -> anyhow::Result<()> {
    let articles = std::sync::Arc::new(articles);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for caller in 0..concurrency {
        let mut client = IngestServiceClient::new(channel.clone());
        let articles = articles.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = caller;
            while started.elapsed() < duration {
                let article = articles[i % articles.len()].clone();
                let t = Instant::now();
                client
                    .analyze_article(AnalyzeArticleRequest {
                        article: Some(article),
                    })
                    .await?;
                latencies.push(t.elapsed());
                i += concurrency;
            }
            anyhow::Ok(latencies)
        }));
    }
    report_tasks(
        tasks,
        &format!("AnalyzeArticle ({concurrency} callers)"),
        started,
    )
    .await?;
    Ok(())
}

/// Query latencies of one caller, by listing and page depth.
#[derive(Default)]
struct QueryLatencies {
    trade_first: Vec<Duration>,
    trade_deep: Vec<Duration>,
    statements_first: Vec<Duration>,
    statements_deep: Vec<Duration>,
}

/// Fetches the first page of a listing and, following page tokens, the page `depth` pages
/// further on; records the first page's latency and the deep page's. `fetch` takes a page
/// token and returns the next one (empty at the end).
async fn walk_pages<F, Fut>(
    mut fetch: F,
    depth: usize,
    first: &mut Vec<Duration>,
    deep: &mut Vec<Duration>,
) -> anyhow::Result<()>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<String, tonic::Status>>,
{
    let t = Instant::now();
    let mut token = fetch(String::new()).await?;
    first.push(t.elapsed());
    for page in 1..=depth {
        if token.is_empty() {
            break;
        }
        let t = Instant::now();
        token = fetch(token).await?;
        if page == depth {
            deep.push(t.elapsed());
        }
    }
    Ok(())
}

/// How many countries and speakers the query load is spread over.
const QUERIED_ENTITIES: usize = 100;

/// The [`QUERIED_ENTITIES`] entities of a type with the highest `count` (trade facts of a
/// country, statements of a speaker), none with a count of zero: the ones with deep pages.
/// Reads every entity of the type, a page of 1,000 at a time.
async fn most_active(
    client: &mut QueryServiceClient<Connection>,
    entity_type: EntityType,
    count: fn(&EntitySummary) -> i64,
) -> anyhow::Result<Vec<EntitySummary>> {
    let mut all = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_entities(ListEntitiesRequest {
                page_size: 1000,
                page_token,
                r#type: entity_type as i32,
                ..Default::default()
            })
            .await?
            .into_inner();
        all.extend(page.entities.into_iter().filter(|e| count(e) > 0));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    all.sort_by_key(|e| std::cmp::Reverse(count(e)));
    all.truncate(QUERIED_ENTITIES);
    Ok(all)
}

async fn query(
    channel: Connection,
    concurrency: usize,
    duration: Duration,
    page_depth: usize,
) -> anyhow::Result<()> {
    let mut client = QueryServiceClient::new(channel.clone());
    let countries: Vec<String> =
        most_active(&mut client, EntityType::Country, |e| e.trade_fact_count)
            .await?
            .into_iter()
            .map(|e| e.country_code)
            .filter(|c| !c.is_empty())
            .collect();
    let speakers: Vec<String> = most_active(&mut client, EntityType::Person, |e| e.statement_count)
        .await?
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    anyhow::ensure!(
        !countries.is_empty() || !speakers.is_empty(),
        "the store holds no countries or speakers to query"
    );
    let (countries, speakers) = (
        std::sync::Arc::new(countries),
        std::sync::Arc::new(speakers),
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for caller in 0..concurrency {
        let client = QueryServiceClient::new(channel.clone());
        let (countries, speakers) = (countries.clone(), speakers.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen = QueryLatencies::default();
            let mut i = caller;
            while started.elapsed() < duration {
                if i % 2 == 0 && !countries.is_empty() {
                    let country_code = countries[i / 2 % countries.len()].clone();
                    let fetch = |page_token: String| {
                        let (mut client, country_code) = (client.clone(), country_code.clone());
                        async move {
                            let request = ListTradeFactsRequest {
                                country_code,
                                page_size: 50,
                                page_token,
                                ..Default::default()
                            };
                            Ok(client
                                .list_trade_facts(request)
                                .await?
                                .into_inner()
                                .next_page_token)
                        }
                    };
                    walk_pages(
                        fetch,
                        page_depth,
                        &mut seen.trade_first,
                        &mut seen.trade_deep,
                    )
                    .await?;
                } else if !speakers.is_empty() {
                    let speaker = speakers[i / 2 % speakers.len()].clone();
                    let fetch = |page_token: String| {
                        let (mut client, speaker) = (client.clone(), speaker.clone());
                        async move {
                            let request = ListStatementsRequest {
                                speaker,
                                page_size: 50,
                                page_token,
                                ..Default::default()
                            };
                            Ok(client
                                .list_statements(request)
                                .await?
                                .into_inner()
                                .next_page_token)
                        }
                    };
                    walk_pages(
                        fetch,
                        page_depth,
                        &mut seen.statements_first,
                        &mut seen.statements_deep,
                    )
                    .await?;
                }
                i += concurrency;
            }
            anyhow::Ok(seen)
        }));
    }
    let mut all = QueryLatencies::default();
    for task in tasks {
        let seen = task.await??;
        all.trade_first.extend(seen.trade_first);
        all.trade_deep.extend(seen.trade_deep);
        all.statements_first.extend(seen.statements_first);
        all.statements_deep.extend(seen.statements_deep);
    }
    let elapsed = started.elapsed();
    let deep = format!("page {}", page_depth + 1);
    for (what, page, latencies) in [
        ("ListTradeFacts by country", "first page", all.trade_first),
        ("ListTradeFacts by country", deep.as_str(), all.trade_deep),
        (
            "ListStatements by speaker",
            "first page",
            all.statements_first,
        ),
        (
            "ListStatements by speaker",
            deep.as_str(),
            all.statements_deep,
        ),
    ] {
        if !latencies.is_empty() {
            let n = latencies.len();
            Latencies(latencies).report(
                &format!("{what}, {page} ({concurrency} callers)"),
                elapsed,
                n,
            );
        }
    }
    Ok(())
}
