"""The article pages behind feed entries: fetched politely, host by host, many hosts at once."""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from tasks.config import PAGE_ATTEMPTS
from tasks.fetching.http import FetchError, TransientError
from tasks.fetching.polite import PoliteClient, RobotsBlocked, origin_of
from tasks.fetching.raw import RawDocument, make_raw
from tasks.reading.parse_feed import FeedEntry

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")
MAX_HOSTS_AT_ONCE = 8


@dataclass(slots=True)
class PageJob:
    """One new feed entry, and whether to fetch the page behind it."""

    source: str
    feed_key: str
    feed_title: str | None
    feed_url: str
    entry: FeedEntry
    entry_key: str
    fetch: bool
    feed_raw_id: str | None = None
    feed_fetched_at: datetime | None = None
    article_id: str | None = None  # set when a backfill rebuilds a stored article, or a pending page is retried
    attempt: int = 1  # which try at the page this is (a pending page is retried on later runs)
    max_attempts: int = PAGE_ATTEMPTS  # after this many transient failures the page is given up

    @property
    def is_retry(self) -> bool:
        return self.attempt > 1


@dataclass(slots=True)
class PageResult:
    job: PageJob
    url: str | None = None  # the final URL
    html: str | None = None
    status: int | None = None
    error: str | None = None
    robots_blocked: bool = False
    body: bytes | None = None
    headers: dict | None = None
    raw: RawDocument | None = None
    fetched_at: datetime | None = None
    page_status: str | None = None  # see PageOutcome; None when rebuilt from the raw store (nothing fetched)

    def settle(self, status: str, error: str | None = None) -> None:
        """Record the outcome; a transient failure on the last allowed attempt gives the page up."""
        if status == "pending" and self.job.attempt >= self.job.max_attempts:
            status = "gave_up"
            error = f"{error} (gave up after {self.job.attempt} attempts)"
        self.page_status, self.error = status, error


def fetch_pages(client: PoliteClient, jobs: list[PageJob], deadline: float) -> list[PageResult]:
    """Fetch every job's page (one host at a time per host, up to eight hosts at once); after `deadline`
    (time.monotonic) no new fetch starts. Results come back in job order."""
    results = {id(job): PageResult(job) for job in jobs}
    by_origin: dict[str, list[PageJob]] = defaultdict(list)
    for job in jobs:
        if job.fetch and job.entry.link and job.entry.link.startswith(("http://", "https://")):
            by_origin[origin_of(job.entry.link)].append(job)
        elif job.fetch:
            results[id(job)].settle("failed", "entry has no http(s) link")
        else:
            results[id(job)].page_status = "feed_only"

    def run_host(host_jobs: list[PageJob]) -> None:
        for job in host_jobs:
            result = results[id(job)]
            if time.monotonic() > deadline:
                result.settle("pending", "run time budget spent before this page")
                continue
            fetch_one(client, result)

    if by_origin:
        with ThreadPoolExecutor(max_workers=min(MAX_HOSTS_AT_ONCE, len(by_origin))) as pool:
            list(pool.map(run_host, by_origin.values()))
    return [results[id(job)] for job in jobs]


def fetch_one(client: PoliteClient, result: PageResult) -> None:
    try:
        response = client.get(result.job.entry.link, accept=PAGE_ACCEPT)
    except RobotsBlocked as error:
        result.robots_blocked = True
        result.settle("pending" if error.transient else "disallowed", str(error))
        return
    except TransientError as error:  # timeouts, refused connections, 5xx after the fetcher's own retries
        result.settle("pending", str(error))
        return
    except FetchError as error:
        result.settle("failed", str(error))
        return
    result.status, result.url, result.headers = response.status, response.url, response.headers
    result.fetched_at = datetime.now(UTC)
    content_type = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if response.status != 200:
        transient = response.status >= 500 or response.status in (408, 429)
        result.settle("pending" if transient else "failed", f"HTTP {response.status}")
    elif content_type and not content_type.startswith(HTML_TYPES):
        result.settle("failed", f"not a web page ({content_type})")
    else:
        result.settle("fetched")
        result.body = response.body
        result.html = response.text()
        result.raw = make_raw(response.url, "page", result.fetched_at, response.status, response.headers, result.body)
