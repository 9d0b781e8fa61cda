"""Reading stored articles back for backfills and re-tagging."""

from __future__ import annotations

from datetime import date, datetime

import duckdb


def select_article_ids(
    con: duckdb.DuckDBPyConnection, since: date | datetime | None, until: date | datetime | None
) -> list[str]:
    """Ids of articles with published_at in the half-open range [since, until); open ends are unbounded."""
    rows = con.execute(
        "select article_id from articles"
        " where ($since is null or published_at >= $since) and ($until is null or published_at < $until)"
        " order by published_at, article_id",
        {"since": since, "until": until},
    ).fetchall()
    return [row[0] for row in rows]


def select_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict]:
    cursor = con.execute("select * from articles where article_id in (select unnest($ids))", {"ids": ids})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
