"""Watchlists: each run's new articles matched against the watches of the watchlist file (search queries with
phrases and AND / OR / NOT, and topic, place and source filters); hits are recorded once per watch and article,
listed in the run's summary, and posted to the watch's webhook."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tasks.config import WatchEntry, load_watches_file
from tasks.fetching.webhook import post_json
from warehouse.connect import Publish, open_working
from warehouse.search import match_rows
from warehouse.watches import insert_hits, select_run_rows

LOG = logging.getLogger(__name__)
OPERATORS = {"AND", "OR", "NOT"}
QUERY_TERMS = re.compile(r'(-?)"([^"]+)"|(-?)([^\s"()]+)')


@dataclass(slots=True)
class WatchHit:
    watch: str
    article_id: str
    title: str | None
    source: str | None
    terms: list[str] = field(default_factory=list)


def query_terms(query: str) -> list[str]:
    """The words and phrases a query asks for (not those it excludes, nor its operators)."""
    terms = []
    for minus, phrase, minus_word, word in QUERY_TERMS.findall(query):
        text = phrase or word.lstrip("+").split(":")[-1]
        if (minus or minus_word) or not text or text in OPERATORS:
            continue
        terms.append(text)
    return list(dict.fromkeys(terms))


def matched_terms(query: str, title: str | None, body: str) -> list[str]:
    """Which of the query's words and phrases the article holds, as whole words in any case."""
    text = f"{title or ''}\n{body}"
    found = []
    for term in query_terms(query):
        words = [re.escape(w) for w in re.findall(r"\w+", term)]
        if words and re.search(r"(?<!\w)" + r"\W+".join(words), text, re.IGNORECASE):
            found.append(term)
    return found


def match_watches(watches: list[WatchEntry], rows: list[tuple]) -> list[WatchHit]:
    """The hits of these watches among these article rows (warehouse.search.ARTICLE_FIELDS)."""
    if not watches or not rows:
        return []
    by_id = {row[0]: row for row in rows}
    matched = match_rows(rows, watches)
    hits = []
    for watch in watches:
        for article_id in matched[watch.name]:
            _, title, body, source, *_ = by_id[article_id]
            hits.append(WatchHit(watch.name, article_id, title, source, matched_terms(watch.query, title, body)))
    return hits


def run_watches(db: str | Path, run_id: str, now: datetime, watches: list[WatchEntry] | None = None
                ) -> list[WatchHit]:  # fmt: skip
    """Match this run's new articles against every watch, record the hits (published with the run's end, or at
    once outside a run) and post each watch's hits to its webhook. Returns the hits."""
    watches = load_watches_file().watch if watches is None else watches
    if not watches:
        return []
    with open_working(db, Publish.BATCH) as con:
        hits = match_watches(watches, select_run_rows(con, run_id))
        if hits:
            insert_hits(con, [(h.watch, h.article_id, h.terms) for h in hits], run_id, now)
    for watch in watches:
        mine = [h for h in hits if h.watch == watch.name]
        if mine and watch.webhook:
            notify(watch, mine, run_id)
    return hits


def notify(watch: WatchEntry, hits: list[WatchHit], run_id: str) -> bool:
    """POST the hits as JSON; a webhook that fails is logged, never the run's failure."""
    payload = {
        "watch": watch.name, "run_id": run_id,
        "articles": [{"article_id": h.article_id, "title": h.title, "source": h.source, "terms": h.terms}
                     for h in hits],
    }  # fmt: skip
    try:
        post_json(watch.webhook, payload)
        return True
    except Exception as error:
        LOG.warning("watch %s: webhook %s failed: %s", watch.name, watch.webhook, error)
        return False


def watches_toml(watches: list[WatchEntry]) -> str:
    """The watchlist file's text for these watches (TOML basic strings share JSON's escapes)."""
    blocks = []
    for watch in watches:
        lines = ["[[watch]]", f"name = {json.dumps(watch.name)}", f"query = {json.dumps(watch.query)}"]
        for key in ("topics", "places", "sources"):
            if values := getattr(watch, key):
                lines.append(f"{key} = {json.dumps(values, ensure_ascii=False)}")
        if watch.webhook:
            lines.append(f"webhook = {json.dumps(watch.webhook)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
