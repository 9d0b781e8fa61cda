"""The sources flow: every feed and folder of a sources file, fetched politely and only when changed."""

from __future__ import annotations

from collections import Counter

from prefect import flow
from prefect.utilities.annotations import quote

from flows.engine import run_task, submit_prepare
from flows.pipeline import chunked, ingest_found, load_prepared, recorded_run
from tasks.config import load_sources_file
from tasks.fetching.feeds import FeedResult
from tasks.fetching.fetch_pages import PageResult
from tasks.fetching.web import close_client, page_jobs, run_clock
from tasks.models import Batch
from tasks.reading.read_files import discover_files
from tasks.running.pool import default_workers
from tasks.running.prepare import current_taxonomy
from tasks.running.run_record import RunState, utc_now
from tasks.running.steps import fetch_feeds_task, fetch_pages_task, prepare_pages_task, save_feeds_task
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db


@flow(name="sources")
def sources_flow(
    sources_file: str,
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    progress: bool = False,
) -> dict:
    """Fetch each feed of the sources file (conditional GET) and the pages behind its new entries, and read
    each folder; clean, deduplicate, tag and load it all. Returns the run's counts, per feed too."""
    config = load_sources_file(sources_file)
    db_path = str(resolve_db(db))
    workers = workers or default_workers()
    parameters = {"sources_file": sources_file, "batch_size": batch_size, "workers": workers}
    enabled = [s for s in config.sources if s.enabled]
    with recorded_run(db_path, "sources", parameters) as state:
        folders = [s.path for s in enabled if s.path]
        if folders:
            files, skips = discover_files(folders)
            state.record_skips(skips)
            ingest_found(state, files, batch_size, workers, progress)  # WARC archives there too
        feeds = [s for s in enabled if s.fetch_url]  # feeds, sitemaps and sites
        started = run_clock()
        try:
            for chunk in chunked(feeds, config.feeds_per_batch, first=config.feeds_per_batch):
                results = run_task(fetch_feeds_task, db_path, state.run_id, config, chunk, utc_now())
                jobs = page_jobs(results, config.page_attempts)
                pages = run_task(fetch_pages_task, state.run_id, config, quote(jobs), started)
                batch = submit_prepare(prepare_pages_task, pages, utc_now(), workers, current_taxonomy()).result()
                fresh, retried = split_retries(batch)
                # a feed body is kept only when it brought entries: an unchanged feed that bumps lastBuildDate
                # (or ignores validators) adds nothing to the raw store
                raw = [r.raw for r in results if r.raw and r.new_entries] + [p.raw for p in pages if p.raw]
                loaded = load_prepared(state, fresh, utc_now(), raw=raw)
                if loaded is not None:  # a failed load keeps the old validators: the next run refetches
                    run_task(save_feeds_task, db_path, quote(results))
                if retried.articles:  # pages that arrived late upgrade their stored articles in place
                    load_prepared(state, retried, utc_now(), refresh=True)
                count_feeds(state, results, pages, fresh.articles, loaded.new_ids if loaded else frozenset())
                count_blocked(state, batch.articles)
        finally:
            close_client(state.run_id)
    return state.summary()


def split_retries(batch: Batch) -> tuple[Batch, Batch]:
    """New entries' articles, and the stored articles whose pending page was tried again (loaded with refresh)."""
    retried = list({a.article_id or id(a): a for a in batch.articles if a.page and a.page.is_retry}.values())
    fresh = Batch([a for a in batch.articles if not (a.page and a.page.is_retry)], batch.skips, batch.read)
    return fresh, Batch(retried, [], 0)


def count_blocked(state: RunState, articles) -> None:
    """Pages that came back as a challenge, consent wall, JavaScript shell or paywall teaser: `blocked`."""
    for article in articles:
        if article.page is not None and article.page.status == "blocked":
            state.count("blocked", feed=article.source)
            state.record_failure(
                article.page.url or article.source_uri, f"page: {article.page.error} (kept the feed's text)"
            )


def count_feeds(state: RunState, results: list[FeedResult], pages: list[PageResult], articles, new_ids) -> None:
    """Per-feed counts: fetched, unchanged (fetched, nothing new), not_modified, postponed, failed, pending
    (entries left for the next runs), robots_blocked, pages_fetched, page_failed, pages_pending (pages to try
    again on later runs), pages_upgraded (a pending page arrived: its article was rewritten), pages_given_up,
    new, duplicate."""
    for result in results:
        unchanged = result.outcome == "fetched" and not result.new_entries and not result.pending
        state.count("unchanged" if unchanged else result.outcome, feed=result.source.name)
        if result.pending:
            state.count("pending", result.pending, feed=result.source.name)
        if result.outcome == "failed":
            state.record_failure(result.state.url, f"feed: {result.error}")
        for reason in result.feed.unreadable if result.feed else []:
            state.count("entry_unreadable", feed=result.source.name)
            state.record_failure(result.state.url, f"feed {reason}")
    for page in pages:
        name = page.job.source
        if page.html is not None:
            state.count("pages_upgraded" if page.job.is_retry else "pages_fetched", feed=name)
            continue
        if page.robots_blocked:
            state.count("robots_blocked", feed=name)
        elif page.job.fetch:
            state.count("page_failed", feed=name)
        if page.page_status == "pending":
            state.count("pages_pending", feed=name)
        elif page.page_status == "gave_up":
            state.count("pages_given_up", feed=name)
        if page.job.fetch and not page.robots_blocked:
            later = " and tries the page again next run" if page.page_status == "pending" else ""
            where = page.job.entry.link or page.job.feed_url
            state.record_failure(where, f"page: {page.error} (kept the feed's text{later})")
    per_feed, counted = Counter(), set()
    for article in articles:  # a copy inside the batch shares its first's id: it is a duplicate
        per_feed[(article.source, article.article_id in new_ids and article.article_id not in counted)] += 1
        counted.add(article.article_id)
    for (name, is_new), value in per_feed.items():
        state.count("new" if is_new else "duplicate", value, feed=name)
