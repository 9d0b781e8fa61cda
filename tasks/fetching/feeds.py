"""Feeds on the web: conditional GET, feed health (moves, 410, rest after failures), new entries only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from tasks.config import Source
from tasks.dedup.identity import canonical_url
from tasks.fetching.http import DEFAULT_RETRY_AFTER, FetchError, Response
from tasks.fetching.polite import PoliteClient
from tasks.fetching.raw import RawDocument, make_raw
from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import FeedEntry, ParsedFeed, parse_feed
from warehouse.feeds import FeedState, PendingPage

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
REST = timedelta(hours=1)
MAX_REST = timedelta(days=1)


@dataclass(slots=True)
class FeedResult:
    """One feed's fetch this run: the outcome, its parsed entries, and the state to save once they are loaded."""

    source: Source
    state: FeedState
    outcome: str  # fetched | not_modified | postponed | failed | gone | resting | disabled
    feed: ParsedFeed | None = None
    error: str | None = None
    response: Response | None = None
    validators: tuple[str | None, str | None] | None = None  # (ETag, Last-Modified) to store after the load
    new_entries: list[FeedEntry] = field(default_factory=list)
    pending: int = 0  # new entries beyond the source's max_entries: taken by the next runs
    retries: list[PendingPage] = field(default_factory=list)  # taken entries whose page is fetched again
    raw: RawDocument | None = None  # the feed body as fetched, for the raw store
    # a sitemap source's other sitemaps (of its index, or its site's robots.txt), each with the validators to store
    children: list[tuple[FeedState, tuple[str | None, str | None] | None]] = field(default_factory=list)

    @property
    def feed_key(self) -> str:
        return self.state.feed_key


def initial_state(source: Source) -> FeedState:
    return FeedState(feed_key=source.fetch_url, source=source.name, url=source.fetch_url)


def fetch_feed(
    client: PoliteClient, source: Source, state: FeedState | None, now: datetime, failures_before_rest: int = 3
) -> FeedResult:
    """Fetch one feed conditionally and classify the outcome; health fields of the state are updated here,
    validators only after the entries are committed (`commit_feed`)."""
    state = replace(state) if state else initial_state(source)
    state.source = source.name
    if paused := paused_result(source, state, now):
        return paused
    state.last_fetch_at = now
    try:
        response = client.get(state.url, headers=conditional_headers(state), accept=FEED_ACCEPT, check_robots=False)
    except FetchError as error:
        return failed(source, state, str(error), now, failures_before_rest)
    state.last_status = response.status
    if response.permanent_url and response.permanent_url != state.url:
        state.url = response.permanent_url  # 301/308: fetch it there from now on
    if response.status == 304:
        return succeeded(FeedResult(source, state, "not_modified", response=response), now)
    if response.status == 410:
        state.status, state.last_error = "gone", "410 Gone: the feed was removed; not fetched again"
        return FeedResult(source, state, "gone", error=state.last_error, response=response)
    if response.status == 429 or (response.status == 503 and response.retry_after is not None):
        wait = response.retry_after if response.retry_after is not None else DEFAULT_RETRY_AFTER
        state.next_attempt_at = now + timedelta(seconds=wait)
        state.last_error = f"HTTP {response.status}: postponed {wait:.0f}s as Retry-After asks"
        return FeedResult(source, state, "postponed", error=state.last_error, response=response)
    if response.status != 200:
        return failed(source, state, f"HTTP {response.status}", now, failures_before_rest, response)
    try:
        feed = parse_feed(response.body, response.url, response.headers.get("content-type"))
    except UnreadableInput as error:
        return failed(source, state, str(error), now, failures_before_rest, response)
    validators = (response.headers.get("etag"), response.headers.get("last-modified"))
    raw = make_raw(response.url, "feed", now, response.status, response.headers, response.body)
    result = FeedResult(source, state, "fetched", feed=feed, response=response, validators=validators, raw=raw)
    return succeeded(result, now)


def paused_result(source: Source, state: FeedState, now: datetime) -> FeedResult | None:
    """The outcome of a feed (or sitemap source) not fetched this run: gone (410), or resting until a time."""
    if state.status == "gone":
        return FeedResult(source, state, "disabled", error=state.last_error)
    if state.next_attempt_at and state.next_attempt_at > now:
        return FeedResult(source, state, "resting", error=state.last_error)
    return None


def conditional_headers(state: FeedState) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators the document last sent."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def succeeded(result: FeedResult, now: datetime) -> FeedResult:
    result.state.consecutive_failures = 0
    result.state.last_error = None
    result.state.next_attempt_at = None
    result.state.last_success_at = now
    return result


def failed(
    source: Source, state: FeedState, error: str, now: datetime, failures_before_rest: int,
    response: Response | None = None,
) -> FeedResult:  # fmt: skip
    """Count a failure; from the Nth in a row the feed rests (1 h, doubling, at most a day)."""
    state.consecutive_failures += 1
    state.last_error = error
    if state.consecutive_failures >= failures_before_rest:
        rest = min(REST * 2 ** (state.consecutive_failures - failures_before_rest), MAX_REST)
        state.next_attempt_at = now + rest
    return FeedResult(source, state, "failed", error=error, response=response)


def entry_key(entry: FeedEntry) -> str:
    """GUID, else the canonical link, else the hash parse_feed made of title and content."""
    if entry.key == entry.link and entry.link:
        return canonical_url(entry.link) or entry.key
    return entry.key


RETRY_OUTCOMES = ("fetched", "not_modified", "failed")  # not while the host asks us to wait or the feed is gone


def pending_entry(page: PendingPage) -> FeedEntry:
    """The entry of a pending page, rebuilt from its stored article (the feed may no longer list it)."""
    return FeedEntry(
        key=page.entry_key, title=page.title, link=page.page_url, authors=page.authors,
        published_at=page.published_at, categories=page.categories, text=page.body,
    )  # fmt: skip


def commit_feed(result: FeedResult) -> FeedState:
    """The state to save after this fetch's entries are committed: validators advance only now, and not while
    entries wait beyond max_entries (a 304 next time would hide them: the feed is fetched whole again)."""
    state = result.state
    if result.outcome == "fetched" and result.validators and not result.pending:
        state.etag, state.last_modified = result.validators
    state.entries_taken += len(result.new_entries)
    return state


def commit_children(result: FeedResult) -> list[FeedState]:
    """A sitemap source's other sitemaps, to save with it: validators advance on the same terms as its own."""
    states = []
    for state, validators in result.children:
        if validators and not result.pending:
            state.etag, state.last_modified = validators
        states.append(state)
    return states
