"""The web side of a sources run, as plain functions over batches of feeds and pages.

One PoliteClient lives for the whole run (robots.txt rules and per-host pacing carry from the feeds to
the pages and across batches); it is kept here by run id, never passed into tasks.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from tasks.config import Source, SourcesConfig
from tasks.fetching.feeds import (
    RETRY_OUTCOMES,
    FeedResult,
    commit_children,
    commit_feed,
    entry_key,
    fetch_feed,
    pending_entry,
)
from tasks.fetching.fetch_pages import PAGE_ATTEMPTS, PageJob, PageResult, fetch_pages
from tasks.fetching.http import Fetcher, FetchSettings
from tasks.fetching.polite import PoliteClient, origin_of
from tasks.fetching.sitemaps import fetch_sitemap_source
from warehouse.connect import Publish, open_working
from warehouse.feeds import (
    PendingPage,
    read_feed_states,
    read_source_states,
    save_feed_states,
    select_pending_pages,
    select_taken_entries,
)

_clients: dict[str, PoliteClient] = {}
_lock = threading.Lock()


def client_for(run_id: str, config: SourcesConfig) -> PoliteClient:
    with _lock:
        if run_id not in _clients:
            settings = FetchSettings(
                user_agent=config.user_agent,
                deadline=config.request_deadline,
                retries=config.retries,
                max_body=config.max_body_bytes,
                allow_private_networks=config.allow_private_networks,
                allowed_addresses=frozenset(config.allow_addresses),
            )
            _clients[run_id] = PoliteClient(Fetcher(settings), config.min_delay, config.max_crawl_delay)
        return _clients[run_id]


def close_client(run_id: str) -> None:
    with _lock:
        client = _clients.pop(run_id, None)
    if client is not None:
        client.fetcher.close()


def fetch_feeds(db: str | Path, run_id: str, config: SourcesConfig, sources: list[Source], now: datetime
                ) -> list[FeedResult]:  # fmt: skip
    """Fetch every feed (different hosts at once, one host at a time) and keep the entries not taken before,
    and the taken entries whose page is pending (a transient failure on an earlier run)."""
    client = client_for(run_id, config)
    with open_working(db, Publish.READ) as con:
        states = read_feed_states(con, [s.fetch_url for s in sources])
        sitemaps = read_source_states(con, [s.name for s in sources if s.is_sitemap])

    def one(source: Source) -> FeedResult:
        if source.is_sitemap:
            mine = {k: v for k, v in sitemaps.items() if v.source == source.name}
            return fetch_sitemap_source(client, source, mine, now, config.failures_before_rest, config.max_body_bytes)
        return fetch_feed(client, source, states.get(source.fetch_url), now, config.failures_before_rest)

    hosts = len({origin_of(s.fetch_url) for s in sources}) or 1
    with ThreadPoolExecutor(max_workers=min(8, hosts)) as pool:
        results = list(pool.map(one, sources))
    with open_working(db, Publish.READ) as con:
        for result in results:
            if result.source.fetch_pages and result.outcome in RETRY_OUTCOMES:
                limit = result.source.max_entries
                result.retries = select_pending_pages(con, result.feed_key, config.page_attempts, limit)
            if result.feed is None:
                continue
            entries = result.feed.entries
            taken = select_taken_entries(con, result.feed_key, [entry_key(e) for e in entries])
            fresh = [e for e in entries if entry_key(e) not in taken]
            result.new_entries = fresh[: result.source.max_entries]
            result.pending = len(fresh) - len(result.new_entries)
    return results


def page_jobs(results: list[FeedResult], max_attempts: int = PAGE_ATTEMPTS) -> list[PageJob]:
    """A job per new entry, then one per pending page to try again (new entries go first in the time budget)."""
    fresh = [
        PageJob(
            source=r.source.name,
            feed_key=r.feed_key,
            feed_title=r.feed.title if r.feed else None,
            feed_url=r.state.url,
            entry=entry,
            entry_key=entry_key(entry),
            fetch=r.source.fetch_pages,
            feed_raw_id=r.raw.raw_id if r.raw else None,
            feed_fetched_at=r.raw.fetched_at if r.raw else None,
            max_attempts=max_attempts,
        )
        for r in results
        for entry in r.new_entries
    ]
    return fresh + [retry_job(r, page, max_attempts) for r in results for page in r.retries]


def retry_job(result: FeedResult, page: PendingPage, max_attempts: int) -> PageJob:
    """The next try at a pending page; it upgrades the stored article in place when it arrives, unless that article
    stands for other entries too (their feed texts were one copy): then the page becomes an article of its own."""
    return PageJob(
        source=result.source.name, feed_key=result.feed_key, feed_title=result.feed.title if result.feed else None,
        feed_url=result.state.url, entry=pending_entry(page), entry_key=page.entry_key, fetch=True,
        feed_raw_id=page.raw_feed_id, article_id=None if page.shared else page.article_id, attempt=page.attempts + 1,
        max_attempts=max_attempts,
    )  # fmt: skip


def fetch_entry_pages(run_id: str, config: SourcesConfig, jobs: list[PageJob], run_started: float
                      ) -> list[PageResult]:  # fmt: skip
    """Fetch the pages of new entries; none is started once the run's time budget is spent."""
    return fetch_pages(client_for(run_id, config), jobs, deadline=run_started + config.run_seconds)


def save_feeds(db: str | Path, results: list[FeedResult]) -> None:
    """Store each feed's state; called after its entries are committed, so validators never run ahead."""
    with open_working(db, Publish.LATER) as con:  # published with the next batch
        save_feed_states(con, [commit_feed(r) for r in results] + [c for r in results for c in commit_children(r)])


def run_clock() -> float:
    return time.monotonic()
