"""Politeness: robots.txt per host (protego), one request at a time per host, a minimum delay between them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from tasks.fetching.http import Fetcher, FetchError, Response

ROBOTS_AGENT = "newsflow"
MAX_ROBOTS_BYTES = 512 * 1024


class RobotsBlocked(FetchError):
    """robots.txt (or a robots.txt we could not read) does not let us fetch this URL; `transient` when robots.txt
    answered 5xx or not at all (asked again next run), not when it disallows the URL or answered 401/403."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(slots=True)
class RobotsRules:
    rules: Protego | None  # None with allow_all / deny_all
    allow_all: bool = False
    note: str = ""
    transient: bool = False  # denied for this run only: robots.txt answered 5xx or could not be fetched

    def can_fetch(self, url: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return self.rules.can_fetch(url, ROBOTS_AGENT)

    def crawl_delay(self) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(ROBOTS_AGENT)
        return float(delay) if delay is not None else None


class PoliteClient:
    """Wraps a Fetcher: per-host lock and pacing, robots.txt cached per host for the run."""

    def __init__(self, fetcher: Fetcher, min_delay: float = 1.0, max_crawl_delay: float = 30.0) -> None:
        self.fetcher = fetcher
        self.min_delay = min_delay
        self.max_crawl_delay = max_crawl_delay
        self._robots: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._guard = threading.Lock()

    def host_lock(self, origin: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(origin, threading.Lock())

    def get(self, url: str, headers: dict[str, str] | None = None, accept: str | None = None,
            check_robots: bool = True) -> Response:  # fmt: skip
        """One paced request to the URL's host; RobotsBlocked when robots.txt says no."""
        origin = origin_of(url)
        with self.host_lock(origin):
            if check_robots:
                rules = self.robots_for(origin)
                if not rules.can_fetch(url):
                    note = f" ({rules.note})" if rules.note else ""
                    raise RobotsBlocked(f"robots.txt disallows {url}{note}", transient=rules.transient)
            self.wait_turn(origin)
            try:
                return self.fetcher.get(url, headers=headers, accept=accept)
            finally:
                self._next[origin] = time.monotonic() + self.delay_for(origin)

    def sitemaps_for(self, origin: str) -> list[str]:
        """The `Sitemap:` lines of the host's robots.txt (fetched once for the run, as for every check)."""
        with self.host_lock(origin):
            rules = self.robots_for(origin)
        return [url for url in (rules.rules.sitemaps if rules.rules else []) if url.startswith(("http://", "https://"))]

    def robots_for(self, origin: str) -> RobotsRules:
        """Fetch and parse /robots.txt once per host: 401/403 deny all, other 4xx allow all, 5xx or no answer
        deny all for this run. Called with the host's lock held."""
        if origin in self._robots:
            return self._robots[origin]
        self.wait_turn(origin)
        try:
            response = self.fetcher.get(f"{origin}/robots.txt", accept="text/plain")
        except FetchError as error:
            rules = RobotsRules(None, allow_all=False, note=f"robots.txt unreachable: {error}", transient=True)
        else:
            rules = rules_from_response(response)
        finally:
            self._next[origin] = time.monotonic() + self.min_delay
        self._robots[origin] = rules
        return rules

    def delay_for(self, origin: str) -> float:
        rules = self._robots.get(origin)
        crawl = rules.crawl_delay() if rules else None
        return max(self.min_delay, min(crawl or 0.0, self.max_crawl_delay))

    def wait_turn(self, origin: str) -> None:
        wait = self._next.get(origin, 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def rules_from_response(response: Response) -> RobotsRules:
    if response.status in (401, 403):
        return RobotsRules(None, allow_all=False, note=f"robots.txt answered {response.status}")
    if 400 <= response.status < 500:
        return RobotsRules(None, allow_all=True)
    if response.status != 200:  # 5xx (or a stray 1xx/3xx): try again next run
        return RobotsRules(None, allow_all=False, note=f"robots.txt answered {response.status}", transient=True)
    text = response.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    return RobotsRules(Protego.parse(text))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
