-- newsfacts schema, SQLite dialect. Keep in step with migrations/postgres/0001_init.sql.
-- Times are microseconds since the Unix epoch. `seq` columns give the stable ingest order
-- (AUTOINCREMENT: never reused) and are the keyset-pagination keys.

CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id   TEXT    NOT NULL UNIQUE,
    external_id  TEXT    NOT NULL UNIQUE,   -- idempotency key
    source       TEXT    NOT NULL,
    published_at INTEGER,
    ingest_time  INTEGER NOT NULL,
    meta         BLOB    NOT NULL,          -- Article without text/entities/statements/trade_facts
    text         TEXT    NOT NULL,
    entities     BLOB    NOT NULL           -- Article holding only `entities`
);
CREATE INDEX articles_source_seq ON articles (source, seq);
CREATE INDEX articles_published_seq ON articles (published_at, seq);

CREATE TABLE article_entities (
    entity_id   TEXT    NOT NULL,
    article_seq INTEGER NOT NULL REFERENCES articles (seq) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, article_seq)
) WITHOUT ROWID;
CREATE INDEX article_entities_article ON article_entities (article_seq);

CREATE TABLE statements (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id       TEXT    NOT NULL UNIQUE,
    article_seq        INTEGER NOT NULL REFERENCES articles (seq) ON DELETE CASCADE,
    article_id         TEXT    NOT NULL,
    speaker_id         TEXT    NOT NULL,
    speaker_name_lower TEXT    NOT NULL,
    kind               INTEGER NOT NULL,
    content_lower      TEXT    NOT NULL,
    published_at       INTEGER,
    body               BLOB    NOT NULL     -- the Statement, prost-encoded
);
CREATE INDEX statements_article_seq ON statements (article_seq, seq);
CREATE INDEX statements_article_id ON statements (article_id, seq);
CREATE INDEX statements_speaker_id ON statements (speaker_id, seq);
CREATE INDEX statements_speaker_name ON statements (speaker_name_lower, seq);
CREATE INDEX statements_kind ON statements (kind, seq);
CREATE INDEX statements_published ON statements (published_at, seq);

CREATE TABLE statement_mentions (
    entity_id     TEXT    NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES statements (seq) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, statement_seq)
) WITHOUT ROWID;
CREATE INDEX statement_mentions_statement ON statement_mentions (statement_seq);

CREATE TABLE trade_facts (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    trade_fact_id TEXT    NOT NULL UNIQUE,
    article_seq   INTEGER NOT NULL REFERENCES articles (seq) ON DELETE CASCADE,
    article_id    TEXT    NOT NULL,
    kind          INTEGER NOT NULL,
    exporter      TEXT    NOT NULL,         -- exporter's country code, '' when none
    importer      TEXT    NOT NULL,         -- importer's country code, '' when none
    published_at  INTEGER,
    body          BLOB    NOT NULL          -- the TradeFact, prost-encoded
);
CREATE INDEX trade_facts_article_seq ON trade_facts (article_seq, seq);
CREATE INDEX trade_facts_article_id ON trade_facts (article_id, seq);
CREATE INDEX trade_facts_kind ON trade_facts (kind, seq);
CREATE INDEX trade_facts_exporter ON trade_facts (exporter, seq);
CREATE INDEX trade_facts_importer ON trade_facts (importer, seq);
CREATE INDEX trade_facts_published ON trade_facts (published_at, seq);

-- Every country code on any side of a fact (exporter, importer, reporter, partner, parties).
CREATE TABLE trade_fact_countries (
    country_code TEXT    NOT NULL,
    fact_seq     INTEGER NOT NULL REFERENCES trade_facts (seq) ON DELETE CASCADE,
    PRIMARY KEY (country_code, fact_seq)
) WITHOUT ROWID;
CREATE INDEX trade_fact_countries_fact ON trade_fact_countries (fact_seq);

CREATE TABLE trade_fact_commodities (
    fact_seq   INTEGER NOT NULL REFERENCES trade_facts (seq) ON DELETE CASCADE,
    name_lower TEXT    NOT NULL,
    hs_code    TEXT    NOT NULL
);
CREATE INDEX trade_fact_commodities_fact ON trade_fact_commodities (fact_seq);
CREATE INDEX trade_fact_commodities_name ON trade_fact_commodities (name_lower, fact_seq);
CREATE INDEX trade_fact_commodities_hs ON trade_fact_commodities (hs_code, fact_seq);

-- Entities with counts over all stored articles, maintained by additive upserts.
CREATE TABLE entities (
    entity_id        TEXT    NOT NULL PRIMARY KEY,
    type             INTEGER NOT NULL,
    name             TEXT    NOT NULL,
    name_lower       TEXT    NOT NULL,
    country_code     TEXT    NOT NULL,
    article_count    INTEGER NOT NULL,
    mention_count    INTEGER NOT NULL,
    statement_count  INTEGER NOT NULL,
    trade_fact_count INTEGER NOT NULL
);
CREATE INDEX entities_name_lower ON entities (name_lower, entity_id);
CREATE INDEX entities_type ON entities (type, entity_id);
