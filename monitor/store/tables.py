"""The store's schema as SQLAlchemy Core tables, shared by SQLite and PostgreSQL.

Alembic migrations under ``migrations/versions`` create exactly these tables; a test
compares the migrated database with this metadata so the two never drift.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# A BIGINT primary key that is still SQLite's INTEGER rowid (so it autoincrements there).
BigId = BigInteger().with_variant(Integer(), "sqlite")

# ----------------------------------------------------------------- ingestion

feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("outlet", String(200), nullable=False),
    Column("language", String(16)),
    Column("country", String(16)),
    Column("tags", JSON, nullable=False, default=list),
    Column("interval_minutes", Integer),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("disabled_reason", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_status", String(32)),
    Column("last_http_status", Integer),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_fetched_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_new_item_at", DateTime(timezone=True)),
    Column("next_due_at", DateTime(timezone=True)),
    Column("permanent_redirect", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

fetch_log = Table(
    "fetch_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("status", String(32), nullable=False),  # ok | not_modified | error | skipped
    Column("http_status", Integer),
    Column("bytes", Integer, nullable=False, default=0),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("items_new", Integer, nullable=False, default=0),
    Column("items_updated", Integer, nullable=False, default=0),
    Column("duration_ms", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("reason", String(64)),
    Column("warning", Text),  # salvaged ill-formed feed, skipped entries, permanent redirect, ...
    Column("attempts", SmallInteger, nullable=False, default=1),
    Index("ix_fetch_log_feed_started", "feed_id", "started_at"),
    UniqueConstraint("feed_id", "run_id", name="uq_fetch_log_feed_run"),  # one row per feed per run
)

items = Table(
    "items", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("item_key", String(512), nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("title", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    Column("author", Text),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("published_source", String(16), nullable=False),  # published | updated | fetched
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("declared_language", String(16)),
    Column("content_hash", String(64), nullable=False),
    Column("duplicate_of", BigInteger),  # exact duplicate (same content hash) of an earlier item
    Column("text_source", String(16), nullable=False, default="feed"),  # feed | page
    # filled in by analysis
    Column("lang", String(16)),
    Column("lang_confidence", Float),
    Column("normalized_text", Text),
    Column("analyzed_at", DateTime(timezone=True)),
    Column("analysis_error", Text),
    UniqueConstraint("feed_id", "item_key", name="uq_items_feed_key"),
    Index("ix_items_content_hash", "content_hash"),
    Index("ix_items_published", "published_at"),
    Index("ix_items_pending", "analyzed_at", "id"),
)

# ----------------------------------------------------------------- matching

fingerprints = Table(
    "fingerprints", metadata,
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("minhash", LargeBinary, nullable=False),
    Column("shingles", Integer, nullable=False),
    Column("scheme", String(32), nullable=False),  # e.g. "w3-p128" — the fingerprint recipe
)

# The LSH band index (monitor.lshindex): one row per item, one 32-bit key per band in its own
# column, one index per band column. One row per item (not per band) keeps PostgreSQL's 24-byte
# tuple header out of every band key; partial indexes make unused columns (fewer bands) free.
LSH_MAX_BANDS = 32
lsh_bands = Table(
    "lsh_bands", metadata,
    Column("item_id", BigId, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    *(Column(f"k{b}", Integer) for b in range(LSH_MAX_BANDS)),
    *(Index(f"ix_lsh_bands_k{b}", f"k{b}", sqlite_where=text(f"k{b} IS NOT NULL"),
            postgresql_where=text(f"k{b} IS NOT NULL")) for b in range(LSH_MAX_BANDS)),
)

# Facts about how the store's derived tables were built, by name: "lsh_layout" is the band layout
# (bands x rows) of lsh_bands' keys, so a changed matching.bands or .rows rebuilds the index
# (monitor.lshindex.ensure_band_layout) instead of silently missing every stored item.
store_meta = Table(
    "store_meta", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Language-independent evidence (figures, names, consonant keys; monitor.crosslingual),
# hashed to 64 bits: candidates for linking translations that share no words.
evidence_tokens = Table(
    "evidence_tokens", metadata,
    Column("token", BigInteger, primary_key=True),
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_evidence_tokens_item", "item_id"),
    sqlite_with_rowid=False,
)

passages = Table(
    "passages", metadata,
    Column("hash", BigInteger, primary_key=True),
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_passages_item", "item_id"),
)

matches = Table(
    "matches", metadata,
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("other_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("method", String(32), nullable=False),  # minhash | passage | crosslingual | exact
    Column("score", Float, nullable=False),
    Column("jaccard", Float),
    Column("containment", Float),
    Column("evidence", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_matches_other", "other_id"),
)

narratives = Table(
    "narratives", metadata,
    Column("id", String(32), primary_key=True),
    Column("origin_item_id", BigInteger, ForeignKey("items.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False, default=""),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False, default=1),
    Column("outlets", Integer, nullable=False, default=1),
    Column("languages", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_narratives_last_seen", "last_seen"),
)

narrative_members = Table(
    "narrative_members", metadata,
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("narrative_id", String(32), ForeignKey("narratives.id", ondelete="CASCADE"), nullable=False),
    Column("via_item_id", BigInteger),  # the member it matched
    Column("method", String(32)),
    Column("score", Float),
    Column("evidence", JSON, nullable=False, default=dict),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Index("ix_narrative_members_narrative", "narrative_id"),
)

# ----------------------------------------------------------------- figures

figures = Table(
    "figures", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", Float, nullable=False),
    Column("raw", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("unit", Text),
    Column("qualifier", String(32)),
    Column("context", Text),  # normalized context words used to group claims
    Column("group_id", BigInteger),
    UniqueConstraint("item_id", "start", name="uq_figures_item_start"),
    Index("ix_figures_value", "value"),
    Index("ix_figures_group", "group_id"),
)

figure_groups = Table(
    "figure_groups", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", String(128), nullable=False, unique=True),  # value + unit key
    Column("value", Float, nullable=False),
    Column("unit", Text),
    Column("label", Text, nullable=False, default=""),
    Column("origin_item_id", BigInteger, ForeignKey("items.id", ondelete="SET NULL")),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("items", Integer, nullable=False, default=1),
    Column("outlets", Integer, nullable=False, default=1),
    Column("languages", Integer, nullable=False, default=1),
    Column("mutation_of", BigInteger),
)

# ----------------------------------------------------------------- alerts and digests

alerts = Table(
    "alerts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    # narrative_new | narrative_growth | figure_repeated | figure_mutation | watch_keyword | watch_entity
    # | watch_outlet | watch_figure
    Column("kind", String(32), nullable=False),
    Column("subject", String(128), nullable=False),  # narrative id, figure group key, watched term + target
    Column("level", SmallInteger, nullable=False, default=0),  # escalation step: a higher level is an update
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("evidence", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "subject", "level", name="uq_alerts_kind_subject_level"),
    Index("ix_alerts_created", "created_at"),
)

digest_ledger = Table(
    "digest_ledger", metadata,
    Column("recipient", String(320), primary_key=True),
    Column("period", String(64), primary_key=True),  # e.g. daily:2026-11-25 (recipient's local date)
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", Text),  # deterministic per (recipient, period): a resend carries the same id
    Column("alerts", Integer, nullable=False, default=0),
    Column("alert_ids", JSON),  # the alerts this digest carries; fixed once claimed
    Column("path", Text),
    Column("error", Text),
    Column("claimed_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# ----------------------------------------------------------------- full text (article pages)

# One row per item whose article page was fetched (or refused by robots.txt): the extracted text
# beside the feed text, with where it came from and why it is or is not used.
pages = Table(
    "pages", metadata,
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("url", Text, nullable=False),
    Column("final_url", Text),
    Column("http_status", Integer),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("text", Text),  # the extracted main text (kept for inspection even when flagged)
    Column("title", Text),
    Column("author", Text),
    Column("published", String(32)),  # as the extractor found it (often a date only)
    Column("lang_hint", String(16)),
    Column("extractor", String(32)),
    Column("extractor_version", String(32)),
    Column("flag", String(16), nullable=False, default="none"),  # none | paywall | consent | too_short
    Column("used", Boolean, nullable=False, default=False),  # the item's text is this page's text
    Column("feed_content", Text),  # items.content before the page text replaced it
    Column("error", Text),
    Column("reason", String(64)),  # robots_disallowed, http_status, not_html, no_content, ...
    Index("ix_pages_fetched", "fetched_at"),
)

# ----------------------------------------------------------------- copy types and analyst review

# How each narrative member relates to its origin (monitor.copytype), with the scores and the
# thresholds they were compared against, so a label can be explained later.
copy_types = Table(
    "copy_types", metadata,
    Column("item_id", BigInteger, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("narrative_id", String(32), nullable=False),
    Column("origin_item_id", BigInteger, nullable=False),
    Column("copy_type", String(16), nullable=False),  # origin | verbatim | edited | partial | translated | rewritten
    Column("scores", JSON, nullable=False, default=dict),
    Column("thresholds", JSON, nullable=False, default=dict),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Index("ix_copy_types_narrative", "narrative_id"),
)

# Analyst labels (monitor.review): append-only, the latest label of a subject is in force.
review_labels = Table(
    "review_labels", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # match | membership | figure | language
    Column("subject", String(128), nullable=False),  # "newer:older" item ids, item id, figure id
    Column("verdict", String(8), nullable=False),  # right | wrong
    Column("value", String(64)),  # the correct value where one is given (a language code)
    Column("reviewer", String(200), nullable=False),
    Column("note", Text),
    Column("context", JSON, nullable=False, default=dict),  # matcher, score, languages at labelling time
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_labels_subject", "kind", "subject"),
)
