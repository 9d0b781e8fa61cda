"""Re-tagging stored articles: read what the tagger needs, replace topics and places in one transaction."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa


def read_tag_inputs(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple[str, str | None, str]]:
    """(article_id, title, body) of these articles."""
    return con.execute(
        "select article_id, title, body from articles where article_id in (select unnest($ids)) order by article_id",
        {"ids": ids},
    ).fetchall()


def replace_tags(
    con: duckdb.DuckDBPyConnection, versions: pa.Table, topics: pa.Table, places: pa.Table, now: datetime
) -> None:
    """For the articles in `versions` (article_id, tagger_version, places_version): new topics and places."""
    con.begin()
    try:
        con.register("retag_versions", versions)
        con.register("retag_topics", topics)
        con.register("retag_places", places)
        con.execute("delete from article_topics where article_id in (select article_id from retag_versions)")
        con.execute("delete from article_places where article_id in (select article_id from retag_versions)")
        con.execute("insert into article_topics by name select * from retag_topics")
        con.execute("insert into article_places by name select * from retag_places")
        con.execute(
            "update articles set tagger_version = v.tagger_version, places_version = v.places_version,"
            " updated_at = $now from retag_versions v where articles.article_id = v.article_id",
            {"now": now},
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        for name in ("retag_versions", "retag_topics", "retag_places"):
            con.unregister(name)
