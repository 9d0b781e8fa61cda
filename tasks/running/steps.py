"""The stages as Prefect tasks: each a few lines around the plain function that does the work.

Batches are passed wrapped in `quote` by the flows, so Prefect does not walk every article of a batch
looking for futures (that walk cost more than the work itself: 0.4–0.9 s per 500 articles).
"""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.config import Source, SourcesConfig
from tasks.fetching.feeds import FeedResult
from tasks.fetching.fetch_pages import PageJob, PageResult
from tasks.fetching.raw import RawDocument
from tasks.fetching.web import fetch_entry_pages, fetch_feeds, save_feeds
from tasks.loading.load import load_articles
from tasks.models import Article, Batch
from tasks.reading.warc import ArchiveMark, ArchivePage
from tasks.running.prepare import prepare_archive_pages, prepare_files, prepare_pages
from warehouse.load import LoadCounts

TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}


@task(name="read-and-prepare", **TASK_OPTIONS)
def prepare_files_task(paths: list[str], now: datetime, workers: int, taxonomy: tuple[str, ...]) -> Batch:
    """Read, clean, identify and tag files on `workers` processes."""
    return prepare_files(paths, now, workers, taxonomy)


@task(name="extract-archive-pages", **TASK_OPTIONS)
def prepare_archive_task(pages: list[ArchivePage], now: datetime, workers: int, taxonomy: tuple[str, ...],
                         languages: tuple[str, ...]) -> Batch:  # fmt: skip
    """Extract, clean, identify and tag pages read from WARC archives on `workers` processes."""
    return prepare_archive_pages(pages, now, workers, taxonomy, languages)


@task(name="load", retries=2, retry_delay_seconds=5, **TASK_OPTIONS)
def load_task(
    db: str, articles: list[Article], run_id: str, now: datetime, refresh: bool = False,
    raw: list[RawDocument] | None = None, progress: list[ArchiveMark] | None = None,
) -> LoadCounts:  # fmt: skip
    return load_articles(db, articles, run_id, now, refresh=refresh, raw=raw, progress=progress)


@task(name="fetch-feeds", **TASK_OPTIONS)
def fetch_feeds_task(db: str, run_id: str, config: SourcesConfig, sources: list[Source], now: datetime
                     ) -> list[FeedResult]:  # fmt: skip
    """Conditional GET of each feed; parse, and keep the entries no earlier run took."""
    return fetch_feeds(db, run_id, config, sources, now)


@task(name="fetch-pages", **TASK_OPTIONS)
def fetch_pages_task(run_id: str, config: SourcesConfig, jobs: list[PageJob], run_started: float
                     ) -> list[PageResult]:  # fmt: skip
    """The article page behind each new entry, politely (robots.txt, one request at a time per host)."""
    return fetch_entry_pages(run_id, config, jobs, run_started)


@task(name="prepare-pages", **TASK_OPTIONS)
def prepare_pages_task(results: list[PageResult], now: datetime, workers: int, taxonomy: tuple[str, ...]) -> Batch:
    """Extract, clean, identify and tag fetched pages (or the entries' own content) on the worker processes."""
    return prepare_pages(results, now, workers, taxonomy)


@task(name="save-feed-state", **TASK_OPTIONS)
def save_feeds_task(db: str, results: list[FeedResult]) -> None:
    """Validators and health per feed, written after the feed's entries are committed."""
    save_feeds(db, results)
