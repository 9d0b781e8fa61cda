"""The `watch_hits` table: which articles matched which watch, in which run."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse.search import ARTICLE_FIELDS


def select_run_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    """The search fields (warehouse.search.ARTICLE_FIELDS) of the articles this run added."""
    return con.execute(f"{ARTICLE_FIELDS} where a.run_id = $run order by a.article_id", {"run": run_id}).fetchall()


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


def forget_hits(con: duckdb.DuckDBPyConnection, watch: str) -> int:
    found = con.execute("select count(*) from watch_hits where watch = $w", {"w": watch}).fetchone()[0]
    con.execute("delete from watch_hits where watch = $w", {"w": watch})
    return found
