"""Feeds and pages for tests against a real HTTP server: RSS 2.0, Atom 1.0 and RSS 1.0 of N article links,
served with ETag / Last-Modified and answered 304 when the client already has them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from werkzeug import Request, Response

ARTICLE = (Path(__file__).parent / "fixtures" / "web" / "article.html").read_text()
LAST_MODIFIED = "Wed, 01 Oct 2025 08:00:00 GMT"


def page_html(base: str, feed: str, number: int) -> str:
    title = f"{feed.upper()} story {number}: harbour plan divides residents"
    return ARTICLE.format(
        title=title, url=f"{base}/{feed}/story-{number}", date="2025-09-30T10:00:00Z", author="Kim Lee",
        lead=f"Residents of the harbour district packed a public meeting about plan {number} of the {feed} series.",
        number=number,
    )  # fmt: skip


def items(base: str, feed: str, count: int) -> list[dict]:
    start = datetime(2025, 9, 30, 12, tzinfo=UTC)
    return [
        {
            "title": f"{feed.upper()} story {n}: harbour plan divides residents",
            "link": f"{base}/{feed}/story-{n}",
            "guid": f"{feed}-{n}",
            "date": start - timedelta(hours=n),
            "summary": f"Short summary of {feed} story {n}.",
        }
        for n in range(count)
    ]


def rss2(base: str, feed: str, count: int) -> str:
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link><guid>{i['guid']}</guid>"
        f"<pubDate>{format_datetime(i['date'])}</pubDate><description>{escape(i['summary'])}</description></item>"
        for i in items(base, feed, count)
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed} feed</title><link>{base}/</link>'
    return f"{head}{entries}</channel></rss>"


def atom(base: str, feed: str, count: int) -> str:
    entries = "".join(
        f'<entry><title>{escape(i["title"])}</title><link rel="alternate" href="{i["link"]}"/><id>urn:{i["guid"]}</id>'
        f"<updated>{i['date'].isoformat()}</updated><summary>{escape(i['summary'])}</summary></entry>"
        for i in items(base, feed, count)
    )
    return (
        f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{feed} feed</title>'
        f"<id>urn:{feed}</id><updated>2025-09-30T12:00:00Z</updated>{entries}</feed>"
    )


def rss1(base: str, feed: str, count: int) -> str:
    listed = items(base, feed, count)
    seq = "".join(f'<rdf:li rdf:resource="{i["link"]}"/>' for i in listed)
    entries = "".join(
        f'<item rdf:about="{i["link"]}"><title>{escape(i["title"])}</title><link>{i["link"]}</link>'
        f"<description>{escape(i['summary'])}</description><dc:date>{i['date'].isoformat()}</dc:date></item>"
        for i in listed
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{base}/"><title>{feed} feed</title><link>{base}/</link><description>d</description>'
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{entries}</rdf:RDF>"
    )


def conditional(body: str | bytes, content_type: str, use_etag: bool = True, use_last_modified: bool = True):
    """A handler answering 304 to a matching If-None-Match / If-Modified-Since, else 200 with validators."""
    data = body.encode() if isinstance(body, str) else body
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'

    def handler(request: Request) -> Response:
        if use_etag and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        if use_last_modified and not use_etag and request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return Response(status=304)
        headers = {}
        if use_etag:
            headers["ETag"] = etag
        if use_last_modified:
            headers["Last-Modified"] = LAST_MODIFIED
        return Response(data, content_type=content_type, headers=headers)

    return handler


def serve_site(httpserver, count: int = 30) -> dict[str, str]:
    """Three feeds (RSS 2.0, Atom 1.0, RSS 1.0) of `count` pages each, robots.txt 404; returns feed URLs."""
    base = httpserver.url_for("").rstrip("/")
    builders = {"rss2": (rss2, "application/rss+xml"), "atom": (atom, "application/atom+xml"),
                "rss1": (rss1, "application/rdf+xml")}  # fmt: skip
    urls = {}
    for name, (build, content_type) in builders.items():
        httpserver.expect_request(f"/{name}.xml").respond_with_handler(
            conditional(build(base, name, count), content_type)
        )
        for n in range(count):
            httpserver.expect_request(f"/{name}/story-{n}").respond_with_data(
                page_html(base, name, n), content_type="text/html; charset=utf-8"
            )
        urls[name] = f"{base}/{name}.xml"
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    return urls


def page_requests(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log if "/story-" in request.path]


def feed_responses(httpserver) -> list[int]:
    return [response.status_code for request, response in httpserver.log if request.path.endswith(".xml")]
