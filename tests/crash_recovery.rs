//! Crash recovery: the real `newsfacts serve` process ingests a long stream from several
//! clients and is killed with SIGKILL at random moments (group commits run all the time, so
//! most kills land in or between them), then restarted on the same store. After every restart:
//! each acknowledged article is there with all its facts, no stored article is half-written,
//! and at the end resending the whole input yields DUPLICATE, with the same article id, for
//! everything that was acknowledged. Run against SQLite and PostgreSQL.
//!
//! The seed of the kill moments is printed, and `NEWSFACTS_CRASH_SEED` replays a run.

mod common;

use common::{ServerProcess, fixture_articles};
use newsfacts::api::v1::{
    AnalyzeArticleRequest, ArticleInput, ArticleView, IngestArticlesRequest, IngestStatus,
    ListArticlesRequest, ingest_service_client::IngestServiceClient,
    query_service_client::QueryServiceClient,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tonic::transport::Channel;

/// SIGKILLs per backend.
const KILLS: usize = 12;
/// Articles in the input.
const ARTICLES: usize = 3_000;
/// Concurrent ingest streams, so commits group several articles.
const STREAMS: usize = 4;

/// A tiny deterministic generator (xorshift64*), so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn from_env() -> Self {
        let seed = std::env::var("NEWSFACTS_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("clock")
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("crash test seed: NEWSFACTS_CRASH_SEED={seed}");
        Self(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The input: the fixture stories again and again, each under an id of its own.
fn input() -> Vec<ArticleInput> {
    let stories = fixture_articles();
    (0..ARTICLES)
        .map(|i| ArticleInput {
            external_id: format!("crash-{i:05}"),
            ..stories[i % stories.len()].clone()
        })
        .collect()
}

/// Facts a complete article has: statements, trade facts, entities.
type Counts = (usize, usize, usize);

/// What AnalyzeArticle finds in each fixture story (extraction is deterministic).
async fn expected_counts(channel: Channel) -> Vec<Counts> {
    let mut client = IngestServiceClient::new(channel);
    let mut out = Vec::new();
    for article in fixture_articles() {
        let analyzed = client
            .analyze_article(AnalyzeArticleRequest {
                article: Some(article),
            })
            .await
            .expect("analyze")
            .into_inner()
            .article
            .expect("article");
        out.push((
            analyzed.statements.len(),
            analyzed.trade_facts.len(),
            analyzed.entities.len(),
        ));
    }
    assert!(
        out.iter().any(|c| c.0 > 0) && out.iter().any(|c| c.1 > 0),
        "the fixtures must yield statements and trade facts, or the check proves nothing"
    );
    out
}

/// Streams every article not yet acknowledged over `STREAMS` streams until they end (all
/// acked, or the server died). Returns the acks received: external id → article id.
async fn ingest_until_done_or_dead(
    channel: Channel,
    pending: Vec<ArticleInput>,
    ack_count: Arc<AtomicUsize>,
) -> HashMap<String, String> {
    let mut tasks = Vec::new();
    for part in 0..STREAMS {
        let share: Vec<ArticleInput> = pending
            .iter()
            .skip(part)
            .step_by(STREAMS)
            .cloned()
            .collect();
        let mut client = IngestServiceClient::new(channel.clone());
        let ack_count = ack_count.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = HashMap::new();
            let requests = share.into_iter().map(|article| IngestArticlesRequest {
                article: Some(article),
            });
            let Ok(response) = client.ingest_articles(tokio_stream::iter(requests)).await else {
                return acked;
            };
            let mut acks = response.into_inner();
            while let Ok(Some(ack)) = acks.message().await {
                let status = IngestStatus::try_from(ack.status).unwrap_or_default();
                assert!(
                    matches!(status, IngestStatus::Created | IngestStatus::Duplicate),
                    "unexpected ack {ack:?}"
                );
                acked.insert(ack.external_id, ack.article_id);
                ack_count.fetch_add(1, Ordering::Relaxed);
            }
            acked
        }));
    }
    let mut acked = HashMap::new();
    for task in tasks {
        acked.extend(task.await.expect("stream task"));
    }
    acked
}

/// Every stored article (FULL view): external id → (article id, fact counts).
async fn stored(channel: Channel) -> HashMap<String, (String, Counts)> {
    let mut query = QueryServiceClient::new(channel);
    let mut out = HashMap::new();
    let mut page_token = String::new();
    loop {
        let page = query
            .list_articles(ListArticlesRequest {
                page_size: 200,
                page_token: page_token.clone(),
                view: ArticleView::Full as i32,
                ..Default::default()
            })
            .await
            .expect("list articles")
            .into_inner();
        for a in page.articles {
            let counts = (a.statements.len(), a.trade_facts.len(), a.entities.len());
            out.insert(a.external_id, (a.article_id, counts));
        }
        if page.next_page_token.is_empty() {
            return out;
        }
        page_token = page.next_page_token;
    }
}

/// Checks the store after a restart: every acked article present under its id, and every
/// stored article complete.
async fn check_store(
    channel: Channel,
    acked: &HashMap<String, String>,
    expected: &[Counts],
    round: usize,
) -> usize {
    let stored = stored(channel).await;
    for (external_id, article_id) in acked {
        let (stored_id, _) = stored
            .get(external_id)
            .unwrap_or_else(|| panic!("round {round}: acknowledged {external_id} was lost"));
        assert_eq!(
            stored_id, article_id,
            "round {round}: {external_id} changed id"
        );
    }
    for (external_id, (_, counts)) in &stored {
        let index: usize = external_id
            .strip_prefix("crash-")
            .and_then(|n| n.parse().ok())
            .expect("an id of this test");
        assert_eq!(
            *counts,
            expected[index % expected.len()],
            "round {round}: {external_id} is stored half-written"
        );
    }
    stored.len()
}

async fn crash_and_recover(database_url: &str) {
    let mut rng = Rng::from_env();
    let articles = input();
    let mut server = ServerProcess::start(database_url);
    let expected = expected_counts(server.channel().await).await;
    let mut acked: HashMap<String, String> = HashMap::new();
    let mut kills = 0;
    while kills < KILLS {
        let pending: Vec<ArticleInput> = articles
            .iter()
            .filter(|a| !acked.contains_key(&a.external_id))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        let channel = server.channel().await;
        let ack_count = Arc::new(AtomicUsize::new(0));
        let ingest = tokio::spawn(ingest_until_done_or_dead(
            channel,
            pending,
            ack_count.clone(),
        ));
        // The kill comes at a random point of the round's progress (after 1 to 40 acks, so
        // the input lasts whatever the speed of the build), while commits are under way. A
        // round that ended before the kill does not count as a kill.
        let target = 1 + rng.below(40) as usize;
        for _ in 0..6000 {
            if ack_count.load(Ordering::Relaxed) >= target || ingest.is_finished() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let finished_first = ingest.is_finished();
        server.kill();
        if !finished_first {
            kills += 1;
        }
        let new_acks = ingest.await.expect("ingest task");
        acked.extend(new_acks);

        server = ServerProcess::start(database_url);
        expected_counts(server.channel().await).await; // warms the lexicons up
        let stored = check_store(server.channel().await, &acked, &expected, kills).await;
        eprintln!(
            "kill {kills}, at ack {target} of the round: {} acknowledged, {stored} stored",
            acked.len()
        );
        assert!(stored >= acked.len());
    }
    assert_eq!(
        kills, KILLS,
        "the input ran out before {KILLS} kills; make it longer"
    );
    assert!(!acked.is_empty(), "no article was ever acknowledged");

    // Resend everything: what was acknowledged comes back DUPLICATE under the same id.
    let channel = server.channel().await;
    let mut client = IngestServiceClient::new(channel.clone());
    let requests: Vec<IngestArticlesRequest> = articles
        .iter()
        .cloned()
        .map(|article| IngestArticlesRequest {
            article: Some(article),
        })
        .collect();
    let mut acks = client
        .ingest_articles(tokio_stream::iter(requests))
        .await
        .expect("resend")
        .into_inner();
    let mut resent = 0;
    while let Some(ack) = acks.message().await.expect("ack") {
        resent += 1;
        let status = IngestStatus::try_from(ack.status).unwrap_or_default();
        if let Some(article_id) = acked.get(&ack.external_id) {
            assert_eq!(
                status,
                IngestStatus::Duplicate,
                "{} stored twice",
                ack.external_id
            );
            assert_eq!(&ack.article_id, article_id);
        } else {
            assert!(matches!(
                status,
                IngestStatus::Created | IngestStatus::Duplicate
            ));
        }
    }
    assert_eq!(resent, articles.len());
    let total = check_store(channel, &acked, &expected, kills + 1).await;
    assert_eq!(total, articles.len(), "every article stored exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_survives_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store.db");
    crash_and_recover(&format!("sqlite://{}", path.display())).await;

    // The file itself is sound.
    use sqlx::{Connection, Row};
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open the store file");
    let row = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity check");
    assert_eq!(row.get::<String, _>(0), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill() {
    let Some((url, _guard)) = common::pg::temp_database("the crash test").await else {
        return;
    };
    crash_and_recover(&url).await;
}
