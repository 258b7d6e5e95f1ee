//! Several replicas on one PostgreSQL database: three real `newsfacts serve` processes share a
//! fresh database.
//!
//! - The same articles, ingested concurrently through all three (several streams each, in
//!   different orders, all starting at once), are CREATED exactly once per external id and
//!   DUPLICATE everywhere else, always under the same article id.
//! - `WatchFacts` on replica A, opened before any ingest, streams every statement and trade
//!   fact committed through any replica (B's and C's arrive through LISTEN/NOTIFY), each once.
//!   So that B and C commit something whoever wins the race, each replica first stores a few
//!   articles of its own.
//! - `ListArticles`, `ListStatements` and `ListTradeFacts` on every replica see everything.
//!
//! A second test breaks the replicas' listening sessions (`pg_terminate_backend`) again and
//! again while one replica ingests, and checks that the watch on the other still gets every
//! fact exactly once (the listener reconnects and catches up). A third checks the store's
//! feed alone: it carries what other writers commit, and not the store's own commits.
//!
//! PostgreSQL tests run when `NEWSFACTS_TEST_DATABASE_URL` is set (`scripts/test` sets it; CI
//! requires it).

mod common;

use common::ServerProcess;
use newsfacts::api::v1::{
    AnalyzeArticleRequest, ArticleInput, IngestArticlesResponse, IngestStatus, ListArticlesRequest,
    ListStatementsRequest, ListTradeFactsRequest, WatchFactsRequest, WatchFactsResponse,
    ingest_service_client::IngestServiceClient, query_service_client::QueryServiceClient,
    watch_facts_response::Fact,
};
use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Barrier, mpsc};
use tonic::transport::Channel;

/// Articles in the input.
const ARTICLES: usize = 300;
/// Articles each replica stores alone before the race.
const SEEDS_PER_REPLICA: usize = 10;
/// Ingest streams per replica.
const STREAMS_PER_REPLICA: usize = 3;
/// How long facts may take to reach a watch before the test gives up (generous: the check is
/// that they all arrive, not how fast).
const DEADLINE: Duration = Duration::from_secs(120);

/// A replica: `newsfacts serve` as a child process on an ephemeral port.
struct Replica {
    name: char,
    server: ServerProcess,
}

impl Replica {
    fn start(name: char, database_url: &str) -> Self {
        Self {
            name,
            server: ServerProcess::start(database_url),
        }
    }

    async fn channel(&self) -> Channel {
        self.server.channel().await
    }

    async fn query(&self) -> QueryServiceClient<Channel> {
        QueryServiceClient::new(self.channel().await)
    }
}

/// Runs one extraction on `replica`, so that building its lexicons (once per process) does
/// not hold it back in the race for the articles.
async fn warm_up(replica: &Replica) {
    IngestServiceClient::new(replica.channel().await)
        .analyze_article(AnalyzeArticleRequest {
            article: Some(story(0)),
        })
        .await
        .expect("analyze");
}

/// Exporters of the generated stories: dateline city, country.
const EXPORTERS: [(&str, &str); 8] = [
    ("LIMA", "Peru"),
    ("SANTIAGO", "Chile"),
    ("NAIROBI", "Kenya"),
    ("HANOI", "Vietnam"),
    ("OTTAWA", "Canada"),
    ("CANBERRA", "Australia"),
    ("BRASILIA", "Brazil"),
    ("JAKARTA", "Indonesia"),
];
const PARTNERS: [&str; 5] = ["China", "Japan", "Germany", "India", "Mexico"];
const GOODS: [&str; 6] = ["copper", "coffee", "soybeans", "iron ore", "wheat", "beef"];
const MINISTERS: [(&str, &str); 6] = [
    ("Ana Torres", "Torres"),
    ("Luis Ortega", "Ortega"),
    ("Grace Wanjiru", "Wanjiru"),
    ("Minh Tran", "Tran"),
    ("Claire Dubois", "Dubois"),
    ("Rafael Souza", "Souza"),
];
const MONTHS: [&str; 6] = ["Jan.", "Feb.", "March", "April", "May", "June"];

/// A wire story of its own for article `i`, written from templates for this test.
fn story(i: usize) -> ArticleInput {
    let (city, country) = EXPORTERS[i % EXPORTERS.len()];
    let partner = PARTNERS[(i / EXPORTERS.len()) % PARTNERS.len()];
    let good = GOODS[(i / 3) % GOODS.len()];
    let (minister, surname) = MINISTERS[(i / 5) % MINISTERS.len()];
    let month = MONTHS[i % MONTHS.len()];
    let day = 1 + i % 28;
    let percent = 2 + i % 17;
    let tonnes = 1 + i % 9;
    let billions = 3 + i % 23;
    let text = format!(
        "{city}, {month} {day} (Replica Wire) -- {country} expects its {good} exports to \
         {partner} to rise by about {percent} percent this year, Trade Minister {minister} said \
         on Tuesday.\n\"{partner} remains our largest buyer of {good}, and demand there is still \
         growing,\" {surname} told reporters.\n{country} shipped {tonnes}.{day} million tonnes of \
         {good} to {partner} last year, worth more than {billions} billion dollars, the ministry \
         said.\nTalks on a free trade agreement between {country} and {partner} will resume \
         next month, {surname} said."
    );
    ArticleInput {
        external_id: format!("replica-wire-{i:04}"),
        text,
        source: "Replica Wire".into(),
        title: format!("{country} expects {good} exports to {partner} to rise"),
        published_at: Some(pbjson_types::Timestamp {
            seconds: 1_709_251_200 + 86_400 * i64::try_from(i).unwrap_or(0),
            nanos: 0,
        }),
        ..Default::default()
    }
}

fn stories() -> Vec<ArticleInput> {
    (0..ARTICLES).map(story).collect()
}

/// Sends `articles` over one IngestArticles stream; returns every ack.
async fn ingest(channel: Channel, articles: Vec<ArticleInput>) -> Vec<IngestArticlesResponse> {
    let mut client = IngestServiceClient::new(channel);
    common::ingest_all(&mut client, articles.into_iter().map(Some).collect()).await
}

/// What a watch delivered: facts, or the error that ended it.
type Watched = Result<Fact, tonic::Status>;

/// Opens `WatchFacts` (everything) on `replica` and drains it from a task of its own, so the
/// server never sees a slow watcher.
async fn watch(replica: &Replica) -> mpsc::UnboundedReceiver<Watched> {
    let mut stream: tonic::Streaming<WatchFactsResponse> = replica
        .query()
        .await
        .watch_facts(WatchFactsRequest::default())
        .await
        .expect("watch")
        .into_inner();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match stream.message().await {
                Ok(Some(message)) => {
                    if let Some(fact) = message.fact
                        && sender.send(Ok(fact)).is_err()
                    {
                        return;
                    }
                }
                Ok(None) => return,
                Err(status) => {
                    let _ = sender.send(Err(status));
                    return;
                }
            }
        }
    });
    receiver
}

/// The id of a watched fact, marked by kind.
fn fact_id(fact: &Fact) -> String {
    match fact {
        Fact::Statement(s) => format!("statement {}", s.statement_id),
        Fact::TradeFact(t) => format!("trade fact {}", t.trade_fact_id),
    }
}

/// Collects watched facts until their ids cover `expected` (or the deadline passes); returns
/// every id received, in order, duplicates included.
async fn watched_until(
    watch: &mut mpsc::UnboundedReceiver<Watched>,
    expected: &BTreeSet<String>,
) -> Vec<String> {
    let deadline = Instant::now() + DEADLINE;
    let mut received = Vec::new();
    let mut seen = BTreeSet::new();
    while !expected.is_subset(&seen) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, watch.recv()).await {
            Ok(Some(Ok(fact))) => {
                let id = fact_id(&fact);
                seen.insert(id.clone());
                received.push(id);
            }
            Ok(Some(Err(status))) => panic!("the watch ended with {status:?}"),
            Ok(None) => panic!("the watch ended"),
            Err(_) => break, // the assertion below says what is missing
        }
    }
    // Anything more already on its way (a duplicate would be) is counted too.
    while let Ok(Ok(fact)) = watch.try_recv() {
        received.push(fact_id(&fact));
    }
    received
}

/// Every stored article (external id → article id), statement id and trade fact id, as
/// `replica` lists them.
async fn listed(replica: &Replica) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut query = replica.query().await;
    let mut articles = BTreeMap::new();
    let mut token = String::new();
    loop {
        let page = query
            .list_articles(ListArticlesRequest {
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("list articles")
            .into_inner();
        articles.extend(
            page.articles
                .into_iter()
                .map(|a| (a.external_id, a.article_id)),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut facts = BTreeSet::new();
    let mut token = String::new();
    loop {
        let page = query
            .list_statements(ListStatementsRequest {
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("list statements")
            .into_inner();
        facts.extend(
            page.statements
                .iter()
                .map(|s| format!("statement {}", s.statement_id)),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut token = String::new();
    loop {
        let page = query
            .list_trade_facts(ListTradeFactsRequest {
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("list trade facts")
            .into_inner();
        facts.extend(
            page.trade_facts
                .iter()
                .map(|t| format!("trade fact {}", t.trade_fact_id)),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    (articles, facts)
}

/// The article id a fact id (`statement <article>/<local>`) belongs to.
fn article_of(fact_id: &str) -> &str {
    let id = fact_id.rsplit(' ').next().unwrap_or_default();
    id.split('/').next().unwrap_or_default()
}

/// `articles` in the order replica `r` of `replicas` sends them on its stream `s`: each
/// replica starts on a different part of the input, and each stream takes every
/// `STREAMS_PER_REPLICA`th article, so the replicas race for every article.
fn order(articles: &[ArticleInput], r: usize, replicas: usize, s: usize) -> Vec<ArticleInput> {
    let shift = r * articles.len() / replicas;
    (0..articles.len())
        .map(|i| &articles[(i + shift) % articles.len()])
        .skip(s)
        .step_by(STREAMS_PER_REPLICA)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_share_one_database() {
    let Some((url, _guard)) = common::pg::temp_database("the replica test").await else {
        return;
    };
    let replicas: Vec<Replica> = ['A', 'B', 'C']
        .into_iter()
        .map(|name| Replica::start(name, &url))
        .collect();
    for replica in &replicas {
        warm_up(replica).await;
    }
    let mut watch_a = watch(&replicas[0]).await;
    // article id → the replica whose ack said CREATED.
    let mut creator: BTreeMap<String, usize> = BTreeMap::new();
    let mut expected_articles: BTreeMap<String, String> = BTreeMap::new();

    // First each replica alone stores a few articles of its own, so that facts committed via
    // B and C exist whichever replica wins the race below.
    let mut seeded = [0usize; 3];
    for (r, replica) in replicas.iter().enumerate() {
        let own: Vec<ArticleInput> = (0..SEEDS_PER_REPLICA)
            .map(|k| story(ARTICLES + r * SEEDS_PER_REPLICA + k))
            .collect();
        for ack in ingest(replica.channel().await, own).await {
            assert_eq!(ack.status, IngestStatus::Created as i32, "{ack:?}");
            creator.insert(ack.article_id.clone(), r);
            expected_articles.insert(ack.external_id, ack.article_id);
            seeded[r] += 1;
        }
    }
    assert_eq!(
        seeded, [SEEDS_PER_REPLICA; 3],
        "an ack for every seed article"
    );

    // Then every replica ingests every article of the race, over several streams, all
    // starting at once.
    let articles = stories();
    let mut streams = Vec::new();
    let start = Arc::new(Barrier::new(replicas.len() * STREAMS_PER_REPLICA));
    for (r, replica) in replicas.iter().enumerate() {
        for s in 0..STREAMS_PER_REPLICA {
            let share = order(&articles, r, replicas.len(), s);
            let channel = replica.channel().await;
            let start = start.clone();
            streams.push((
                r,
                tokio::spawn(async move {
                    start.wait().await;
                    ingest(channel, share).await
                }),
            ));
        }
    }
    // external id → (replica, status, article id) of every ack.
    let mut acks: BTreeMap<String, Vec<(usize, IngestStatus, String)>> = BTreeMap::new();
    for (r, stream) in streams {
        for ack in stream.await.expect("ingest task") {
            let status = IngestStatus::try_from(ack.status).unwrap_or_default();
            acks.entry(ack.external_id)
                .or_default()
                .push((r, status, ack.article_id));
        }
    }

    // Exactly one CREATED per external id, DUPLICATE everywhere else, one article id.
    assert_eq!(acks.len(), ARTICLES, "an ack for every article");
    let mut created = [0usize; 3];
    let mut duplicate = [0usize; 3];
    for (external_id, answers) in &acks {
        assert_eq!(
            answers.len(),
            replicas.len(),
            "{external_id}: one ack per replica"
        );
        let creators: Vec<usize> = answers
            .iter()
            .filter(|(_, status, _)| *status == IngestStatus::Created)
            .map(|(r, _, _)| *r)
            .collect();
        assert_eq!(
            creators.len(),
            1,
            "{external_id}: created by exactly one replica, got {answers:?}"
        );
        for (r, status, article_id) in answers {
            match status {
                IngestStatus::Created => created[*r] += 1,
                IngestStatus::Duplicate => duplicate[*r] += 1,
                other => panic!("{external_id}: unexpected {other:?} from replica {r}"),
            }
            assert_eq!(
                article_id, &answers[0].2,
                "{external_id}: one article id on every replica"
            );
        }
        creator.insert(answers[0].2.clone(), creators[0]);
        expected_articles.insert(external_id.clone(), answers[0].2.clone());
    }

    // Every replica lists everything.
    let (articles_a, facts_a) = listed(&replicas[0]).await;
    assert_eq!(
        articles_a, expected_articles,
        "replica A lists every article"
    );
    let statements = facts_a
        .iter()
        .filter(|f| f.starts_with("statement "))
        .count();
    let trade_facts = facts_a.len() - statements;
    assert!(
        statements > 0 && trade_facts > 0,
        "the stories must yield statements and trade facts, or the watch check proves nothing"
    );
    for replica in &replicas[1..] {
        let (articles, facts) = listed(replica).await;
        assert_eq!(
            articles, expected_articles,
            "replica {} lists every article",
            replica.name
        );
        assert_eq!(facts, facts_a, "replica {} lists every fact", replica.name);
    }

    // The watch on A got every fact, from whichever replica committed it, each once.
    let watched = watched_until(&mut watch_a, &facts_a).await;
    let watched_set: BTreeSet<String> = watched.iter().cloned().collect();
    let missing: Vec<&String> = facts_a.difference(&watched_set).collect();
    assert!(
        missing.is_empty(),
        "the watch on A missed {} of {} facts, e.g. {:?}",
        missing.len(),
        facts_a.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(
        watched.len(),
        watched_set.len(),
        "the watch on A delivered some facts twice"
    );
    assert_eq!(
        watched_set, facts_a,
        "the watch on A saw only committed facts"
    );
    let mut via = [0usize; 3];
    for id in &watched {
        let replica = creator
            .get(article_of(id))
            .unwrap_or_else(|| panic!("{id} belongs to no acknowledged article"));
        via[*replica] += 1;
    }
    assert!(
        via[1] > 0 && via[2] > 0,
        "facts from B and C reached A: {via:?}"
    );

    println!(
        "3 replicas, each first alone {SEEDS_PER_REPLICA} articles of its own, then all \
         {ARTICLES} shared articles at once over {} streams each: A created {} duplicate {} | B \
         created {} duplicate {} | C created {} duplicate {}; every replica lists {} articles, \
         {statements} statements, {trade_facts} trade facts; watch on A: {} facts, each once \
         (committed via A {}, via B {}, via C {})",
        STREAMS_PER_REPLICA,
        created[0],
        duplicate[0],
        created[1],
        duplicate[1],
        created[2],
        duplicate[2],
        expected_articles.len(),
        watched.len(),
        via[0],
        via[1],
        via[2],
    );
}

/// Terminates the listening session of every replica on `admin`'s database; returns how many
/// it terminated.
async fn break_listeners(admin: &mut sqlx::PgConnection) -> usize {
    let rows = sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind(newsfacts::store::sql::LISTENER_APPLICATION_NAME)
    .fetch_all(&mut *admin)
    .await
    .expect("terminate listeners");
    rows.iter()
        .filter(|row| row.try_get::<bool, _>(0).unwrap_or(false))
        .count()
}

/// Listening sessions on the database.
async fn listeners(admin: &mut sqlx::PgConnection) -> i64 {
    sqlx::query(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind(newsfacts::store::sql::LISTENER_APPLICATION_NAME)
    .fetch_one(&mut *admin)
    .await
    .expect("count listeners")
    .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watch_survives_broken_listener_sessions() {
    let Some((url, _guard)) = common::pg::temp_database("the listener reconnect test").await else {
        return;
    };
    let a = Replica::start('A', &url);
    let b = Replica::start('B', &url);
    let mut admin = sqlx::PgConnection::connect(&url)
        .await
        .expect("admin connection");
    assert_eq!(listeners(&mut admin).await, 2, "each replica listens");
    let mut watch_a = watch(&a).await;

    // B ingests while the listening sessions are cut again and again.
    let articles = stories();
    let mut streams = Vec::new();
    for s in 0..STREAMS_PER_REPLICA {
        let share = order(&articles, 0, 1, s);
        streams.push(tokio::spawn(ingest(b.channel().await, share)));
    }
    let mut breaks = 0;
    while !streams.iter().all(|s| s.is_finished()) {
        breaks += break_listeners(&mut admin).await;
        // Pacing of the fault injection, not an assertion.
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    for stream in streams {
        for ack in stream.await.expect("ingest task") {
            assert_eq!(ack.status, IngestStatus::Created as i32, "{ack:?}");
        }
    }
    assert!(breaks > 0, "no listening session was broken");

    let (_, facts) = listed(&a).await;
    let watched = watched_until(&mut watch_a, &facts).await;
    let watched_set: BTreeSet<String> = watched.iter().cloned().collect();
    let missing = facts.difference(&watched_set).count();
    assert_eq!(
        missing,
        0,
        "the watch on A missed {missing} of {} facts across {breaks} broken sessions",
        facts.len()
    );
    assert_eq!(
        watched.len(),
        watched_set.len(),
        "the watch on A delivered some facts twice"
    );
    // Both replicas listen again.
    let deadline = Instant::now() + DEADLINE;
    while listeners(&mut admin).await < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(listeners(&mut admin).await, 2, "each replica listens again");
    println!(
        "listener sessions broken {breaks} times while B ingested {ARTICLES} articles: the watch \
         on A got all {} facts, each once",
        facts.len()
    );
}

/// The store's contract, without servers: a store opened with `store::open` hands out one
/// feed that carries the facts other writers on the database commit, and not its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_feed_carries_other_writers_commits_only() {
    use newsfacts::store::{InsertOutcome, SqlStore, Store};
    let Some((url, _guard)) = common::pg::temp_database("the commit feed test").await else {
        return;
    };
    let listening = newsfacts::store::open(&url).await.expect("open store");
    let mut feed = listening
        .take_commit_feed()
        .expect("a PostgreSQL store has a feed");
    assert!(
        listening.take_commit_feed().is_none(),
        "the feed is handed out once"
    );
    let other = SqlStore::connect(&url)
        .await
        .expect("connect a second writer");

    let own = newsfacts::extract::analyze(&story(0));
    let theirs = newsfacts::extract::analyze(&story(1));
    let created = |outcomes: Vec<InsertOutcome>| match outcomes.as_slice() {
        [InsertOutcome::Created(article)] => article.as_ref().clone(),
        other => panic!("expected one CREATED, got {other:?}"),
    };
    // Committed first by the listening store itself: never on its feed.
    created(
        listening
            .insert_articles(vec![own])
            .await
            .expect("insert own"),
    );
    let theirs = created(
        other
            .insert_articles(vec![theirs])
            .await
            .expect("insert theirs"),
    );
    assert!(!theirs.statements.is_empty() && !theirs.trade_facts.is_empty());

    // Notifications arrive in commit order, so had the feed carried the store's own article,
    // it would come first.
    let received = tokio::time::timeout(DEADLINE, feed.recv())
        .await
        .expect("the other writer's facts arrive")
        .expect("the feed stays open");
    assert_eq!(received.article_id, theirs.article_id);
    assert_eq!(received.statements, theirs.statements);
    assert_eq!(received.trade_facts, theirs.trade_facts);
    other.close().await;
}
