//! Following the commits of other processes that share one PostgreSQL database, so that
//! `WatchFacts` on any replica streams the facts every replica commits.
//!
//! **Sending.** A PostgreSQL transaction that creates articles calls `pg_notify` on
//! [`CHANNEL`] before it commits, with ids, not facts (a payload holds at most 8000 bytes):
//! the writing store's instance id, the batch's ingest time and the `seq` of each article it
//! created, a few hundred per notification. PostgreSQL delivers the notifications only if and
//! when the transaction commits, in commit order, to every session listening on the channel.
//! (The price: PostgreSQL queues the notifications of committing transactions one at a time,
//! a short critical section at every commit that creates articles.)
//!
//! **Receiving.** [`SqlStore::listen_for_commits`] opens a session of its own (application
//! name [`LISTENER_APPLICATION_NAME`]), `LISTEN`s, and runs a task that loads the statements
//! and trade facts of each notified article from the store and sends them on a
//! [`CommitFeed`], which the pipeline publishes on its local bus.
//!
//! **Own commits.** A replica publishes its own commits on its local bus as soon as they
//! commit (before their acks, as with SQLite), so the listener skips notifications that carry
//! its own instance id: each fact reaches a replica's watchers once, and a replica's own
//! facts do not wait for a round trip through the database.
//!
//! **Reconnects.** Notifications sent while the listening session is down are lost. When the
//! session breaks, the listener reconnects (and `LISTEN`s again) and then catches up: it
//! reloads every article whose ingest time is at most [`CATCH_UP_SLACK_MICROS`] older than
//! the last moment it knew it had everything, leaving out the articles already published
//! (by a notification, by the catch-up, or as this replica's own commits: the store records
//! their `seq`s). The slack covers transactions still running at the break and clock skew
//! between replicas; a transaction that took longer than that, or a replica whose clock is
//! further off, can still be missed; and a break soon after start can bring facts committed
//! up to that long before the start. The catch-up reads `articles` by primary key from the
//! highest `seq` notified before that window (the whole table when there is none, as after
//! a break within the first minutes) and filters on `ingest_time`.
//!
//! Delivery to watchers stays best effort, as on one replica: when the feed is full the
//! listener drops facts (and logs it), and a subscriber that lags too far is told so and
//! ends; the store keeps everything, and the `List*` calls see every committed fact on every
//! replica.

use super::SqlStore;
use super::connect::Backend;
use super::rows::{micros, now};
use crate::api::v1::{Statement, TradeFact};
use crate::store::{CommitFeed, CommittedFacts, StoreError};
use prost::Message;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tracing::Instrument;

/// The notification channel of committed articles.
pub const CHANNEL: &str = "newsfacts_commits";
/// `application_name` of the listening session (how an operator finds it in
/// `pg_stat_activity`).
pub const LISTENER_APPLICATION_NAME: &str = "newsfacts-commit-listener";
/// First field of every payload; a payload of another version is ignored.
const PAYLOAD_VERSION: &str = "1";
/// Article `seq`s per notification: at most 20 bytes each, well below the 8000-byte limit.
const SEQS_PER_NOTIFICATION: usize = 300;
/// How far back before the last moment the listener knew it had everything a catch-up
/// reloads (in ingest time): longer than a commit takes, plus clock skew between replicas.
pub const CATCH_UP_SLACK_MICROS: i64 = 5 * 60 * 1_000_000;
/// Least time between two checkpoints of the listener.
const CHECKPOINT_EVERY_MICROS: i64 = 1_000_000;
/// How often the listener forgets published articles that no catch-up can reach any more.
const FORGET_EVERY_MICROS: i64 = 10 * 1_000_000;
/// Articles whose facts wait for the pipeline; beyond that the listener drops and warns.
const FEED_CAPACITY: usize = 1024;
/// Articles whose facts one query loads.
const LOAD_CHUNK: usize = 500;
/// First and longest pause before the listener retries after an error.
const RETRY_PAUSES: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(5));

/// A random id of this store instance, carried in its notifications.
pub(super) fn new_instance_id() -> Arc<str> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    // `RandomState` is seeded from the operating system's randomness.
    let random =
        std::collections::hash_map::RandomState::new().hash_one((std::process::id(), nanos));
    Arc::from(format!("{random:016x}"))
}

/// The payloads that announce a batch's created articles: `1 <instance> <ingest time> <seq>,...`.
pub(super) fn payloads(instance: &str, ingest_time: i64, seqs: &[i64]) -> Vec<String> {
    seqs.chunks(SEQS_PER_NOTIFICATION)
        .map(|chunk| {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            format!(
                "{PAYLOAD_VERSION} {instance} {ingest_time} {}",
                list.join(",")
            )
        })
        .collect()
}

/// A parsed notification.
#[derive(Debug, PartialEq, Eq)]
struct Notice {
    instance: String,
    ingest_time: i64,
    seqs: Vec<i64>,
}

/// Parses a payload of [`payloads`]; `None` for anything else.
fn parse(payload: &str) -> Option<Notice> {
    let mut fields = payload.split(' ');
    if fields.next()? != PAYLOAD_VERSION {
        return None;
    }
    let instance = fields.next()?.to_owned();
    let ingest_time = fields.next()?.parse().ok()?;
    let seqs = fields
        .next()?
        .split(',')
        .map(|s| s.parse().ok())
        .collect::<Option<Vec<i64>>>()?;
    if fields.next().is_some() || instance.is_empty() {
        return None;
    }
    Some(Notice {
        instance,
        ingest_time,
        seqs,
    })
}

/// Sends the notifications of a batch inside its transaction (PostgreSQL only; nothing is
/// sent before the transaction commits, nothing at all if it rolls back).
pub(super) async fn notify(
    tx: &mut Transaction<'_, Any>,
    instance: &str,
    ingest_time: i64,
    seqs: &[i64],
) -> Result<(), sqlx::Error> {
    for payload in payloads(instance, ingest_time, seqs) {
        sqlx::query("SELECT pg_notify($1, $2) IS NULL")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The articles already published on this replica's bus, by `seq`, with their ingest time,
/// so that a catch-up after a reconnect publishes nothing twice. Kept only while a listener
/// runs, and only as far back as a catch-up can reach.
#[derive(Default)]
pub(super) struct Published {
    active: AtomicBool,
    seqs: Mutex<HashMap<i64, i64>>,
}

impl std::fmt::Debug for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Published")
            .field("active", &self.active.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Published {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, i64>> {
        // The map holds plain numbers: a panic elsewhere cannot leave it inconsistent.
        self.seqs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records the articles of one of this replica's own batches (before it commits: a
    /// batch that rolls back leaves `seq`s that no article will ever have).
    pub(super) fn record_own(&self, ingest_time: i64, seqs: &[i64]) {
        if self.active.load(Ordering::Acquire) {
            self.lock()
                .extend(seqs.iter().map(|&seq| (seq, ingest_time)));
        }
    }

    /// Records `articles` (`seq`, ingest time) and returns the `seq`s not recorded before, in
    /// the order given.
    fn claim(&self, articles: impl IntoIterator<Item = (i64, i64)>) -> Vec<i64> {
        let mut seqs = self.lock();
        articles
            .into_iter()
            .filter(|&(seq, ingest_time)| seqs.insert(seq, ingest_time).is_none())
            .map(|(seq, _)| seq)
            .collect()
    }

    /// Forgets articles ingested before `before` (microseconds).
    fn forget_before(&self, before: i64) {
        self.lock().retain(|_, ingest_time| *ingest_time >= before);
    }
}

impl SqlStore {
    /// For PostgreSQL: opens a listening session on [`CHANNEL`] and starts following the
    /// commits of other processes that share the database; their facts come out of the feed
    /// that [`crate::store::Store::take_commit_feed`] hands out. Returns once the session
    /// listens, so nothing committed after this returns is missed. Does nothing for SQLite
    /// (one process) or when the store already listens.
    ///
    /// The task stops when the feed is dropped. It survives a broken session: see the
    /// module documentation for what a reconnect costs.
    pub async fn listen_for_commits(&self, url: &str) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres || self.published.active.load(Ordering::Acquire) {
            return Ok(());
        }
        let options = PgConnectOptions::from_str(url)?.application_name(LISTENER_APPLICATION_NAME);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        let listener = open_listener(&pool).await?;
        let (sender, receiver) = mpsc::channel(FEED_CAPACITY);
        *self.feed.lock().unwrap_or_else(|p| p.into_inner()) = Some(CommitFeed::new(receiver));
        self.published.active.store(true, Ordering::Release);
        let follower = Follower {
            store: self.clone(),
            pool,
            listener: Some(listener),
            sender,
            covered_until: micros(&now()),
            catch_up_from: None,
            forgotten_at: micros(&now()),
            checkpoints: VecDeque::new(),
        };
        let span = tracing::info_span!("commit_listener", instance = %self.instance_id);
        tokio::spawn(follower.run().instrument(span));
        tracing::info!(instance = %self.instance_id, channel = CHANNEL, "listening for commits of other replicas");
        Ok(())
    }

    /// The facts of the articles with these `seq`s, one [`CommittedFacts`] per article that
    /// has any, in the order of `seqs`.
    async fn committed_facts(&self, seqs: &[i64]) -> Result<Vec<CommittedFacts>, StoreError> {
        let mut out = Vec::new();
        for chunk in seqs.chunks(LOAD_CHUNK) {
            let mut by_seq: HashMap<i64, CommittedFacts> = HashMap::new();
            for row in self.fact_rows("statements", chunk).await? {
                let seq: i64 = row.try_get("article_seq")?;
                let body: Vec<u8> = row.try_get("body")?;
                let statement = Statement::decode(body.as_slice())?;
                by_seq
                    .entry(seq)
                    .or_insert_with(|| CommittedFacts::for_article(&statement.article_id))
                    .statements
                    .push(statement);
            }
            for row in self.fact_rows("trade_facts", chunk).await? {
                let seq: i64 = row.try_get("article_seq")?;
                let body: Vec<u8> = row.try_get("body")?;
                let fact = TradeFact::decode(body.as_slice())?;
                by_seq
                    .entry(seq)
                    .or_insert_with(|| CommittedFacts::for_article(&fact.article_id))
                    .trade_facts
                    .push(fact);
            }
            out.extend(chunk.iter().filter_map(|seq| by_seq.remove(seq)));
        }
        Ok(out)
    }

    /// `article_seq, body` of the rows of `table` (statements or trade facts) that belong to
    /// the articles `seqs`, in each article's order.
    async fn fact_rows(
        &self,
        table: &'static str,
        seqs: &[i64],
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let placeholders: Vec<String> = (1..=seqs.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT article_seq, body FROM {table} WHERE article_seq IN ({}) ORDER BY article_seq, seq",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for &seq in seqs {
            query = query.bind(seq);
        }
        Ok(query.fetch_all(&self.reader).await?)
    }

    /// `seq` and ingest time of the articles after `after_seq` ingested at or after `since`
    /// (microseconds).
    async fn ingested_since(
        &self,
        after_seq: i64,
        since: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        sqlx::query(
            "SELECT seq, ingest_time FROM articles WHERE seq > $1 AND ingest_time >= $2 \
             ORDER BY seq",
        )
        .bind(after_seq)
        .bind(since)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
    }
}

/// The highest `seq` of the checkpoints (arrival time, `seq`) from before `from`; 0 when none.
fn floor_before(checkpoints: &VecDeque<(i64, i64)>, from: i64) -> i64 {
    checkpoints
        .iter()
        .filter(|(received, _)| *received < from)
        .map(|(_, seq)| *seq)
        .max()
        .unwrap_or(0)
}

/// Drops the checkpoints from before `reach` except the last of them, where a catch-up that
/// reaches back to `reach` starts.
fn forget_checkpoints(checkpoints: &mut VecDeque<(i64, i64)>, reach: i64) {
    while checkpoints.get(1).is_some_and(|(t, _)| *t < reach) {
        checkpoints.pop_front();
    }
}

/// A session of `pool` that listens on [`CHANNEL`].
async fn open_listener(pool: &PgPool) -> Result<PgListener, StoreError> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A pool of its own, which nobody closes while the listener waits.
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// The task that turns notifications into facts on the feed.
struct Follower {
    store: SqlStore,
    /// The pool of the listening session (one connection).
    pool: PgPool,
    /// The listening session; `None` after an error, until a new one listens.
    listener: Option<PgListener>,
    sender: mpsc::Sender<CommittedFacts>,
    /// Ingest time (microseconds, local clock) up to which every commit is known to have
    /// been published.
    covered_until: i64,
    /// Set when the session broke: where the catch-up starts (ingest time, microseconds).
    catch_up_from: Option<i64>,
    /// When [`Published`] last forgot old articles (microseconds).
    forgotten_at: i64,
    /// (Local time a notification arrived, highest `seq` it named), at most one a second and
    /// in time order: where a catch-up can start reading `articles` by primary key.
    checkpoints: VecDeque<(i64, i64)>,
}

impl Follower {
    async fn run(mut self) {
        let mut pause = RETRY_PAUSES.0;
        loop {
            if let Err(error) = self.ready().await {
                tracing::warn!(%error, retry_in = ?pause, "commit listener cannot listen or catch up");
                if !self.wait(&mut pause).await {
                    break;
                }
                continue;
            }
            pause = RETRY_PAUSES.0;
            let Some(listener) = self.listener.as_mut() else {
                continue;
            };
            let received = tokio::select! {
                () = self.sender.closed() => break,
                received = listener.try_recv() => received,
            };
            match received {
                Ok(Some(notification)) => {
                    if let Err(error) = self.on_notification(notification.payload()).await {
                        tracing::warn!(%error, "commit listener cannot load notified facts");
                        self.lost_notifications();
                    }
                }
                Ok(None) => {
                    // sqlx opened the session again and listens; what was sent while it was
                    // down is lost.
                    tracing::warn!("commit listener lost its session; catching up");
                    self.lost_notifications();
                }
                Err(error) => {
                    // The session may be half broken: start over with a new one.
                    tracing::warn!(%error, retry_in = ?pause, "commit listener failed");
                    self.listener = None;
                    self.lost_notifications();
                    if !self.wait(&mut pause).await {
                        break;
                    }
                }
            }
        }
        self.store.published.active.store(false, Ordering::Release);
        tracing::debug!("commit listener stopped: nobody takes the feed");
    }

    /// Waits `pause` (doubling it for next time, up to a limit); `false` when the feed was
    /// dropped meanwhile.
    async fn wait(&self, pause: &mut Duration) -> bool {
        let closed = tokio::select! {
            () = self.sender.closed() => true,
            () = tokio::time::sleep(*pause) => false,
        };
        *pause = (*pause * 2).min(RETRY_PAUSES.1);
        !closed
    }

    /// Opens a listening session when there is none, then catches up if notifications may
    /// have been lost (in that order: whatever commits once the session listens is notified,
    /// and the catch-up sees whatever committed before).
    async fn ready(&mut self) -> Result<(), StoreError> {
        if self.listener.is_none() {
            self.listener = Some(open_listener(&self.pool).await?);
        }
        self.catch_up().await
    }

    /// Marks that notifications may have been lost since `covered_until`.
    fn lost_notifications(&mut self) {
        if self.catch_up_from.is_none() {
            self.catch_up_from = Some(self.covered_until.saturating_sub(CATCH_UP_SLACK_MICROS));
        }
    }

    async fn on_notification(&mut self, payload: &str) -> Result<(), StoreError> {
        let Some(notice) = parse(payload) else {
            tracing::warn!(
                payload_bytes = payload.len(),
                "ignoring a notification this version does not understand"
            );
            return Ok(());
        };
        let started = micros(&now());
        self.checkpoint(started, &notice.seqs);
        // This replica's own commits were published locally when they committed.
        if notice.instance != *self.store.instance_id {
            let seqs = self
                .store
                .published
                .claim(notice.seqs.iter().map(|&seq| (seq, notice.ingest_time)));
            self.publish(&seqs).await?;
        }
        if self.catch_up_from.is_none() {
            // Notifications arrive in commit order: everything committed before this one
            // has arrived too.
            self.advance(started);
        }
        Ok(())
    }

    /// After a break: publishes what was committed in the meantime and not yet published.
    async fn catch_up(&mut self) -> Result<(), StoreError> {
        let Some(from) = self.catch_up_from else {
            return Ok(());
        };
        let started = micros(&now());
        // An article notified before `from` got its `seq` before `from`; one committed during
        // the break started after `from` (that is what the slack is for), so its `seq` is
        // higher.
        let floor = floor_before(&self.checkpoints, from);
        let articles = self.store.ingested_since(floor, from).await?;
        let seqs = self.store.published.claim(articles);
        let sent = self.publish(&seqs).await?;
        tracing::info!(
            articles = seqs.len(),
            sent,
            "commit listener caught up after a break"
        );
        self.catch_up_from = None;
        self.advance(started);
        Ok(())
    }

    /// Remembers that the articles `seqs` were committed by `received` (microseconds).
    fn checkpoint(&mut self, received: i64, seqs: &[i64]) {
        let Some(&highest) = seqs.iter().max() else {
            return;
        };
        let recent = self
            .checkpoints
            .back()
            .is_some_and(|(last, _)| received.saturating_sub(*last) < CHECKPOINT_EVERY_MICROS);
        if !recent {
            self.checkpoints.push_back((received, highest));
        }
    }

    /// Moves `covered_until` forward and, now and then, forgets what no catch-up can reach
    /// any more.
    fn advance(&mut self, to: i64) {
        if to > self.covered_until {
            self.covered_until = to;
            if to.saturating_sub(self.forgotten_at) >= FORGET_EVERY_MICROS {
                self.forgotten_at = to;
                let reach = to.saturating_sub(CATCH_UP_SLACK_MICROS);
                self.store.published.forget_before(reach);
                forget_checkpoints(&mut self.checkpoints, reach);
            }
        }
    }

    /// Loads and sends the facts of these articles; returns how many articles had facts.
    async fn publish(&self, seqs: &[i64]) -> Result<usize, StoreError> {
        if seqs.is_empty() {
            return Ok(0);
        }
        let facts = match self.store.committed_facts(seqs).await {
            Ok(facts) => facts,
            Err(error) => {
                // Claimed but not loaded: give them back, so that the catch-up after this
                // error reloads them.
                self.store.published.unclaim(seqs);
                return Err(error);
            }
        };
        let sent = facts.len();
        for article in facts {
            match self.sender.try_send(article) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(article)) => {
                    tracing::warn!(article_id = %article.article_id, "commit feed full; facts dropped for watchers");
                }
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            }
        }
        Ok(sent)
    }
}

impl Published {
    /// Forgets `seqs` (claimed, but their facts could not be loaded).
    fn unclaim(&self, seqs: &[i64]) {
        let gone: HashSet<&i64> = seqs.iter().collect();
        self.lock().retain(|seq, _| !gone.contains(seq));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_stay_small() {
        let seqs: Vec<i64> = (0..1000).map(|i| i64::MAX - i).collect();
        let sent = payloads("0123456789abcdef", 1_700_000_000_000_000, &seqs);
        assert_eq!(sent.len(), 4);
        assert!(
            sent.iter().all(|p| p.len() < 8000),
            "a payload over 8000 bytes"
        );
        let mut back = Vec::new();
        for payload in &sent {
            let notice = parse(payload).expect("parses");
            assert_eq!(notice.instance, "0123456789abcdef");
            assert_eq!(notice.ingest_time, 1_700_000_000_000_000);
            back.extend(notice.seqs);
        }
        assert_eq!(back, seqs);
    }

    #[test]
    fn foreign_payloads_are_ignored() {
        for payload in [
            "",
            "2 a 1 1",
            "1 a x 1",
            "1 a 1 1,,2",
            "1 a 1 1 extra",
            "1  1 1",
        ] {
            assert_eq!(parse(payload), None, "{payload:?}");
        }
    }

    #[test]
    fn a_catch_up_starts_after_the_last_checkpoint_before_its_reach() {
        let mut checkpoints = VecDeque::from([(10, 100), (20, 250), (30, 400), (40, 410)]);
        assert_eq!(floor_before(&checkpoints, 5), 0);
        assert_eq!(floor_before(&checkpoints, 25), 250);
        assert_eq!(floor_before(&checkpoints, 30), 250);
        forget_checkpoints(&mut checkpoints, 30);
        assert_eq!(checkpoints, [(20, 250), (30, 400), (40, 410)]);
        assert_eq!(floor_before(&checkpoints, 30), 250);
        forget_checkpoints(&mut checkpoints, 100);
        assert_eq!(checkpoints, [(40, 410)]);
    }

    #[test]
    fn published_articles_are_claimed_once_and_forgotten_when_old() {
        let published = Published::default();
        published.record_own(5, &[1]); // not active: not kept
        assert_eq!(published.claim([(1, 5), (2, 5)]), [1, 2]);
        published.active.store(true, Ordering::Release);
        published.record_own(7, &[3]);
        assert_eq!(published.claim([(1, 5), (3, 7), (4, 9)]), [4]);
        published.unclaim(&[4]);
        published.forget_before(6);
        assert_eq!(published.claim([(1, 5), (3, 7), (4, 9)]), [1, 4]);
    }
}
