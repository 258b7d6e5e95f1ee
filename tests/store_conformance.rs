//! One conformance suite for every [`Store`] backend.
//!
//! Each test is written once against `&dyn Store` and instantiated for SQLite (a fresh file in
//! a temporary directory) and PostgreSQL (a fresh database per test on the server named by
//! `NEWSFACTS_TEST_DATABASE_URL`, dropped afterwards). Without that variable the PostgreSQL
//! tests are skipped, unless `CI` is set, in which case they fail.
//!
//! ```text
//! NEWSFACTS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test --test store_conformance
//! ```

mod common;

use newsfacts::api::v1::{
    Article, ArticleView, Commodity, Entity, EntityRef, EntityType, Mention, Statement,
    StatementKind, TradeFact, TradeFactKind,
};
use newsfacts::store::{
    ArticleFilter, EntityFilter, InsertOutcome, Page, PageRequest, SqlStore, StatementFilter,
    Store, StoreError, TradeFactFilter,
};
use pbjson_types::Timestamp;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

/// A fresh, empty database and a store on it.
struct Db {
    url: String,
    store: Arc<dyn Store>,
    _guard: Guard,
}

impl Db {
    /// A second, independent store on the same database (as another process would open it).
    async fn reopen(&self) -> Arc<dyn Store> {
        Arc::new(SqlStore::connect(&self.url).await.expect("reopen store"))
    }
}

/// Keeps the database alive while the test runs (removed on drop).
#[allow(dead_code)]
enum Guard {
    Sqlite(TempDir),
    Postgres(common::pg::PgDatabase),
}

async fn sqlite_db() -> Db {
    let dir = TempDir::new().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = SqlStore::connect(&url).await.expect("connect sqlite");
    Db {
        url,
        store: Arc::new(store),
        _guard: Guard::Sqlite(dir),
    }
}

async fn postgres_db() -> Option<Db> {
    let (url, guard) = common::pg::temp_database("PostgreSQL conformance").await?;
    let store = SqlStore::connect(&url).await.expect("connect postgres");
    Some(Db {
        url,
        store: Arc::new(store),
        _guard: Guard::Postgres(guard),
    })
}

/// Instantiates every listed test once per backend.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = super::sqlite_db().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = super::postgres_db().await else { return };
                    super::$name(&db).await;
                }
            )*
        }
    };
}

conformance!(
    insert_and_get_round_trip,
    duplicates_are_stored_once,
    list_articles_filters,
    list_statements_filters,
    list_trade_facts_filters,
    list_entities_filters_and_counts,
    pagination_is_complete_and_stable,
    bad_page_keys_are_rejected,
    data_survives_reopening,
    concurrent_inserts_of_one_key_create_once,
);

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const PERSON: i32 = EntityType::Person as i32;
const ORG: i32 = EntityType::Organization as i32;
const COUNTRY: i32 = EntityType::Country as i32;

fn ts(seconds: i64) -> Timestamp {
    Timestamp { seconds, nanos: 0 }
}

const SEPT_7_2016: i64 = 1_473_206_400;
const MARCH_1_2017: i64 = 1_488_326_400;

fn micros(seconds: i64) -> i64 {
    seconds * 1_000_000
}

fn entity(id: &str, ty: i32, name: &str, country: &str, mentions: usize) -> Entity {
    Entity {
        entity_id: id.into(),
        r#type: ty,
        name: name.into(),
        country_code: country.into(),
        mentions: (0..mentions)
            .map(|i| Mention {
                text: format!("{name} #{i}"),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn eref(id: &str, ty: i32, name: &str, country: &str) -> Option<EntityRef> {
    Some(EntityRef {
        entity_id: id.into(),
        r#type: ty,
        name: name.into(),
        country_code: country.into(),
    })
}

fn mx() -> Option<EntityRef> {
    eref("country/MX", COUNTRY, "Mexico", "MX")
}
fn cn() -> Option<EntityRef> {
    eref("country/CN", COUNTRY, "China", "CN")
}
fn us() -> Option<EntityRef> {
    eref("country/US", COUNTRY, "United States", "US")
}
fn pena() -> Option<EntityRef> {
    eref(
        "person/enrique-pena-nieto",
        PERSON,
        "Enrique Pena Nieto",
        "MX",
    )
}
fn jack_ma() -> Option<EntityRef> {
    eref("person/jack-ma", PERSON, "Jack Ma", "CN")
}

fn statement(
    local: &str,
    speaker: Option<EntityRef>,
    kind: StatementKind,
    content: &str,
    mentions: &[&str],
) -> Statement {
    Statement {
        statement_id: local.into(),
        speaker,
        kind: kind as i32,
        cue: "said".into(),
        content: content.into(),
        mentioned_entity_ids: mentions.iter().map(|m| m.to_string()).collect(),
        confidence: 0.9,
        ..Default::default()
    }
}

fn commodity(name: &str, hs: &str) -> Commodity {
    Commodity {
        name: name.into(),
        hs_code: hs.into(),
        ..Default::default()
    }
}

/// Xinhua, 2016-09-07: Mexico and China.
fn article_a() -> Article {
    Article {
        external_id: "https://example.com/xinhua/2016-09-07".into(),
        source: "Xinhua".into(),
        title: "China, Mexico have tremendous cooperation potential".into(),
        text: "HANGZHOU, Sept. 7 (Xinhua) -- China and Mexico have tremendous cooperation \
               potential, said Mexican President Enrique Pena Nieto."
            .into(),
        published_at: Some(ts(SEPT_7_2016)),
        language: "en".into(),
        labels: [("desk".to_string(), "trade".to_string())]
            .into_iter()
            .collect(),
        content_sha256: "00".repeat(32),
        entities: vec![
            entity("country/MX", COUNTRY, "Mexico", "MX", 3),
            entity("country/CN", COUNTRY, "China", "CN", 2),
            entity(
                "person/enrique-pena-nieto",
                PERSON,
                "Enrique Pena Nieto",
                "MX",
                2,
            ),
            entity("org/alibaba", ORG, "Alibaba", "CN", 1),
        ],
        statements: vec![
            statement(
                "s1",
                pena(),
                StatementKind::Direct,
                "China and Mexico have tremendous cooperation potential",
                &["country/CN", "country/MX"],
            ),
            statement(
                "s2",
                pena(),
                StatementKind::Indirect,
                "Mexico exports 100% organic avocados to China",
                &["country/MX", "country/CN"],
            ),
            statement(
                "",
                Some(EntityRef {
                    name: "a scholar".into(),
                    ..Default::default()
                }),
                StatementKind::Indirect,
                "bilateral trade will keep growing",
                &[],
            ),
        ],
        trade_facts: vec![
            TradeFact {
                trade_fact_id: "t1".into(),
                kind: TradeFactKind::Export as i32,
                exporter: mx(),
                importer: cn(),
                commodities: vec![commodity("avocados", "0804")],
                attributed_statement_id: "s2".into(),
                evidence: "Mexico exports 100% organic avocados to China".into(),
                ..Default::default()
            },
            TradeFact {
                trade_fact_id: "t2".into(),
                kind: TradeFactKind::BilateralTrade as i32,
                parties: vec![cn().unwrap_or_default(), mx().unwrap_or_default()],
                ..Default::default()
            },
            TradeFact {
                trade_fact_id: "".into(),
                kind: TradeFactKind::Agreement as i32,
                parties: vec![
                    eref("org/alibaba", ORG, "Alibaba", "CN").unwrap_or_default(),
                    mx().unwrap_or_default(),
                ],
                agreement_type: "memorandum of understanding".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

/// Reuters, 2017-03-01: the United States and China.
fn article_b() -> Article {
    Article {
        external_id: "reuters:LR1234".into(),
        source: "Reuters".into(),
        text:
            "WASHINGTON (Reuters) - \"We want to sell more American goods to China,\" Jack Ma said."
                .into(),
        published_at: Some(ts(MARCH_1_2017)),
        entities: vec![
            entity("country/US", COUNTRY, "United States", "US", 1),
            entity("country/CN", COUNTRY, "China", "CN", 1),
            entity("person/jack-ma", PERSON, "Jack Ma", "CN", 2),
        ],
        statements: vec![statement(
            "s1",
            jack_ma(),
            StatementKind::Direct,
            "We want to sell more American goods to China",
            &["country/US", "country/CN"],
        )],
        trade_facts: vec![
            TradeFact {
                trade_fact_id: "t1".into(),
                kind: TradeFactKind::Export as i32,
                exporter: us(),
                importer: cn(),
                commodities: vec![commodity("Soybeans", "1201")],
                ..Default::default()
            },
            TradeFact {
                trade_fact_id: "t2".into(),
                kind: TradeFactKind::TradeMeasure as i32,
                reporter: us(),
                partner: cn(),
                commodities: vec![commodity("steel", "7208")],
                measure_type: "tariff".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

/// AP, no publication date: Mexico and the United States.
fn article_c() -> Article {
    Article {
        external_id: "ap-0001".into(),
        source: "AP".into(),
        text: "MEXICO CITY (AP) - Mexican avocados are 50 percent cheaper, Jack Ma said.".into(),
        entities: vec![
            entity("country/MX", COUNTRY, "Mexico", "MX", 1),
            entity("country/US", COUNTRY, "United States", "US", 1),
        ],
        statements: vec![statement(
            "s1",
            jack_ma(),
            StatementKind::Mixed,
            "Mexican avocados are 50 percent cheaper",
            &["country/MX"],
        )],
        trade_facts: vec![TradeFact {
            trade_fact_id: "t1".into(),
            kind: TradeFactKind::Import as i32,
            exporter: mx(),
            importer: us(),
            commodities: vec![commodity("Avocados", "080440")],
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn expected_id(external_id: &str) -> String {
    Sha256::digest(external_id.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn created(outcome: &InsertOutcome) -> &Article {
    match outcome {
        InsertOutcome::Created(article) => article,
        other => panic!("expected Created, got {other:?}"),
    }
}

fn duplicate_of(outcome: &InsertOutcome) -> &str {
    match outcome {
        InsertOutcome::Duplicate { article_id } => article_id,
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

async fn insert_abc(store: &dyn Store) -> Vec<Article> {
    let outcomes = store
        .insert_articles(vec![article_a(), article_b()])
        .await
        .expect("insert a, b");
    let mut out: Vec<Article> = outcomes.iter().map(|o| created(o).clone()).collect();
    let outcomes = store
        .insert_articles(vec![article_c()])
        .await
        .expect("insert c");
    out.push(created(&outcomes[0]).clone());
    out
}

fn all() -> PageRequest {
    PageRequest {
        after: None,
        limit: 1000,
    }
}

/// Local ids (`{article}:{s1}`) of statements, shortened for readable assertions.
fn short(id: &str, articles: &[Article]) -> String {
    let (article_id, local) = id.split_once('/').expect("prefixed id");
    let letter = articles
        .iter()
        .position(|a| a.article_id == article_id)
        .map_or('?', |i| (b'A' + i as u8) as char);
    format!("{letter}.{local}")
}

async fn statement_ids(
    store: &dyn Store,
    filter: StatementFilter,
    articles: &[Article],
) -> Vec<String> {
    let page = store
        .list_statements(&filter, &all())
        .await
        .expect("list statements");
    assert_eq!(page.next_after, None);
    page.items
        .iter()
        .map(|s| short(&s.statement_id, articles))
        .collect()
}

async fn fact_ids(store: &dyn Store, filter: TradeFactFilter, articles: &[Article]) -> Vec<String> {
    let page = store
        .list_trade_facts(&filter, &all())
        .await
        .expect("list trade facts");
    assert_eq!(page.next_after, None);
    page.items
        .iter()
        .map(|f| short(&f.trade_fact_id, articles))
        .collect()
}

async fn article_sources(store: &dyn Store, filter: ArticleFilter) -> Vec<String> {
    let page = store
        .list_articles(&filter, ArticleView::Basic, &all())
        .await
        .expect("list articles");
    page.items.iter().map(|a| a.source.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

async fn insert_and_get_round_trip(db: &Db) {
    let store = db.store.as_ref();
    let outcomes = store
        .insert_articles(vec![article_a(), article_b()])
        .await
        .expect("insert");
    assert_eq!(outcomes.len(), 2);
    let a = created(&outcomes[0]);
    let id = expected_id(&article_a().external_id);
    assert_eq!(a.article_id, id);
    assert_eq!(a.name, format!("articles/{id}"));
    assert!(a.ingest_time.is_some());
    assert_eq!(
        (a.entity_count, a.statement_count, a.trade_fact_count),
        (4, 3, 3)
    );
    let statement_ids: Vec<&str> = a
        .statements
        .iter()
        .map(|s| s.statement_id.as_str())
        .collect();
    assert_eq!(
        statement_ids,
        [format!("{id}/s1"), format!("{id}/s2"), format!("{id}/s3")]
    );
    let fact_ids: Vec<&str> = a
        .trade_facts
        .iter()
        .map(|f| f.trade_fact_id.as_str())
        .collect();
    assert_eq!(
        fact_ids,
        [format!("{id}/t1"), format!("{id}/t2"), format!("{id}/t3")]
    );
    assert_eq!(a.trade_facts[0].attributed_statement_id, format!("{id}/s2"));
    for s in &a.statements {
        assert_eq!(s.article_id, id);
        assert_eq!(s.published_at, Some(ts(SEPT_7_2016)));
    }
    for f in &a.trade_facts {
        assert_eq!(f.article_id, id);
        assert_eq!(f.published_at, Some(ts(SEPT_7_2016)));
    }

    // FULL: exactly what insert returned.
    let full = store
        .get_article(&id, ArticleView::Full)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(full, *a);
    assert_eq!(full.text, article_a().text);
    assert_eq!(full.labels.get("desk").map(String::as_str), Some("trade"));
    let b = created(&outcomes[1]);
    let full_b = store
        .get_article(&b.article_id, ArticleView::Unspecified)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(full_b, *b);

    // BASIC: metadata and counts only.
    let basic = store
        .get_article(&id, ArticleView::Basic)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(basic.text, "");
    assert!(
        basic.entities.is_empty() && basic.statements.is_empty() && basic.trade_facts.is_empty()
    );
    assert_eq!(
        (
            basic.entity_count,
            basic.statement_count,
            basic.trade_fact_count
        ),
        (4, 3, 3)
    );
    assert_eq!(basic.name, a.name);
    assert_eq!(basic.title, a.title);
    assert_eq!(basic.published_at, a.published_at);
    assert_eq!(basic.ingest_time, a.ingest_time);

    assert_eq!(
        store
            .get_article("0123456789abcdef0123456789abcdef", ArticleView::Full)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .find_article_id(&article_a().external_id)
            .await
            .expect("find"),
        Some(id)
    );
    assert_eq!(store.find_article_id("nope").await.expect("find"), None);
}

async fn duplicates_are_stored_once(db: &Db) {
    let store = db.store.as_ref();
    let first = store
        .insert_articles(vec![article_a()])
        .await
        .expect("insert");
    let a_id = created(&first[0]).article_id.clone();

    // Again in a later batch, and twice within one batch.
    let mut changed = article_a();
    changed.text = "a different text under the same key".into();
    let outcomes = store
        .insert_articles(vec![changed, article_b(), article_b(), article_a()])
        .await
        .expect("insert");
    assert_eq!(duplicate_of(&outcomes[0]), a_id);
    let b_id = created(&outcomes[1]).article_id.clone();
    assert_eq!(duplicate_of(&outcomes[2]), b_id);
    assert_eq!(duplicate_of(&outcomes[3]), a_id);

    let stored = store
        .get_article(&a_id, ArticleView::Full)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(stored.text, article_a().text);
    let articles = store
        .list_articles(&ArticleFilter::default(), ArticleView::Basic, &all())
        .await
        .expect("list");
    assert_eq!(articles.items.len(), 2);
    let statements = store
        .list_statements(&StatementFilter::default(), &all())
        .await
        .expect("list");
    assert_eq!(statements.items.len(), 4);
    let facts = store
        .list_trade_facts(&TradeFactFilter::default(), &all())
        .await
        .expect("list");
    assert_eq!(facts.items.len(), 5);
    let mexico = entity_summary(store, "country/MX").await;
    assert_eq!((mexico.article_count, mexico.mention_count), (1, 3));
}

async fn list_articles_filters(db: &Db) {
    let store = db.store.as_ref();
    let articles = insert_abc(store).await;
    assert_eq!(
        article_sources(store, ArticleFilter::default()).await,
        ["Xinhua", "Reuters", "AP"]
    );
    let by_source = ArticleFilter {
        source: Some("Reuters".into()),
        ..Default::default()
    };
    assert_eq!(article_sources(store, by_source).await, ["Reuters"]);
    let by_entity = |id: &str| ArticleFilter {
        entity_id: Some(id.into()),
        ..Default::default()
    };
    assert_eq!(
        article_sources(store, by_entity("country/MX")).await,
        ["Xinhua", "AP"]
    );
    assert_eq!(
        article_sources(store, by_entity("country/CN")).await,
        ["Xinhua", "Reuters"]
    );
    // A speaker the entity list leaves out still counts as mentioned.
    assert_eq!(
        article_sources(store, by_entity("person/jack-ma")).await,
        ["Reuters", "AP"]
    );
    assert!(
        article_sources(store, by_entity("country/FR"))
            .await
            .is_empty()
    );

    // After is inclusive, before exclusive; an undated article matches no date filter.
    let range = |after: Option<i64>, before: Option<i64>| ArticleFilter {
        published_after_micros: after,
        published_before_micros: before,
        ..Default::default()
    };
    assert_eq!(
        article_sources(store, range(Some(micros(SEPT_7_2016)), None)).await,
        ["Xinhua", "Reuters"]
    );
    assert_eq!(
        article_sources(store, range(Some(micros(SEPT_7_2016) + 1), None)).await,
        ["Reuters"]
    );
    assert_eq!(
        article_sources(store, range(None, Some(micros(MARCH_1_2017)))).await,
        ["Xinhua"]
    );
    assert_eq!(
        article_sources(
            store,
            range(Some(micros(SEPT_7_2016)), Some(micros(MARCH_1_2017) + 1))
        )
        .await,
        ["Xinhua", "Reuters"]
    );
    // Empty strings match everything.
    let empty = ArticleFilter {
        source: Some(String::new()),
        entity_id: Some(String::new()),
        ..Default::default()
    };
    assert_eq!(article_sources(store, empty).await.len(), 3);

    // FULL listing carries text and facts; BASIC does not.
    let full = store
        .list_articles(&ArticleFilter::default(), ArticleView::Full, &all())
        .await
        .expect("list");
    assert_eq!(full.items, articles);
    let basic = store
        .list_articles(&ArticleFilter::default(), ArticleView::Basic, &all())
        .await
        .expect("list");
    assert!(
        basic
            .items
            .iter()
            .all(|a| a.text.is_empty() && a.statements.is_empty())
    );
    assert_eq!(basic.items[0].statement_count, 3);
}

async fn list_statements_filters(db: &Db) {
    let store = db.store.as_ref();
    let articles = insert_abc(store).await;
    let ids = |f: StatementFilter| statement_ids(store, f, &articles);
    assert_eq!(
        ids(StatementFilter::default()).await,
        ["A.s1", "A.s2", "A.s3", "B.s1", "C.s1"]
    );

    let speaker = |s: &str| StatementFilter {
        speaker: Some(s.into()),
        ..Default::default()
    };
    assert_eq!(
        ids(speaker("person/enrique-pena-nieto")).await,
        ["A.s1", "A.s2"]
    );
    assert_eq!(ids(speaker("ENRIQUE pena Nieto")).await, ["A.s1", "A.s2"]);
    assert_eq!(ids(speaker("jack ma")).await, ["B.s1", "C.s1"]);
    assert_eq!(ids(speaker("A Scholar")).await, ["A.s3"]);
    assert!(ids(speaker("person/nobody")).await.is_empty());

    let by_article = StatementFilter {
        article_id: Some(articles[1].article_id.clone()),
        ..Default::default()
    };
    assert_eq!(ids(by_article).await, ["B.s1"]);

    let mentions = |id: &str| StatementFilter {
        mentions_entity_id: Some(id.into()),
        ..Default::default()
    };
    assert_eq!(ids(mentions("country/MX")).await, ["A.s1", "A.s2", "C.s1"]);
    assert_eq!(ids(mentions("country/US")).await, ["B.s1"]);

    let query = |q: &str| StatementFilter {
        query: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(ids(query("AVOCADOS")).await, ["A.s2", "C.s1"]);
    assert_eq!(ids(query("100% organic")).await, ["A.s2"]);
    // `%` and `_` are literal, not wildcards.
    assert_eq!(ids(query("%")).await, ["A.s2"]);
    assert!(ids(query("100_")).await.is_empty());
    assert!(ids(query("50%")).await.is_empty());
    assert_eq!(ids(query("ENT CHEAPER")).await, ["C.s1"]);

    let kind = |k: StatementKind| StatementFilter {
        kind: Some(k as i32),
        ..Default::default()
    };
    assert_eq!(ids(kind(StatementKind::Direct)).await, ["A.s1", "B.s1"]);
    assert_eq!(ids(kind(StatementKind::Mixed)).await, ["C.s1"]);
    assert_eq!(ids(kind(StatementKind::Unspecified)).await.len(), 5);

    let dated = StatementFilter {
        published_after_micros: Some(micros(SEPT_7_2016)),
        published_before_micros: Some(micros(MARCH_1_2017)),
        ..Default::default()
    };
    assert_eq!(ids(dated).await, ["A.s1", "A.s2", "A.s3"]);
    let since_2017 = StatementFilter {
        published_after_micros: Some(micros(MARCH_1_2017)),
        ..Default::default()
    };
    assert_eq!(ids(since_2017).await, ["B.s1"]);

    let combined = StatementFilter {
        speaker: Some("Jack Ma".into()),
        query: Some("china".into()),
        kind: Some(StatementKind::Direct as i32),
        ..Default::default()
    };
    assert_eq!(ids(combined).await, ["B.s1"]);
}

async fn list_trade_facts_filters(db: &Db) {
    let store = db.store.as_ref();
    let articles = insert_abc(store).await;
    let ids = |f: TradeFactFilter| fact_ids(store, f, &articles);
    assert_eq!(
        ids(TradeFactFilter::default()).await,
        ["A.t1", "A.t2", "A.t3", "B.t1", "B.t2", "C.t1"]
    );

    let kind = |k: TradeFactKind| TradeFactFilter {
        kind: Some(k as i32),
        ..Default::default()
    };
    assert_eq!(ids(kind(TradeFactKind::Export)).await, ["A.t1", "B.t1"]);
    assert_eq!(ids(kind(TradeFactKind::Agreement)).await, ["A.t3"]);

    let country = |c: &str, partner: Option<&str>| TradeFactFilter {
        country_code: Some(c.into()),
        partner_country_code: partner.map(Into::into),
        ..Default::default()
    };
    // Any side: exporter, importer, reporter, partner, parties (an org's country included).
    assert_eq!(
        ids(country("CN", None)).await,
        ["A.t1", "A.t2", "A.t3", "B.t1", "B.t2"]
    );
    assert_eq!(ids(country("US", None)).await, ["B.t1", "B.t2", "C.t1"]);
    assert_eq!(
        ids(country("MX", Some("CN"))).await,
        ["A.t1", "A.t2", "A.t3"]
    );
    assert_eq!(ids(country("CN", Some("US"))).await, ["B.t1", "B.t2"]);
    assert_eq!(ids(country("US", Some("MX"))).await, ["C.t1"]);
    assert!(ids(country("FR", None)).await.is_empty());
    let partner_only = TradeFactFilter {
        partner_country_code: Some("MX".into()),
        ..Default::default()
    };
    assert_eq!(ids(partner_only).await, ["A.t1", "A.t2", "A.t3", "C.t1"]);

    let exporter = TradeFactFilter {
        exporter: Some("MX".into()),
        ..Default::default()
    };
    assert_eq!(ids(exporter).await, ["A.t1", "C.t1"]);
    let importer = TradeFactFilter {
        importer: Some("CN".into()),
        ..Default::default()
    };
    assert_eq!(ids(importer).await, ["A.t1", "B.t1"]);
    let pair = TradeFactFilter {
        exporter: Some("MX".into()),
        importer: Some("US".into()),
        ..Default::default()
    };
    assert_eq!(ids(pair).await, ["C.t1"]);

    let hs = |p: &str| TradeFactFilter {
        hs_code_prefix: Some(p.into()),
        ..Default::default()
    };
    assert_eq!(ids(hs("0804")).await, ["A.t1", "C.t1"]);
    assert_eq!(ids(hs("08044")).await, ["C.t1"]);
    assert_eq!(ids(hs("12")).await, ["B.t1"]);
    assert_eq!(ids(hs("7208")).await, ["B.t2"]);
    assert!(ids(hs("0805")).await.is_empty());
    assert!(ids(hs("08_4")).await.is_empty());
    assert!(ids(hs("%")).await.is_empty());

    let commodity = |c: &str| TradeFactFilter {
        commodity: Some(c.into()),
        ..Default::default()
    };
    assert_eq!(ids(commodity("AVOCADOS")).await, ["A.t1", "C.t1"]);
    assert_eq!(ids(commodity("soybeans")).await, ["B.t1"]);
    assert!(ids(commodity("avocado")).await.is_empty());

    let by_article = TradeFactFilter {
        article_id: Some(articles[2].article_id.clone()),
        ..Default::default()
    };
    assert_eq!(ids(by_article).await, ["C.t1"]);

    let dated = TradeFactFilter {
        published_after_micros: Some(micros(SEPT_7_2016)),
        published_before_micros: Some(micros(MARCH_1_2017)),
        ..Default::default()
    };
    assert_eq!(ids(dated).await, ["A.t1", "A.t2", "A.t3"]);

    let combined = TradeFactFilter {
        kind: Some(TradeFactKind::Export as i32),
        country_code: Some("CN".into()),
        hs_code_prefix: Some("08".into()),
        commodity: Some("Avocados".into()),
        ..Default::default()
    };
    assert_eq!(ids(combined).await, ["A.t1"]);
}

async fn entity_summary(store: &dyn Store, id: &str) -> newsfacts::api::v1::EntitySummary {
    let page = store
        .list_entities(&EntityFilter::default(), &all())
        .await
        .expect("list entities");
    page.items
        .into_iter()
        .find(|e| e.entity_id == id)
        .unwrap_or_else(|| panic!("entity {id} not listed"))
}

async fn list_entities_filters_and_counts(db: &Db) {
    let store = db.store.as_ref();
    insert_abc(store).await;
    let page = store
        .list_entities(&EntityFilter::default(), &all())
        .await
        .expect("list");
    let ids: Vec<&str> = page.items.iter().map(|e| e.entity_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "country/CN",
            "country/MX",
            "country/US",
            "org/alibaba",
            "person/enrique-pena-nieto",
            "person/jack-ma"
        ]
    );

    let counts = |e: &newsfacts::api::v1::EntitySummary| {
        (
            e.article_count,
            e.mention_count,
            e.statement_count,
            e.trade_fact_count,
        )
    };
    let china = entity_summary(store, "country/CN").await;
    assert_eq!(
        (
            china.name.as_str(),
            china.r#type,
            china.country_code.as_str()
        ),
        ("China", COUNTRY, "CN")
    );
    // A: t1 importer, t2 party; B: t1 importer, t2 partner.
    assert_eq!(counts(&china), (2, 3, 0, 4));
    let mexico = entity_summary(store, "country/MX").await;
    // A: t1, t2, t3; C: t1.
    assert_eq!(counts(&mexico), (2, 4, 0, 4));
    let us = entity_summary(store, "country/US").await;
    assert_eq!(counts(&us), (2, 2, 0, 3));
    let pena = entity_summary(store, "person/enrique-pena-nieto").await;
    assert_eq!(counts(&pena), (1, 2, 2, 0));
    let ma = entity_summary(store, "person/jack-ma").await;
    assert_eq!(counts(&ma), (2, 2, 2, 0));
    let alibaba = entity_summary(store, "org/alibaba").await;
    assert_eq!(counts(&alibaba), (1, 1, 0, 1));

    let listed = |f: EntityFilter| async move {
        let page = store.list_entities(&f, &all()).await.expect("list");
        page.items
            .into_iter()
            .map(|e| e.entity_id)
            .collect::<Vec<_>>()
    };
    let by_type = |t: i32| EntityFilter {
        entity_type: Some(t),
        ..Default::default()
    };
    assert_eq!(
        listed(by_type(PERSON)).await,
        ["person/enrique-pena-nieto", "person/jack-ma"]
    );
    assert_eq!(listed(by_type(ORG)).await, ["org/alibaba"]);
    assert_eq!(listed(by_type(0)).await.len(), 6);
    let by_name = |p: &str| EntityFilter {
        name_prefix: Some(p.into()),
        ..Default::default()
    };
    assert_eq!(listed(by_name("JA")).await, ["person/jack-ma"]);
    assert_eq!(listed(by_name("m")).await, ["country/MX"]);
    assert!(listed(by_name("%")).await.is_empty());
    assert!(listed(by_name("exico")).await.is_empty());
    let both = EntityFilter {
        entity_type: Some(COUNTRY),
        name_prefix: Some("united".into()),
    };
    assert_eq!(listed(both).await, ["country/US"]);

    // Counts keep adding up with more articles.
    let mut d = article_c();
    d.external_id = "ap-0002".into();
    store.insert_articles(vec![d]).await.expect("insert");
    let ma = entity_summary(store, "person/jack-ma").await;
    assert_eq!(counts(&ma), (3, 2, 3, 0));
}

/// Pages through a listing with `limit` and returns every key and item seen.
async fn page_through<T, F, Fut>(limit: usize, mut list: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, StoreError>>,
{
    let mut out = vec![];
    let mut after = None;
    for _ in 0..100 {
        let page = list(PageRequest { after, limit }).await.expect("page");
        assert!(page.items.len() <= limit);
        out.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
    panic!("pagination does not end");
}

async fn pagination_is_complete_and_stable(db: &Db) {
    let store = db.store.as_ref();
    insert_abc(store).await;

    let filter = StatementFilter::default();
    let everything = store
        .list_statements(&filter, &all())
        .await
        .expect("list")
        .items;
    assert_eq!(everything.len(), 5);
    let paged = page_through(2, |p| {
        let filter = &filter;
        async move { store.list_statements(filter, &p).await }
    })
    .await;
    assert_eq!(paged, everything);
    let again = page_through(2, |p| {
        let filter = &filter;
        async move { store.list_statements(filter, &p).await }
    })
    .await;
    assert_eq!(again, everything);

    // Exactly one full page: no next page.
    let first = store
        .list_statements(
            &filter,
            &PageRequest {
                after: None,
                limit: 5,
            },
        )
        .await
        .expect("list");
    assert_eq!((first.items.len(), first.next_after), (5, None));

    let filter = TradeFactFilter {
        country_code: Some("MX".into()),
        ..Default::default()
    };
    let everything = store
        .list_trade_facts(&filter, &all())
        .await
        .expect("list")
        .items;
    assert_eq!(everything.len(), 4);
    let paged = page_through(2, |p| {
        let filter = &filter;
        async move { store.list_trade_facts(filter, &p).await }
    })
    .await;
    assert_eq!(paged, everything);
    let paged = page_through(1, |p| {
        let filter = &filter;
        async move { store.list_trade_facts(filter, &p).await }
    })
    .await;
    assert_eq!(paged, everything);

    let filter = ArticleFilter::default();
    let everything = store
        .list_articles(&filter, ArticleView::Full, &all())
        .await
        .expect("list")
        .items;
    let paged = page_through(2, |p| {
        let filter = &filter;
        async move { store.list_articles(filter, ArticleView::Full, &p).await }
    })
    .await;
    assert_eq!(paged, everything);

    let filter = EntityFilter::default();
    let everything = store
        .list_entities(&filter, &all())
        .await
        .expect("list")
        .items;
    assert_eq!(everything.len(), 6);
    let paged = page_through(2, |p| {
        let filter = &filter;
        async move { store.list_entities(filter, &p).await }
    })
    .await;
    assert_eq!(paged, everything);

    // Items committed after a page was read appear on later pages, none twice.
    let filter = StatementFilter::default();
    let first = store
        .list_statements(
            &filter,
            &PageRequest {
                after: None,
                limit: 2,
            },
        )
        .await
        .expect("list");
    let mut d = article_b();
    d.external_id = "reuters:LR5678".into();
    store.insert_articles(vec![d]).await.expect("insert");
    let rest = page_through(2, |p| {
        let after = p.after.or(first.next_after.clone());
        let filter = &filter;
        async move {
            store
                .list_statements(
                    filter,
                    &PageRequest {
                        after,
                        limit: p.limit,
                    },
                )
                .await
        }
    })
    .await;
    assert_eq!(first.items.len() + rest.len(), 6);
}

async fn bad_page_keys_are_rejected(db: &Db) {
    let store = db.store.as_ref();
    insert_abc(store).await;
    for key in ["abc", "-1", "1.5", ""] {
        let page = PageRequest {
            after: Some(key.into()),
            limit: 2,
        };
        assert!(
            matches!(
                store
                    .list_statements(&StatementFilter::default(), &page)
                    .await,
                Err(StoreError::InvalidPageKey(_))
            ),
            "statements with key {key:?}"
        );
        assert!(matches!(
            store
                .list_trade_facts(&TradeFactFilter::default(), &page)
                .await,
            Err(StoreError::InvalidPageKey(_))
        ));
        assert!(matches!(
            store
                .list_articles(&ArticleFilter::default(), ArticleView::Basic, &page)
                .await,
            Err(StoreError::InvalidPageKey(_))
        ));
    }
    let empty = PageRequest {
        after: Some(String::new()),
        limit: 2,
    };
    assert!(matches!(
        store.list_entities(&EntityFilter::default(), &empty).await,
        Err(StoreError::InvalidPageKey(_))
    ));
}

async fn data_survives_reopening(db: &Db) {
    let outcomes = db
        .store
        .insert_articles(vec![article_a(), article_b()])
        .await
        .expect("insert");
    let a = created(&outcomes[0]).clone();
    let reopened = db.reopen().await;
    let got = reopened
        .get_article(&a.article_id, ArticleView::Full)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(got, a);
    // The reopened store still knows the key.
    let again = reopened
        .insert_articles(vec![article_a()])
        .await
        .expect("insert");
    assert_eq!(duplicate_of(&again[0]), a.article_id);
    let statements = reopened
        .list_statements(&StatementFilter::default(), &all())
        .await
        .expect("list");
    assert_eq!(statements.items.len(), 4);
    // And a third open (migrations already applied) works too.
    let third = db.reopen().await;
    assert_eq!(
        third
            .find_article_id(&article_b().external_id)
            .await
            .expect("find"),
        Some(expected_id(&article_b().external_id))
    );
}

async fn concurrent_inserts_of_one_key_create_once(db: &Db) {
    // Two independent stores, as two processes sharing the database would have.
    let other = db.reopen().await;
    // Enough rounds that the two transactions overlap in some of them on a loaded machine.
    const ROUNDS: usize = 40;
    for round in 0..ROUNDS {
        let make = || {
            let mut a = article_a();
            a.external_id = format!("race-{round}");
            let mut b = article_b();
            b.external_id = format!("race-other-{round}");
            vec![a, b]
        };
        let (s1, s2) = (db.store.clone(), other.clone());
        let (batch1, batch2) = (make(), make());
        let t1 = tokio::spawn(async move { s1.insert_articles(batch1).await });
        let t2 = tokio::spawn(async move { s2.insert_articles(batch2).await });
        let r1 = t1.await.expect("task").expect("insert 1");
        let r2 = t2.await.expect("task").expect("insert 2");
        for i in 0..2 {
            let outcomes = [&r1[i], &r2[i]];
            let created: Vec<_> = outcomes
                .iter()
                .filter(|o| matches!(o, InsertOutcome::Created(_)))
                .collect();
            assert_eq!(created.len(), 1, "round {round} item {i}: {outcomes:?}");
            let id = match created[0] {
                InsertOutcome::Created(a) => a.article_id.clone(),
                InsertOutcome::Duplicate { .. } => unreachable!(),
            };
            for o in outcomes {
                if let InsertOutcome::Duplicate { article_id } = o {
                    assert_eq!(*article_id, id);
                }
            }
        }
    }
    let articles = db
        .store
        .list_articles(&ArticleFilter::default(), ArticleView::Basic, &all())
        .await
        .expect("list");
    assert_eq!(articles.items.len(), 2 * ROUNDS);
    let statements = db
        .store
        .list_statements(&StatementFilter::default(), &all())
        .await
        .expect("list");
    assert_eq!(statements.items.len(), 4 * ROUNDS);
    let china = entity_summary(db.store.as_ref(), "country/CN").await;
    assert_eq!(china.article_count as usize, 2 * ROUNDS);
}
