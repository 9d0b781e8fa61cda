"""Feeds on a real HTTP server: conditional GET, moves, 410, Retry-After, rests, robots.txt, pacing."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from tasks.config import Source
from tasks.fetching.feeds import commit_feed, fetch_feed
from tasks.fetching.fetch_pages import PageJob, fetch_pages
from tasks.fetching.http import Fetcher, FetchSettings
from tasks.fetching.polite import PoliteClient
from tasks.reading.parse_feed import FeedEntry
from tests.webfeeds import conditional, rss2

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.fixture
def client():
    settings = FetchSettings(allowed_addresses=frozenset({"127.0.0.1", "::1"}), backoff=0.01, retries=1, deadline=5)
    polite = PoliteClient(Fetcher(settings), min_delay=0.0)
    yield polite
    polite.fetcher.close()


def source_for(httpserver, path: str = "/feed.xml") -> Source:
    return Source(name="Test feed", feed=httpserver.url_for(path))


@pytest.mark.parametrize(("etag", "last_modified"), [(True, False), (False, True)])
def test_200_then_304_with_etag_or_last_modified(httpserver, client, etag, last_modified):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_handler(
        conditional(rss2(base, "t", 3), "application/rss+xml", use_etag=etag, use_last_modified=last_modified)
    )
    source = source_for(httpserver)
    first = fetch_feed(client, source, None, NOW)
    assert first.outcome == "fetched" and len(first.feed.entries) == 3
    assert first.state.etag is None  # validators wait for the entries to be committed
    state = commit_feed(first)
    assert (state.etag is not None) == etag and (state.last_modified is not None) == last_modified
    second = fetch_feed(client, source, state, NOW + timedelta(hours=1))
    assert second.outcome == "not_modified" and second.feed is None
    request = httpserver.log[-1][0]
    assert ("If-None-Match" in request.headers) == etag
    assert ("If-Modified-Since" in request.headers) == last_modified
    assert [r.status_code for _, r in httpserver.log] == [200, 304]


def test_a_permanent_move_updates_the_stored_url(httpserver, client):
    httpserver.expect_request("/feed.xml").respond_with_data("", status=301, headers={"Location": "/new.xml"})
    httpserver.expect_request("/new.xml").respond_with_data(
        rss2("http://x", "t", 1), content_type="application/rss+xml"
    )
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    assert result.outcome == "fetched"
    assert result.state.url == httpserver.url_for("/new.xml") and result.state.feed_key.endswith("/feed.xml")


def test_410_disables_the_feed(httpserver, client):
    httpserver.expect_request("/feed.xml").respond_with_data("gone", status=410)
    source = source_for(httpserver)
    gone = fetch_feed(client, source, None, NOW)
    assert gone.outcome == "gone" and gone.state.status == "gone"
    later = fetch_feed(client, source, commit_feed(gone), NOW + timedelta(days=1))
    assert later.outcome == "disabled" and len(httpserver.log) == 1


def test_429_retry_after_postpones_the_feed(httpserver, client):
    httpserver.expect_request("/feed.xml").respond_with_data("busy", status=429, headers={"Retry-After": "600"})
    source = source_for(httpserver)
    result = fetch_feed(client, source, None, NOW)
    assert result.outcome == "postponed"
    assert result.state.next_attempt_at == NOW + timedelta(seconds=600)
    assert result.state.consecutive_failures == 0
    soon = fetch_feed(client, source, commit_feed(result), NOW + timedelta(seconds=60))
    assert soon.outcome == "resting" and len(httpserver.log) == 1


def test_failures_in_a_row_rest_the_feed_and_a_success_resets(httpserver, client):
    httpserver.expect_request("/feed.xml").respond_with_data("broken", status=500)
    source = source_for(httpserver)
    state = None
    for attempt in range(3):
        result = fetch_feed(client, source, state, NOW + timedelta(minutes=attempt), failures_before_rest=3)
        assert result.outcome == "failed" and result.error == "HTTP 500"
        state = commit_feed(result)
    assert state.consecutive_failures == 3 and state.next_attempt_at == NOW + timedelta(minutes=2, hours=1)
    resting = fetch_feed(client, source, state, NOW + timedelta(minutes=30))
    assert resting.outcome == "resting"
    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(rss2("http://x", "t", 1), content_type="text/xml")
    healed = commit_feed(fetch_feed(client, source, state, NOW + timedelta(hours=2)))
    assert healed.consecutive_failures == 0 and healed.next_attempt_at is None and healed.last_error is None


def test_500_then_success_within_one_fetch(httpserver, client):
    httpserver.expect_ordered_request("/feed.xml").respond_with_data("oops", status=503)
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(rss2("http://x", "t", 2), content_type="text/xml")
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    assert result.outcome == "fetched" and len(result.feed.entries) == 2


def test_duplicate_guids_collapse(httpserver, client, fixtures):
    httpserver.expect_request("/feed.xml").respond_with_data(
        (fixtures / "feeds" / "rss2.xml").read_bytes(), content_type="application/rss+xml"
    )
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    keys = [e.key.rsplit("/", 1)[-1] for e in result.feed.entries]  # feedparser resolves relative GUIDs
    assert keys == ["rivertown-1001", "rivertown-1002", "rivertown-1003"]


def test_latin1_feed_over_http(httpserver, client, fixtures):
    httpserver.expect_request("/feed.xml").respond_with_data(
        (fixtures / "feeds" / "latin1.xml").read_bytes(), content_type="application/rss+xml; charset=ISO-8859-1"
    )
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    assert result.feed.entries[0].title == "Fête de la musique à Montélimar"


def test_an_html_page_is_not_a_feed(httpserver, client, fixtures):
    httpserver.expect_request("/feed.xml").respond_with_data(
        (fixtures / "bad" / "not-a-feed.rss").read_bytes(), content_type="text/html"
    )
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    assert result.outcome == "failed" and result.error.startswith("not a feed")


def test_entity_blowup_is_refused_fast(httpserver, client):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "x" * 10_000 + '"><!ENTITY b "' + "&a;" * 10_000
        + '">]><rss version="2.0"><channel><title>t</title><item><description>' + "&b;" * 100
        + "</description></item></channel></rss>"
    )  # fmt: skip
    httpserver.expect_request("/feed.xml").respond_with_data(bomb, content_type="application/rss+xml")
    started = time.monotonic()
    result = fetch_feed(client, source_for(httpserver), None, NOW)
    assert result.outcome == "failed" and "entities" in result.error
    assert time.monotonic() - started < 2


def job(url: str) -> PageJob:
    entry = FeedEntry(key=url, title="t", link=url, authors=[], published_at=None, categories=[], text="feed text")
    return PageJob(source="s", feed_key="f", feed_title="F", feed_url="f", entry=entry, entry_key=url, fetch=True)


@pytest.mark.parametrize(
    ("robots_status", "robots_body", "blocked", "status"),
    [
        (200, "User-agent: *\nDisallow: /private/\n", {"/private/a"}, "disallowed"),
        (200, "User-agent: newsflow\nDisallow: /*.php$\n", {"/page.php"}, "disallowed"),
        (403, "", {"/public/a", "/private/a", "/page.php"}, "disallowed"),
        (404, "", set(), None),
        (500, "", {"/public/a", "/private/a", "/page.php"}, "pending"),  # asked again next run
    ],
)
def test_robots_txt_rules(httpserver, client, robots_status, robots_body, blocked, status):
    httpserver.expect_request("/robots.txt").respond_with_data(robots_body, status=robots_status)
    for path in ("/public/a", "/private/a", "/page.php"):
        httpserver.expect_request(path).respond_with_data(
            "<html><body><p>page</p></body></html>", content_type="text/html"
        )
    paths = ["/public/a", "/private/a", "/page.php"]
    results = fetch_pages(client, [job(httpserver.url_for(p)) for p in paths], deadline=time.monotonic() + 30)
    assert {p for p, r in zip(paths, results) if r.robots_blocked} == blocked
    assert {p for p, r in zip(paths, results) if r.html} == set(paths) - blocked
    assert {r.page_status for r in results if r.robots_blocked} == ({status} if blocked else set())
    assert {r.page_status for r in results if r.html} <= {"fetched"}
    fetched = [request.path for request, _ in httpserver.log]
    assert fetched.count("/robots.txt") == (2 if robots_status >= 500 else 1)  # once per host (+1 retry on 5xx)
    assert not blocked & set(fetched)


def test_one_host_is_paced_and_crawl_delay_honoured(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 0.4\n")
    httpserver.expect_request("/a").respond_with_data("<p>a</p>", content_type="text/html")
    httpserver.expect_request("/b").respond_with_data("<p>b</p>", content_type="text/html")
    settings = FetchSettings(allowed_addresses=frozenset({"127.0.0.1", "::1"}))
    client = PoliteClient(Fetcher(settings), min_delay=0.1)
    started = time.monotonic()
    fetch_pages(client, [job(httpserver.url_for("/a")), job(httpserver.url_for("/b"))], time.monotonic() + 30)
    assert time.monotonic() - started >= 0.4 + 0.1  # robots → /a waits min_delay, /a → /b waits Crawl-delay


def test_pages_past_the_run_budget_are_not_started(httpserver, client):
    results = fetch_pages(client, [job(httpserver.url_for("/late"))], deadline=time.monotonic() - 1)
    assert results[0].error.startswith("run time budget") and len(httpserver.log) == 0
    assert results[0].page_status == "pending"  # tried again on the next run


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ({"status": 503, "headers": {"Retry-After": "1"}}, "pending"),
        ({"status": 500}, "pending"),
        ({"status": 429}, "pending"),
        ({"status": 404}, "failed"),
        ({"status": 410}, "failed"),
        ({"status": 200, "content_type": "image/png"}, "failed"),
        ({"status": 200, "content_type": "text/html"}, "fetched"),
    ],
)
def test_a_page_failure_is_pending_only_when_it_is_transient(httpserver, client, answer, status):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_data("<p>page</p>", **answer)
    (result,) = fetch_pages(client, [job(httpserver.url_for("/p"))], deadline=time.monotonic() + 30)
    assert result.page_status == status
    assert (result.html is not None) == (status == "fetched")


def test_a_timeout_is_pending_and_the_last_allowed_attempt_gives_up(httpserver):
    settings = FetchSettings(allowed_addresses=frozenset({"127.0.0.1"}), retries=0, read_timeout=0.2, deadline=1)
    client = PoliteClient(Fetcher(settings), min_delay=0.0)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/slow").respond_with_handler(lambda request: time.sleep(0.6) or "late")
    first, last = job(httpserver.url_for("/slow")), job(httpserver.url_for("/slow"))
    last.attempt = last.max_attempts = 3
    results = fetch_pages(client, [first, last], deadline=time.monotonic() + 30)
    client.fetcher.close()
    assert [r.page_status for r in results] == ["pending", "gave_up"]
    assert "gave up after 3 attempts" in results[1].error


def test_a_source_that_keeps_the_feed_text_fetches_nothing(httpserver, client):
    feed_only = job(httpserver.url_for("/never"))
    feed_only.fetch = False
    (result,) = fetch_pages(client, [feed_only], deadline=time.monotonic() + 30)
    assert result.page_status == "feed_only" and len(httpserver.log) == 0


def test_a_json_feed_over_http(httpserver, client):
    import json

    from tests.test_parse_feed import JSON_FEED

    httpserver.expect_request("/feed.json").respond_with_handler(
        conditional(json.dumps(JSON_FEED), "application/feed+json")
    )
    result = fetch_feed(client, source_for(httpserver, "/feed.json"), None, NOW)
    assert result.outcome == "fetched" and [e.title for e in result.feed.entries] == ["Ferry timetable cut",
                                                                                       "Harbour plan"]  # fmt: skip


def test_a_json_feed_1_0_over_http_with_author_language_and_a_malformed_item(httpserver, client):
    import json

    feed = {
        "version": "https://jsonfeed.org/version/1", "title": "Valley Post", "language": "en-GB",
        "author": {"name": "Valley Desk"},
        "items": [
            {"id": "v1", "url": "https://valley.example/1", "title": "Mill reopens",
             "content_text": "The old mill reopened on Monday after a year of repairs.",
             "date_published": "2026-11-29T10:00:00Z", "author": {"name": "Ana Ruiz"}, "tags": "lone string"},
            {"id": "v2", "url": "https://valley.example/2", "title": "Bridge vote", "language": "cy",
             "content_html": "<p>The council votes on the bridge tonight.</p>"},
            {"id": {"not": "a string"}, "title": 7},
            ["not", "an", "object"],
        ],
    }  # fmt: skip
    httpserver.expect_request("/v.json").respond_with_handler(conditional(json.dumps(feed), "application/json"))
    result = fetch_feed(client, source_for(httpserver, "/v.json"), None, NOW)
    assert result.outcome == "fetched" and result.feed.version == "json1"
    first, second = result.feed.entries[:2]
    assert first.authors == ["Ana Ruiz"] and first.language == "en" and first.categories == []
    assert second.authors == ["Valley Desk"] and second.language == "cy"
    assert second.text == "The council votes on the bridge tonight."
    assert "entry 4: ValueError: an item is not an object" in result.feed.unreadable
