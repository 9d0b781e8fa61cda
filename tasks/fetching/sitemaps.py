"""Sitemap sources on the web: a (news) sitemap, a sitemap index and its sitemaps, or the sitemaps a site's
robots.txt lists, each fetched through the polite client (robots.txt, pacing) with its own conditional GET.

The source's own row in `feed_state` is its first document (the sitemap, or the site); each sitemap an index or
robots.txt names has a row of its own, keyed `sitemap:<source>:<URL>` (so no sitemap, however it is named by an
index, can overwrite another source's row), and its validators and health are kept too. Entries from all of them
are the source's entries.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tasks.config import Source
from tasks.fetching.feeds import FeedResult, conditional_headers, failed, initial_state, paused_result, succeeded
from tasks.fetching.http import FetchError
from tasks.fetching.polite import PoliteClient, origin_of
from tasks.fetching.raw import make_raw
from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import ParsedFeed
from tasks.reading.sitemap import MAX_CHILDREN, parse_sitemap
from warehouse.feeds import FeedState

SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"


def child_key(source: str, url: str) -> str:
    return f"sitemap:{source}:{url}"


def fetch_sitemap_source(
    client: PoliteClient, source: Source, states: dict[str, FeedState], now: datetime, failures_before_rest: int,
    max_body: int,
) -> FeedResult:  # fmt: skip
    """Fetch a sitemap source; whatever goes wrong in it is this source's failure, never the run's."""
    try:
        return fetch_sitemaps(client, source, states, now, failures_before_rest, max_body)
    except Exception as error:
        state = replace(states[source.fetch_url]) if source.fetch_url in states else initial_state(source)
        return failed(source, state, f"{type(error).__name__}: {error}", now, failures_before_rest)


def fetch_sitemaps(
    client: PoliteClient, source: Source, states: dict[str, FeedState], now: datetime, failures_before_rest: int,
    max_body: int,
) -> FeedResult:  # fmt: skip
    """Its first document, then the sitemaps it leads to (at most MAX_CHILDREN). A 304 on an index still checks
    the sitemaps it listed before, conditionally: they change while the index does not."""
    top = replace(states[source.fetch_url]) if source.fetch_url in states else initial_state(source)
    top.source = source.name
    if paused := paused_result(source, top, now):
        return paused
    prefix = child_key(source.name, "")
    known = [s for key, s in states.items() if key.startswith(prefix) and s.source == source.name]
    feed = ParsedFeed(title=None, link=source.fetch_url, version="sitemap")
    result = FeedResult(source, top, "not_modified", feed=feed)
    if source.site:
        queue = robots_sitemaps(client, source.site)
        top.last_fetch_at, top.last_status = now, None
        if not queue:
            return failed(source, top, "robots.txt lists no sitemaps", now, failures_before_rest)
        children = queue
    else:
        outcome = fetch_document(client, top, now, max_body)
        if isinstance(outcome, str):
            return failed(source, top, outcome, now, failures_before_rest)
        response, sitemap = outcome
        if response.status == 304:
            children = [s.url for s in known]
        else:
            result.outcome, result.validators = "fetched", validators_of(response)
            result.raw = make_raw(response.url, "feed", now, response.status, response.headers, response.body)
            take(result, sitemap)
            children = sitemap.children
    fetch_children(client, result, children, {s.url: s for s in known}, now, max_body)
    if result.outcome == "not_modified" and any(c.last_status == 200 for c, _ in result.children):
        result.outcome = "fetched"
    return succeeded(result, now)


def fetch_children(client: PoliteClient, result: FeedResult, urls: list[str], known: dict[str, FeedState],
                   now: datetime, max_body: int) -> None:  # fmt: skip
    """Each sitemap an index or robots.txt named, conditionally; a nested index adds its sitemaps (one level)."""
    seen, queue = set(), list(urls)
    while queue:
        url = queue.pop(0)
        if url in seen or url == result.state.url:
            continue
        if len(seen) == MAX_CHILDREN:
            result.feed.unreadable.append(
                f"sitemaps after the first {MAX_CHILDREN}: left out (at most that many a run)"
            )
            break
        seen.add(url)
        name = result.source.name
        state = replace(known[url]) if url in known else FeedState(feed_key=child_key(name, url), source=name, url=url)
        outcome = fetch_document(client, state, now, max_body)
        if isinstance(outcome, str):
            state.consecutive_failures += 1
            state.last_error = outcome
            result.children.append((state, None))
            result.feed.unreadable.append(f"sitemap {url}: {outcome}")
            continue
        response, sitemap = outcome
        state.consecutive_failures, state.last_error, state.last_success_at = 0, None, now
        result.children.append((state, validators_of(response) if response.status == 200 else None))
        if sitemap is not None:
            take(result, sitemap)
            queue.extend(c for c in sitemap.children if c not in seen)


def fetch_document(client: PoliteClient, state: FeedState, now: datetime, max_body: int):
    """(response, parsed sitemap or None on a 304), or why it failed."""
    state.last_fetch_at = now
    try:
        response = client.get(state.url, headers=conditional_headers(state), accept=SITEMAP_ACCEPT)
    except FetchError as error:
        return str(error)
    state.last_status = response.status
    if response.status == 304:
        return response, None
    if response.status != 200:
        return f"HTTP {response.status}"
    try:
        return response, parse_sitemap(response.body, max_body)
    except UnreadableInput as error:
        return str(error)


def take(result: FeedResult, sitemap) -> None:
    """Add a sitemap's entries to the source's (a URL two sitemaps list is one entry)."""
    have = {e.key for e in result.feed.entries}
    result.feed.entries.extend(e for e in sitemap.entries if e.key not in have)
    result.feed.unreadable.extend(sitemap.unreadable)
    result.feed.title = result.feed.title or sitemap.publication


def validators_of(response) -> tuple[str | None, str | None]:
    return response.headers.get("etag"), response.headers.get("last-modified")


def robots_sitemaps(client: PoliteClient, site: str) -> list[str]:
    """The `Sitemap:` lines of the site's robots.txt, in order."""
    return client.sitemaps_for(origin_of(site))
