"""Stored articles back into the pipeline: select a range, rebuild them from the raw store or their text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tasks.cleaning.dates import utc_bound
from tasks.dedup.cluster import recluster_stored
from tasks.fetching.feeds import entry_key
from tasks.fetching.fetch_pages import PageJob, PageResult
from tasks.fetching.raw import RawDocument, read_raw_row
from tasks.models import Article, Batch
from tasks.reading.decode import UnreadableInput, decode_document
from tasks.reading.parse_feed import ParsedFeed, parse_feed
from tasks.running.prepare import prepare_articles, prepare_pages
from warehouse.connect import Publish, open_working
from warehouse.select import select_article_ids, select_articles, select_raw_documents


def list_stored_ids(
    db: str | Path, since: date | datetime | None, until: date | datetime | None, by: str = "published"
) -> list[str]:
    """Ids of stored articles published (or fetched) in [since, until) (dates are UTC midnights), oldest first."""
    with open_working(db, Publish.READ) as con:
        return select_article_ids(con, utc_bound(since), utc_bound(until), by)


def stored_article(row: dict) -> Article:
    """An Article from its stored row, to be cleaned and tagged again."""
    return Article(
        source_uri=row["source_uri"],
        body=row["body"],
        title=row["title"],
        url=row["url"],
        authors=list(row["authors"] or []),
        published_at=row["published_at"],
        date_explicit=True,
        date_source=row.get("date_source"),
        language=row["language"],
        source=row["source"],
        description=row["description"],
        categories=list(row["categories"] or []),
        input_format=row["input_format"] or "",
        extractor=row["extractor"] or "",
        article_id=row["article_id"],
        fetched_at=row.get("fetched_at"),
        feed_key=row.get("feed_key"),
        entry_key=row.get("entry_key"),
        raw_feed_id=row.get("raw_feed_id"),
        raw_page_id=row.get("raw_page_id"),
    )


def rebuild_stored(
    db: str | Path, ids: list[str], now: datetime, workers: int = 1, taxonomy: tuple[str, ...] | None = None
) -> Batch:
    """Redo stored articles from what was read: web articles from the raw store (feed entry and page, extracted
    again, offline), the rest from their stored text; then clean, identify, tag as a first ingest would."""
    with open_working(db, Publish.READ) as con:
        rows = select_articles(con, ids)
        raw_ids = sorted({r[k] for r in rows for k in ("raw_feed_id", "raw_page_id") if r.get(k)})
        raw = {doc.raw_id: doc for doc in map(read_raw_row, select_raw_documents(con, raw_ids))}
    results, stored = [], []
    feeds: dict[str, ParsedFeed | None] = {}
    for row in rows:
        result = page_result_from_raw(row, raw, feeds)
        if result is None:
            stored.append(stored_article(row))
        else:
            results.append(result)
    batch = prepare_pages(results, now, workers, taxonomy) if results else Batch()
    if stored:
        batch.extend(prepare_articles(Batch(articles=stored, read=len(stored)), now, taxonomy))
    return batch


def page_result_from_raw(row: dict, raw: dict[str, RawDocument], feeds: dict) -> PageResult | None:
    """The fetch a web article came from, rebuilt from the raw store; None when the raw copies are missing."""
    feed_doc = raw.get(row.get("raw_feed_id") or "")
    if feed_doc is None or not row.get("entry_key"):
        return None
    if feed_doc.raw_id not in feeds:
        try:
            feeds[feed_doc.raw_id] = parse_feed(feed_doc.body, feed_doc.url, feed_doc.headers.get("content-type"))
        except UnreadableInput:
            feeds[feed_doc.raw_id] = None
    feed = feeds[feed_doc.raw_id]
    entry = next((e for e in feed.entries if entry_key(e) == row["entry_key"]), None) if feed else None
    if entry is None:
        return None
    page_doc = raw.get(row.get("raw_page_id") or "")
    job = PageJob(
        source=row["source"], feed_key=row["feed_key"], feed_title=feed.title, feed_url=feed_doc.url, entry=entry,
        entry_key=row["entry_key"], fetch=page_doc is not None, feed_raw_id=feed_doc.raw_id,
        feed_fetched_at=feed_doc.fetched_at, article_id=row["article_id"],
    )  # fmt: skip
    if page_doc is None:
        return PageResult(job)
    html = decode_document(page_doc.body, page_doc.headers.get("content-type", ""))
    return PageResult(job, url=page_doc.url, html=html, status=page_doc.status, body=page_doc.body,
                      headers=page_doc.headers, raw=page_doc, fetched_at=page_doc.fetched_at)  # fmt: skip


def recluster_range(db: str | Path, ids: list[str]) -> int:
    """Cluster these stored articles again (after a backfill rewrote them); returns how many moved."""
    with open_working(db, Publish.BATCH) as con:
        return recluster_stored(con, ids)
