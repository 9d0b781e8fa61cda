"""Articles to Arrow tables and into the warehouse: the tasks' side of a load."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from tasks.dedup.cluster import bands_table, cluster_new_articles
from tasks.dedup.shared_canonical import separate_shared_canonicals
from tasks.fetching.raw import RawDocument, raw_table
from tasks.models import Article
from tasks.reading.warc import ArchiveMark
from warehouse.connect import Publish, open_working
from warehouse.load import BatchTables, LoadCounts, load_batch
from warehouse.select import select_url_holders

TIMESTAMP = pa.timestamp("us", tz="UTC")
ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()), ("url", pa.string()), ("source", pa.string()),
        ("source_uri", pa.string()), ("title", pa.string()), ("body", pa.string()),
        ("authors", pa.list_(pa.string())), ("published_at", TIMESTAMP), ("language", pa.string()),
        ("content_hash", pa.string()), ("cluster_id", pa.string()), ("run_id", pa.string()),
        ("ingested_at", TIMESTAMP), ("description", pa.string()), ("categories", pa.list_(pa.string())),
        ("input_format", pa.string()), ("extractor", pa.string()), ("word_count", pa.int32()),
        ("tagger_version", pa.string()), ("places_version", pa.string()), ("fetched_at", TIMESTAMP),
        ("feed_key", pa.string()), ("entry_key", pa.string()), ("raw_feed_id", pa.string()),
        ("raw_page_id", pa.string()), ("date_source", pa.string()),
    ]
)  # fmt: skip
TOPIC_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()), ("topic", pa.string()), ("label", pa.string()), ("score", pa.float64()),
        ("terms", pa.list_(pa.string())), ("tagger_version", pa.string()),
    ]
)  # fmt: skip
PLACE_SCHEMA = pa.schema([("article_id", pa.string()), ("country_code", pa.string()), ("mentions", pa.int32())])
ENTRY_SCHEMA = pa.schema(
    [("feed_key", pa.string()), ("entry_key", pa.string()), ("article_id", pa.string()), ("page_status", pa.string()),
     ("page_url", pa.string()), ("page_attempts", pa.int32()), ("page_error", pa.string())]
)  # fmt: skip
PROGRESS_SCHEMA = pa.schema(
    [("archive", pa.string()), ("filters", pa.string()), ("size", pa.int64()), ("next_offset", pa.int64()),
     ("records", pa.int64()), ("finished", pa.bool_())]
)  # fmt: skip
SIGHTING_SCHEMA = pa.schema(
    [("article_id", pa.string()), ("source", pa.string()), ("url", pa.string()), ("source_uri", pa.string()),
     ("title", pa.string())]
)  # fmt: skip


def dedupe_batch(articles: list[Article]) -> tuple[list[Article], list[Article]]:
    """Split a batch into first copies and later copies (same canonical URL or content hash)."""
    by_url: dict[str, str] = {}
    by_hash: dict[str, str] = {}
    unique, copies = [], []
    for article in articles:
        first = by_url.get(article.canonical_url or "") or by_hash.get(article.content_hash or "")
        if first:
            copies.append((article, first))
            continue
        unique.append(article)
        if article.canonical_url:
            by_url[article.canonical_url] = article.article_id
        by_hash[article.content_hash] = article.article_id
    for article, first in copies:
        article.article_id = first
    return unique, [a for a, _ in copies]


def columns(schema: pa.Schema, rows: list[tuple]) -> pa.Table:
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(schema.names)}, schema=schema)


def to_tables(unique: list[Article], copies: list[Article], run_id: str, now: datetime) -> BatchTables:
    """Arrow tables for the loader: articles, topics, places, and one sighting per article read."""
    articles = [
        (a.article_id, a.canonical_url, a.source, a.source_uri, a.title, a.body, a.authors, a.published_at,
         a.language, a.content_hash, a.cluster_id or a.article_id, run_id, now, a.description, a.categories,
         a.input_format, a.extractor, len(a.body.split()), a.tagger_version, a.places_version, a.fetched_at,
         a.feed_key, a.entry_key, a.raw_feed_id, a.raw_page_id, a.date_source)
        for a in unique
    ]  # fmt: skip
    return BatchTables(
        articles=columns(ARTICLE_SCHEMA, articles),
        topics=topics_table(unique),
        sightings=columns(
            SIGHTING_SCHEMA,
            [(a.article_id, a.source, a.canonical_url, a.source_uri, a.title) for a in unique + copies],
        ),
        places=places_table(unique),
        entries=entries_table(unique + copies),
    )


def topics_table(articles: list[Article]) -> pa.Table:
    rows = [(a.article_id, t.topic, t.label, t.score, t.terms, a.tagger_version) for a in articles for t in a.topics]
    return columns(TOPIC_SCHEMA, rows)


def places_table(articles: list[Article]) -> pa.Table:
    return columns(PLACE_SCHEMA, [(a.article_id, code, count) for a in articles for code, count in a.places])


def load_articles(
    db: str | Path,
    articles: list[Article],
    run_id: str,
    now: datetime,
    refresh: bool = False,
    raw: list[RawDocument] | None = None,
    progress: list[ArchiveMark] | None = None,
) -> LoadCounts:
    """Deduplicate inside the batch, then load it (and the raw documents it came from) in one transaction;
    `refresh` rewrites stored copies. A declared canonical URL held by an unrelated body is not trusted.
    `progress` (how far in which archives this batch reaches) commits with the articles."""

    def cluster(con, new_ids: frozenset[str]) -> tuple[pa.Table, pa.Table, pa.Table]:
        result = cluster_new_articles(con, [a for a in unique if a.article_id in new_ids], now)
        return result.clusters, bands_table(unique), result.links

    with open_working(db, Publish.BATCH) as con:  # the writer lock for this commit (and a publish)
        separate_shared_canonicals(articles, lambda urls: select_url_holders(con, urls))
        unique, copies = dedupe_batch(articles)
        tables = to_tables(unique, copies, run_id, now)
        tables.raw = raw_table(raw, run_id) if raw else None
        tables.progress = progress_table(progress) if progress else None
        return load_batch(con, tables, run_id=run_id, now=now, refresh=refresh, cluster=cluster)


def entries_table(articles: list[Article]) -> pa.Table | None:
    """The feed entries these articles came from (so later runs skip them), and what became of their pages."""
    rows = [(a.feed_key, a.entry_key, a.article_id, *page_columns(a)) for a in articles if a.feed_key and a.entry_key]
    return columns(ENTRY_SCHEMA, rows) if rows else None


def page_columns(article: Article) -> tuple:
    """(page_status, page_url, page_attempts, page_error); all None when nothing was fetched this time."""
    page = article.page
    if page is None:
        return None, None, None, None
    return page.status, page.url, page.attempt if page.status != "feed_only" else 0, page.error


def progress_table(marks: list[ArchiveMark]) -> pa.Table:
    """The archive marks as `archive_progress` rows; the last mark of an archive wins."""
    last = {(m.archive, m.filters): m for m in marks}
    rows = [(m.archive, m.filters, m.size, m.offset, m.records, m.finished) for m in last.values()]
    return columns(PROGRESS_SCHEMA, rows)
