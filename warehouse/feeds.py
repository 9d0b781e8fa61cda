"""The `feed_state` and `feed_entries` tables: validators and health per feed, entries already taken."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

import duckdb


@dataclass(slots=True)
class FeedState:
    feed_key: str  # the feed URL as the sources file names it
    source: str
    url: str  # where it is fetched now (a 301/308 moves it)
    etag: str | None = None
    last_modified: str | None = None
    status: str = "active"  # active | gone (410: never fetched again)
    consecutive_failures: int = 0
    last_status: int | None = None
    last_error: str | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    next_attempt_at: datetime | None = None
    entries_taken: int = 0


COLUMNS = [f.name for f in fields(FeedState)]


def read_feed_states(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, FeedState]:
    cursor = con.execute(
        f"select {', '.join(COLUMNS)} from feed_state where feed_key in (select unnest($keys))", {"keys": keys}
    )
    return {row[0]: FeedState(*row) for row in cursor.fetchall()}


def read_source_states(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, FeedState]:
    """Every state row of these sources (a sitemap source has one per sitemap it reached)."""
    cursor = con.execute(
        f"select {', '.join(COLUMNS)} from feed_state where source in (select unnest($sources))", {"sources": sources}
    )
    return {row[0]: FeedState(*row) for row in cursor.fetchall()}


def save_feed_states(con: duckdb.DuckDBPyConnection, states: list[FeedState]) -> None:
    """Upsert the states, in one transaction."""
    if not states:
        return
    placeholders = ", ".join("?" for _ in COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    con.begin()
    try:
        con.executemany(
            f"insert into feed_state ({', '.join(COLUMNS)}) values ({placeholders})"
            f" on conflict (feed_key) do update set {updates}",
            [list(asdict(state).values()) for state in states],
        )
        con.commit()
    except Exception:
        con.rollback()
        raise


def select_taken_entries(con: duckdb.DuckDBPyConnection, feed_key: str, entry_keys: list[str]) -> set[str]:
    """Which of these entry keys this feed already gave us."""
    rows = con.execute(
        "select entry_key from feed_entries where feed_key = $feed and entry_key in (select unnest($keys))",
        {"feed": feed_key, "keys": entry_keys},
    ).fetchall()
    return {row[0] for row in rows}


@dataclass(slots=True)
class PendingPage:
    """A taken entry whose page is still to be fetched, with the stored article it will upgrade."""

    entry_key: str
    page_url: str
    attempts: int
    article_id: str
    title: str | None
    body: str
    authors: list[str]
    published_at: datetime | None
    categories: list[str]
    raw_feed_id: str | None
    shared: bool = False  # the article stands for other entries too (their feed texts were one copy)


def select_pending_pages(con: duckdb.DuckDBPyConnection, feed_key: str, max_attempts: int, limit: int
                         ) -> list[PendingPage]:  # fmt: skip
    """This feed's entries whose page is pending (tried fewer than `max_attempts` times), oldest first."""
    rows = con.execute(
        "select e.entry_key, e.page_url, e.page_attempts, a.article_id, a.title, a.body, a.authors,"
        " a.published_at, a.categories, a.raw_feed_id,"
        " (select count(*) from feed_entries o where o.article_id = e.article_id) > 1"
        " from feed_entries e join articles a on a.article_id = e.article_id"
        " where e.feed_key = $feed and e.page_status = 'pending' and e.page_attempts < $max"
        " order by e.first_seen_at, e.entry_key limit $limit",
        {"feed": feed_key, "max": max_attempts, "limit": limit},
    ).fetchall()
    return [PendingPage(*row[:6], list(row[6] or []), row[7], list(row[8] or []), row[9], row[10]) for row in rows]
