"""Removing what a user names, from every table at once: articles by id, or a feed with its state and entries."""

from __future__ import annotations

import duckdb

# every table that holds rows of an article, and its column naming the article
ARTICLE_ROWS = (("article_topics", "article_id"), ("article_places", "article_id"), ("sightings", "article_id"),
                ("article_bands", "article_id"), ("near_duplicates", "article_id"), ("near_duplicates", "similar_to"),
                ("feed_entries", "article_id"), ("watch_hits", "article_id"), ("articles", "article_id"))  # fmt: skip


def delete_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> int:
    """Delete these articles and every row that names them, in one transaction; returns how many existed."""
    con.begin()
    try:
        found = con.execute("select count(*) from articles where article_id in (select unnest($ids))",
                            {"ids": ids}).fetchone()[0]  # fmt: skip
        for table, column in ARTICLE_ROWS:
            con.execute(f"delete from {table} where {column} in (select unnest($ids))", {"ids": ids})
        con.commit()
    except Exception:
        con.rollback()
        raise
    return found


def select_feed_keys(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The feeds stored under this source name (or this feed URL)."""
    rows = con.execute("select feed_key from feed_state where source = $name or feed_key = $name or url = $name",
                       {"name": name}).fetchall()  # fmt: skip
    return [row[0] for row in rows]


def select_feed_only_articles(con: duckdb.DuckDBPyConnection, feed_keys: list[str]) -> list[str]:
    """Articles taken from these feeds that no other source has been seen carrying."""
    rows = con.execute(
        "select distinct e.article_id from feed_entries e join feed_state f on f.feed_key = e.feed_key"
        " where e.feed_key in (select unnest($keys)) and not exists (select 1 from sightings s"
        " where s.article_id = e.article_id and s.source is distinct from f.source)",
        {"keys": feed_keys},
    ).fetchall()
    return [row[0] for row in rows]


def forget_feeds(con: duckdb.DuckDBPyConnection, feed_keys: list[str]) -> int:
    """Delete the feeds' state and taken entries (their articles stay); returns the entries removed."""
    con.begin()
    try:
        entries = con.execute("select count(*) from feed_entries where feed_key in (select unnest($keys))",
                              {"keys": feed_keys}).fetchone()[0]  # fmt: skip
        con.execute("delete from feed_entries where feed_key in (select unnest($keys))", {"keys": feed_keys})
        con.execute("delete from feed_state where feed_key in (select unnest($keys))", {"keys": feed_keys})
        con.commit()
    except Exception:
        con.rollback()
        raise
    return entries
