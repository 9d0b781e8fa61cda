"""The sources flow: every feed and folder of a sources file, fetched politely and only when changed."""

from __future__ import annotations

from collections import Counter

from prefect import flow
from prefect.utilities.annotations import quote

from flows.pipeline import chunked, ingest_files, load_prepared, recorded_run
from tasks.config import load_sources_file
from tasks.feeds import FeedResult
from tasks.fetch_pages import PageResult
from tasks.pool import default_workers
from tasks.prepare import current_taxonomy
from tasks.read_files import discover_files
from tasks.run_record import RunState, utc_now
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db
from tasks.steps import fetch_feeds_task, fetch_pages_task, prepare_pages_task, save_feeds_task
from tasks.web import close_client, page_jobs, run_clock


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
            ingest_files(state, files, batch_size, workers, progress)
        feeds = [s for s in enabled if s.feed]
        started = run_clock()
        try:
            for chunk in chunked(feeds, config.feeds_per_batch, first=config.feeds_per_batch):
                results = fetch_feeds_task(db_path, state.run_id, config, chunk, utc_now())
                pages = fetch_pages_task(state.run_id, config, quote(page_jobs(results)), started)
                batch = prepare_pages_task(quote(pages), utc_now(), workers, current_taxonomy())
                # a feed body is kept only when it brought entries: an unchanged feed that bumps lastBuildDate
                # (or ignores validators) adds nothing to the raw store
                raw = [r.raw for r in results if r.raw and r.new_entries] + [p.raw for p in pages if p.raw]
                loaded = load_prepared(state, batch, utc_now(), raw=raw)
                if loaded is not None:  # a failed load keeps the old validators: the next run refetches
                    save_feeds_task(db_path, quote(results))
                count_feeds(state, results, pages, batch.articles, loaded.new_ids if loaded else frozenset())
        finally:
            close_client(state.run_id)
    return state.summary()


def count_feeds(state: RunState, results: list[FeedResult], pages: list[PageResult], articles, new_ids) -> None:
    """Per-feed counts: fetched, unchanged (fetched, nothing new), not_modified, postponed, failed, pending
    (entries left for the next runs), robots_blocked, pages_fetched, new, duplicate."""
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
        if page.robots_blocked:
            state.count("robots_blocked", feed=name)
        elif page.html is not None:
            state.count("pages_fetched", feed=name)
        elif page.job.fetch:
            state.count("page_failed", feed=name)
            state.record_failure(page.job.entry.link or page.job.feed_url, f"page: {page.error} (kept the feed's text)")
    per_feed = Counter()
    for article in articles:
        per_feed[(article.source, article.article_id in new_ids)] += 1
    for (name, is_new), value in per_feed.items():
        state.count("new" if is_new else "duplicate", value, feed=name)
