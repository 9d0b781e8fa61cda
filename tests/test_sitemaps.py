"""News sitemaps, sitemap indexes and robots.txt `Sitemap:` lines as sources: parsed, screened, fetched
conditionally through the polite client, and their entries' pages loaded."""

from __future__ import annotations

import gzip
import json

import pytest

from flows.sources import sources_flow
from tasks.config import ConfigError, load_sources_file
from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import UnsafeFeed
from tasks.reading.sitemap import parse_sitemap
from tests.webfeeds import conditional, page_html
from warehouse.connect import open_warehouse

CAP = 1024 * 1024
NEWS_NS = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
)


def news_sitemap(base: str, numbers: range, lang: str = "en") -> str:
    urls = "".join(
        f"<url><loc>{base}/map/story-{n}</loc><news:news><news:publication><news:name>Map Gazette</news:name>"
        f"<news:language>{lang}</news:language></news:publication>"
        f"<news:publication_date>2025-09-3{n % 2}T08:00:00+02:00</news:publication_date>"
        f"<news:title>Map story {n}: harbour plan divides residents</news:title></news:news></url>"
        for n in numbers
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NEWS_NS}>{urls}</urlset>'


def index(*locations: str) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc><lastmod>2025-09-30</lastmod></sitemap>" for loc in locations)
    return (
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    )


def test_a_news_sitemap_gives_titles_dates_languages_and_the_publication():
    sitemap = parse_sitemap(news_sitemap("https://x.test", range(3), lang="en-GB").encode(), CAP)
    assert [e.link for e in sitemap.entries] == [f"https://x.test/map/story-{n}" for n in range(3)]
    first = sitemap.entries[0]
    assert first.title == "Map story 0: harbour plan divides residents" and first.text == first.title
    assert first.published_at.isoformat() == "2025-09-30T06:00:00+00:00" and first.language == "en"
    assert sitemap.publication == "Map Gazette" and sitemap.children == []


def test_an_index_lists_its_sitemaps_newest_first_and_gzip_is_read():
    data = gzip.compress(index("https://x.test/a.xml", "https://x.test/b.xml.gz", "ftp://x.test/c").encode())
    assert parse_sitemap(data, CAP).children == ["https://x.test/a.xml", "https://x.test/b.xml.gz"]
    dated = index("https://x.test/old.xml", "https://x.test/new.xml").replace(
        "<loc>https://x.test/new.xml</loc><lastmod>2025-09-30", "<loc>https://x.test/new.xml</loc><lastmod>2025-10-02"
    )
    assert parse_sitemap(dated.encode(), CAP).children == ["https://x.test/new.xml", "https://x.test/old.xml"]


def test_a_bad_url_costs_itself_and_a_url_listed_twice_is_one_entry():
    extra = "<url><loc>javascript:x</loc></url><url><loc>https://x.test/map/story-0</loc></url></urlset>"
    text = news_sitemap("https://x.test", range(2)).replace("</urlset>", extra)
    sitemap = parse_sitemap(text.encode(), CAP)
    assert len(sitemap.entries) == 2 and len(sitemap.unreadable) == 1 and "javascript:x" in sitemap.unreadable[0]


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<urlset><url><loc>https://x.test/&b;</loc></url></urlset>",
            UnsafeFeed,
            "entities",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE u SYSTEM "http://evil.test/x.dtd"><urlset/>', UnsafeFeed, "unsafe"),
        (gzip.compress(b"<urlset>" + b" " * (4 * CAP) + b"</urlset>"), UnreadableInput, "once decompressed"),
        (b"<rss><channel/></rss>", UnreadableInput, "root element is <rss>"),
        (b"\x1f\x8b not gzip at all", UnreadableInput, "cannot be read"),
        (b'<?xml version="1.0" encoding="hex"?><urlset/>', UnreadableInput, "not a sitemap"),
    ],
)
def test_hostile_or_wrong_sitemaps_are_refused_unparsed(data, error, message):
    with pytest.raises(error, match=message):
        parse_sitemap(data, CAP)


def test_a_site_needs_sitemaps_robots_and_one_kind_per_source(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "a"\nsite = "https://a.test/"\n'
        '[[sources]]\nname = "b"\nsitemap = "https://b.test/s.xml"\nfeed = "https://b.test/f.xml"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_sources_file(path)
    assert 'goes with `sitemaps = "robots"`' in str(raised.value) and "exactly one of" in str(raised.value)


def serve_sitemaps(httpserver, robots: str = "") -> str:
    """An index of two news sitemaps (one gzipped) of five stories each, every document answering 304 when asked
    with its ETag; returns the base URL."""
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data(robots or "User-agent: *\nAllow: /\n")
    httpserver.expect_request("/sitemap-index.xml").respond_with_handler(
        conditional(index(f"{base}/news-1.xml", f"{base}/news-2.xml.gz"), "application/xml")
    )
    httpserver.expect_request("/news-1.xml").respond_with_handler(
        conditional(news_sitemap(base, range(5)), "application/xml")
    )
    httpserver.expect_request("/news-2.xml.gz").respond_with_handler(
        conditional(gzip.compress(news_sitemap(base, range(5, 10)).encode()), "application/gzip")
    )
    for n in range(10):
        page = page_html(base, "map", n)
        httpserver.expect_request(f"/map/story-{n}").respond_with_data(page, content_type="text/html; charset=utf-8")
    return base


def sitemap_statuses(httpserver) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for request, response in httpserver.log:
        if request.path.endswith((".xml", ".gz")):
            found.setdefault(request.path, []).append(response.status_code)
    return found


def write_sources(tmp_path, body: str) -> str:
    path = tmp_path / "sources.toml"
    path.write_text('allow_addresses = ["127.0.0.1", "::1"]\nmin_delay = 0.0\n' + body)
    return str(path)


@pytest.mark.usefixtures("prefect_harness")
def test_a_sitemap_index_is_followed_and_answers_304_on_the_second_run(httpserver, tmp_path, db):
    base = serve_sitemaps(httpserver)
    sources = write_sources(tmp_path, f'[[sources]]\nname = "map"\nsitemap = "{base}/sitemap-index.xml"\n')
    first = sources_flow(sources_file=sources, db=db, workers=1)
    assert first["new"] == 10 and first["failed"] == 0
    with open_warehouse(db) as con:
        rows = con.execute("select url, title, published_at, input_format, body from articles order by url").fetchall()
        states = con.execute("select feed_key, etag is not null from feed_state order by 1").fetchall()
    assert len(rows) == 10 and all(r[3] == "html" and "planning committee met" in r[4] for r in rows)
    assert [k for k, _ in states] == [f"{base}/sitemap-index.xml", f"sitemap:map:{base}/news-1.xml",
                                      f"sitemap:map:{base}/news-2.xml.gz"]  # fmt: skip
    assert all(has_etag for _, has_etag in states)

    httpserver.clear_log()
    second = sources_flow(sources_file=sources, db=db, workers=1)
    assert second["new"] == 0 and second["read"] == 0
    assert sitemap_statuses(httpserver) == {"/sitemap-index.xml": [304], "/news-1.xml": [304], "/news-2.xml.gz": [304]}
    assert second["feeds"]["map"] == {"not_modified": 1}


@pytest.mark.usefixtures("prefect_harness")
def test_sitemaps_from_robots_txt_and_a_hostile_sitemap_costs_only_itself(httpserver, tmp_path, db):
    base = httpserver.url_for("").rstrip("/")
    serve_sitemaps(httpserver, robots=f"User-agent: *\nDisallow: /map/story-9\nSitemap: {base}/news-1.xml\n"
                                      f"Sitemap: {base}/news-2.xml.gz\nSitemap: {base}/bomb.xml\n"
                                      f"Sitemap: {base}/zip-bomb.xml.gz\n")  # fmt: skip
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><urlset>&b;</urlset>'
    httpserver.expect_request("/bomb.xml").respond_with_data(bomb, content_type="application/xml")
    zipped = gzip.compress(b"<urlset>" + b" " * (64 * 2**20) + b"</urlset>", compresslevel=1)  # 64 MiB inside
    httpserver.expect_request("/zip-bomb.xml.gz").respond_with_data(zipped, content_type="application/gzip")
    sources = write_sources(tmp_path, f'[[sources]]\nname = "site"\nsite = "{base}/"\nsitemaps = "robots"\n')
    result = sources_flow(sources_file=sources, db=db, workers=1)
    assert result["new"] == 10  # story-9's page is disallowed: its headline is kept
    with open_warehouse(db) as con:
        counts = json.loads(con.execute("select counts from runs").fetchone()[0])
        kept = con.execute("select body from articles where url like '%story-9'").fetchall()
    assert kept == [("Map story 9: harbour plan divides residents",)]
    assert counts["feeds"]["site"]["robots_blocked"] == 1
    assert any("bomb.xml" in s["source_uri"] or "bomb.xml" in s["reason"] for s in result["skips"])
    assert any("entities" in s["reason"] for s in result["skips"])
    assert any("zip-bomb.xml.gz" in s["reason"] and "once decompressed" in s["reason"] for s in result["skips"])


@pytest.mark.usefixtures("prefect_harness")
def test_an_index_naming_another_sources_sitemap_leaves_that_sources_row_alone(httpserver, tmp_path, db):
    base = serve_sitemaps(httpserver)
    sources = write_sources(
        tmp_path,
        f'[[sources]]\nname = "one"\nsitemap = "{base}/news-1.xml"\n'
        f'[[sources]]\nname = "all"\nsitemap = "{base}/sitemap-index.xml"\n',
    )
    result = sources_flow(sources_file=sources, db=db, workers=1)
    assert result["failed"] == 0 and result["new"] == 10
    with open_warehouse(db) as con:
        own = con.execute("select source, entries_taken, etag is not null from feed_state where feed_key = ?",
                          [f"{base}/news-1.xml"]).fetchall()  # fmt: skip
        child = con.execute("select source, url from feed_state where feed_key like 'sitemap:all:%' order by 1, 2")
        children = child.fetchall()
    assert own[0][0] == "one" and own[0][2]  # still the first source's row, with its validators
    assert children == [("all", f"{base}/news-1.xml"), ("all", f"{base}/news-2.xml.gz")]
