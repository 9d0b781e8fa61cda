"""Reading stored articles back for backfills and re-tagging."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

RANGE_COLUMNS = {"published": "published_at", "fetched": "coalesce(fetched_at, ingested_at)"}


def select_article_ids(
    con: duckdb.DuckDBPyConnection,
    since: date | datetime | None,
    until: date | datetime | None,
    by: str = "published",
) -> list[str]:
    """Ids of articles whose publication (or fetch) time is in [since, until); open ends are unbounded."""
    column = RANGE_COLUMNS[by]
    rows = con.execute(
        f"select article_id from articles where ($since is null or {column} >= $since)"
        f" and ($until is null or {column} < $until) order by {column}, article_id",
        {"since": since, "until": until},
    ).fetchall()
    return [row[0] for row in rows]


def select_raw_documents(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple]:
    """(raw_id, url, kind, fetched_at, status, headers, body) rows of the raw store (attached as `raw`)."""
    return con.execute(
        "select raw_id, url, kind, fetched_at, status, headers, body from raw.raw_documents"
        " where raw_id in (select unnest($ids))",
        {"ids": ids},
    ).fetchall()


def select_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict]:
    cursor = con.execute("select * from articles where article_id in (select unnest($ids))", {"ids": ids})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def select_url_holders(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, tuple[str, str, str]]:
    """For each of these canonical URLs already stored: (article_id, content_hash, body) of the article the load
    would match it to (the smallest id holding it)."""
    rows = con.execute(
        "select url, min(article_id), arg_min(content_hash, article_id), arg_min(body, article_id) from articles"
        " where url in (select unnest($urls)) group by url",
        {"urls": urls},
    ).fetchall()
    return {url: (article_id, digest, body) for url, article_id, digest, body in rows}
