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
