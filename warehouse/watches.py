"""The `watches` and `watch_hits` tables: what users follow, and what matched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(slots=True)
class Watch:
    name: str
    terms: list[str]
    webhook: str | None = None


def read_watches(con: duckdb.DuckDBPyConnection) -> list[Watch]:
    rows = con.execute("select name, terms, webhook from watches order by name").fetchall()
    return [Watch(name, list(terms), webhook) for name, terms, webhook in rows]


def save_watch(con: duckdb.DuckDBPyConnection, watch: Watch, now: datetime) -> None:
    con.execute(
        "insert into watches values ($name, $terms, $webhook, $now) on conflict (name) do update"
        " set terms = excluded.terms, webhook = excluded.webhook",
        {"name": watch.name, "terms": watch.terms, "webhook": watch.webhook, "now": now},
    )


def remove_watch(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Delete the watch and its hits; False when there was none of that name."""
    found = con.execute("select count(*) from watches where name = $name", {"name": name}).fetchone()[0]
    con.execute("delete from watch_hits where watch = $name", {"name": name})
    con.execute("delete from watches where name = $name", {"name": name})
    return bool(found)


def select_run_articles(con: duckdb.DuckDBPyConnection, run_id: str | None, limit: int | None = None) -> list[tuple]:
    """(article_id, title, body, url, source) of the articles this run added (every article when run_id is None,
    newest first)."""
    where = "where run_id = $run" if run_id is not None else ""
    cap = f" limit {int(limit)}" if limit else ""
    return con.execute(
        f"select article_id, title, body, url, source from articles {where} order by ingested_at desc, article_id{cap}",
        {"run": run_id} if run_id is not None else {},
    ).fetchall()


def insert_hits(con: duckdb.DuckDBPyConnection, hits: list[tuple[str, str, list[str]]], run_id: str, now: datetime
                ) -> int:  # fmt: skip
    """Record (watch, article_id, terms) hits; an article already recorded for a watch is not recorded again.
    Returns how many were new."""
    before = con.execute("select count(*) from watch_hits").fetchone()[0]
    con.executemany(
        "insert into watch_hits values (?, ?, ?, ?, ?) on conflict do nothing",
        [(watch, article_id, run_id, terms, now) for watch, article_id, terms in hits],
    )
    return con.execute("select count(*) from watch_hits").fetchone()[0] - before
