"""Re-tag stored articles with the current taxonomy and gazetteer, without fetching or reading anything again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from tasks.loading.load import places_table, topics_table
from tasks.models import Article
from tasks.tagging.places import place_articles
from tasks.tagging.tag import get_tagger, tag_articles
from warehouse.connect import Publish, open_working
from warehouse.tags import read_tag_inputs, replace_tags

VERSION_SCHEMA = pa.schema(
    [("article_id", pa.string()), ("tagger_version", pa.string()), ("places_version", pa.string())]
)


def retag_stored(db: str | Path, ids: list[str], now: datetime) -> int:
    """Tag these stored articles again and replace their topics and places; returns how many."""
    with open_working(db, Publish.READ) as con:
        rows = read_tag_inputs(con, ids)
    articles = [Article(source_uri="", body=body, title=title, article_id=i) for i, title, body in rows]
    tag_articles(articles, get_tagger())
    place_articles(articles)
    versions = pa.table(
        {
            "article_id": [a.article_id for a in articles],
            "tagger_version": [a.tagger_version for a in articles],
            "places_version": [a.places_version for a in articles],
        },
        schema=VERSION_SCHEMA,
    )
    with open_working(db, Publish.BATCH) as con:
        replace_tags(con, versions, topics_table(articles), places_table(articles), now)
    return len(articles)
