"""Watchlists: each run's new articles matched against the terms users follow; hits are recorded once per watch
and article, listed in the run's summary, and posted to the watch's webhook."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tasks.fetching.webhook import post_json
from warehouse.connect import Publish, open_working
from warehouse.watches import Watch, insert_hits, read_watches, select_run_articles

LOG = logging.getLogger(__name__)


@dataclass(slots=True)
class WatchHit:
    watch: str
    article_id: str
    title: str | None
    url: str | None
    source: str | None
    terms: list[str] = field(default_factory=list)


def term_pattern(term: str) -> re.Pattern[str]:
    """A term or phrase as whole words, any case, any spacing between its words."""
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def match_watch(watch: Watch, articles: list[tuple]) -> list[WatchHit]:
    """Articles (article_id, title, body, url, source) holding any of the watch's terms, with those terms."""
    patterns = [(term, term_pattern(term)) for term in watch.terms]
    hits = []
    for article_id, title, body, url, source in articles:
        text = f"{title or ''}\n{body}"
        found = [term for term, pattern in patterns if pattern.search(text)]
        if found:
            hits.append(WatchHit(watch.name, article_id, title, url, source, found))
    return hits


def run_watches(db: str | Path, run_id: str, now: datetime) -> list[WatchHit]:
    """Match this run's new articles against every watch, record the hits (published with the run's end, or at
    once outside a run) and post each watch's hits to its webhook. Returns the hits."""
    with open_working(db, Publish.BATCH) as con:
        watches = read_watches(con)
        if not watches:
            return []
        articles = select_run_articles(con, run_id)
        hits = [hit for watch in watches for hit in match_watch(watch, articles)]
        if hits:
            insert_hits(con, [(h.watch, h.article_id, h.terms) for h in hits], run_id, now)
    for watch in watches:
        mine = [h for h in hits if h.watch == watch.name]
        if mine and watch.webhook:
            notify(watch, mine, run_id)
    return hits


def notify(watch: Watch, hits: list[WatchHit], run_id: str) -> bool:
    """POST the hits as JSON; a webhook that fails is logged, never the run's failure."""
    payload = {
        "watch": watch.name, "run_id": run_id,
        "articles": [{"article_id": h.article_id, "title": h.title, "url": h.url, "source": h.source, "terms": h.terms}
                     for h in hits],
    }  # fmt: skip
    try:
        post_json(watch.webhook, payload)
        return True
    except Exception as error:
        LOG.warning("watch %s: webhook %s failed: %s", watch.name, watch.webhook, error)
        return False
