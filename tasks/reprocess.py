"""Stored articles back into the pipeline: select a published_at range and rebuild Article records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from tasks.cluster import recluster_stored
from tasks.models import Article
from warehouse.connect import open_warehouse
from warehouse.select import select_article_ids, select_articles


def list_stored_ids(db: str | Path, since: date | datetime | None, until: date | datetime | None) -> list[str]:
    """Ids of stored articles published in [since, until) (dates are UTC midnights), oldest first."""
    with open_warehouse(db) as con:
        return select_article_ids(con, utc_bound(since), utc_bound(until))


def utc_bound(value: date | datetime | None) -> datetime | None:
    """A date means its UTC midnight; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_stored_articles(db: str | Path, ids: list[str]) -> list[Article]:
    """Rebuild Article records from stored rows so they can be cleaned and tagged again."""
    with open_warehouse(db) as con:
        rows = select_articles(con, ids)
    return [
        Article(
            source_uri=row["source_uri"],
            body=row["body"],
            title=row["title"],
            url=row["url"],
            authors=list(row["authors"] or []),
            published_at=row["published_at"],
            date_explicit=True,
            language=row["language"],
            source=row["source"],
            description=row["description"],
            categories=list(row["categories"] or []),
            input_format=row["input_format"] or "",
            extractor=row["extractor"] or "",
            article_id=row["article_id"],
        )
        for row in rows
    ]


def recluster_range(db: str | Path, ids: list[str]) -> int:
    """Cluster these stored articles again (after a backfill rewrote them); returns how many moved."""
    with open_warehouse(db) as con:
        return recluster_stored(con, ids)
