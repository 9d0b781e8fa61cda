"""The sources flow end to end: three real feeds of 30 pages on 127.0.0.1, run twice under Prefect."""

import json
from pathlib import Path

import duckdb
import pytest

from flows.sources import sources_flow
from tasks.config import ConfigError as SourcesError
from tasks.config import load_sources_file as load_sources
from tests.webfeeds import feed_responses, page_html, page_requests, rss2, serve_site
from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths


def write_sources(tmp_path, urls: dict[str, str], extra: str = "") -> str:
    lines = ['allow_addresses = ["127.0.0.1", "::1"]', "min_delay = 0.0", extra]
    for name, url in urls.items():
        lines += ["[[sources]]", f'name = "{name}"', f'feed = "{url}"']
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.usefixtures("prefect_harness")
def test_three_feeds_twice_full_pages_then_all_304(httpserver, tmp_path, db, capsys):
    """`newsflow run --sources FILE` twice: 90 full pages, then three 304s and no page fetched again."""
    from flows.cli import main

    urls = serve_site(httpserver, count=30)
    sources = write_sources(tmp_path, urls)
    assert main(["run", "--sources", sources, "--db", db]) == 0
    assert "new 90, duplicate 0, skipped 0, failed 0" in capsys.readouterr().out
    assert feed_responses(httpserver) == [200, 200, 200]
    assert len(page_requests(httpserver)) == 90
    with open_warehouse(db) as con:
        rows = con.execute("select source, title, body, url, input_format from articles").fetchall()
        states = con.execute("select feed_key, etag, last_modified, consecutive_failures from feed_state").fetchall()
        counts = json.loads(con.execute("select counts from runs").fetchone()[0])
    assert len(rows) == 90
    assert all(fmt == "html" and "planning committee met on Tuesday" in body for _, _, body, _, fmt in rows)
    assert all(body.startswith("Residents of the harbour district") for _, _, body, _, _ in rows)
    assert {source for source, *_ in rows} == {"rss2", "atom", "rss1"}
    assert len(states) == 3 and all(etag and modified and failures == 0 for _, etag, modified, failures in states)
    assert counts["feeds"]["atom"]["new"] == 30 and counts["feeds"]["rss1"]["pages_fetched"] == 30

    httpserver.clear_log()
    assert main(["run", "--sources", sources, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "read 0, new 0, duplicate 0, skipped 0, failed 0" in out
    assert all(f"  {name}: not_modified 1" in out for name in urls)
    assert feed_responses(httpserver) == [304, 304, 304]
    assert page_requests(httpserver) == []
    with open_warehouse(db) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 90


@pytest.mark.usefixtures("prefect_harness")
def test_changed_feed_fetches_only_new_entries_and_blocked_pages_keep_feed_text(httpserver, tmp_path, db):
    urls = serve_site(httpserver, count=3)
    sources = write_sources(tmp_path, {"rss2": urls["rss2"]})
    sources_flow(sources_file=sources, db=db)
    # the feed changes (new ETag, two new items); robots.txt now forbids story pages
    httpserver.clear()
    more = serve_site(httpserver, count=5)
    httpserver.clear_log()
    result = sources_flow(sources_file=sources, db=db)
    assert result["new"] == 2 and feed_responses(httpserver) == [200]
    assert sorted(page_requests(httpserver)) == ["/rss2/story-3", "/rss2/story-4"]
    assert more["rss2"] == urls["rss2"]


@pytest.mark.usefixtures("prefect_harness")
def test_robots_blocked_pages_and_failed_pages_keep_the_entry(httpserver, tmp_path, db):
    base = httpserver.url_for("").rstrip("/")
    from tests.webfeeds import conditional, rss2

    httpserver.expect_request("/feed.xml").respond_with_handler(conditional(rss2(base, "p", 3), "text/xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /p/story-1\n")
    httpserver.expect_request("/p/story-0").respond_with_data("missing", status=404)
    page = "<html><body><article><p>" + "Page text. " * 60 + "</p></article></body></html>"
    httpserver.expect_request("/p/story-2").respond_with_data(page, content_type="text/html")
    result = sources_flow(sources_file=write_sources(tmp_path, {"p": f"{base}/feed.xml"}), db=db)
    feed = result["feeds"]["p"]
    assert feed["robots_blocked"] == 1 and feed["page_failed"] == 1 and feed["pages_fetched"] == 1
    assert result["new"] == 3 and result["failed"] == 1  # the 404 page is counted; its entry is kept
    with open_warehouse(db) as con:
        bodies = dict(con.execute("select url, body from articles").fetchall())
    assert bodies[f"{base}/p/story-1"] == "Short summary of p story 1."
    assert bodies[f"{base}/p/story-2"].startswith("Page text.")


def test_sources_file_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeed = "ftp://example.com/feed"\n')
    with pytest.raises(SourcesError, match="http"):
        load_sources(bad)
    bad.write_text('[[sources]]\nname = "x"\n')
    with pytest.raises(SourcesError, match="exactly one"):
        load_sources(bad)
    bad.write_text('speed = 3\n[[sources]]\nname = "x"\npath = "."\n')
    with pytest.raises(SourcesError, match="speed: unknown key"):
        load_sources(bad)
    bad.write_text("this is = not toml =")
    with pytest.raises(SourcesError, match="not valid TOML"):
        load_sources(bad)


def test_shipped_sources_files_load():
    from pathlib import Path

    samples = Path(__file__).parent.parent / "samples"
    world = load_sources(samples / "sources-world.toml")
    assert len(world.sources) >= 8 and all(s.feed.startswith("https://") for s in world.sources)
    assert world.allow_private_networks is False
    demo = load_sources(samples / "sources-demo.toml")
    assert demo.sources[0].path == str(samples.resolve())


SNAPSHOT = (
    "select a.article_id, a.url, a.source, a.title, a.body, a.authors, a.published_at, a.language, a.content_hash,"
    " a.cluster_id, a.fetched_at, a.raw_feed_id, a.raw_page_id, a.tagger_version,"
    " (select list((t.topic, t.score) order by t.topic) from article_topics t where t.article_id = a.article_id),"
    " (select list((p.country_code, p.mentions) order by p.country_code) from article_places p"
    "  where p.article_id = a.article_id)"
    " from articles a order by a.article_id"
)


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_rebuilds_from_the_raw_store_offline(httpserver, tmp_path, db):
    from flows.backfill import backfill_flow

    urls = serve_site(httpserver, count=4)
    sources_flow(sources_file=write_sources(tmp_path, {"rss2": urls["rss2"], "atom": urls["atom"]}), db=db)
    with open_warehouse(db) as con:
        before = con.execute(SNAPSHOT).fetchall()
    with duckdb.connect(str(warehouse_paths(db).raw), read_only=True) as raw:  # the pipeline's private raw store
        kinds = dict(raw.execute("select kind, count(*) from raw_documents group by kind").fetchall())
    assert len(before) == 8 and kinds == {"feed": 2, "page": 8}
    httpserver.stop()  # the network is gone
    try:
        result = backfill_flow(since="2020-01-01", until="2100-01-01", by="fetched", db=db)
    finally:
        httpserver.start()  # the server is the session's: later tests need it back
    assert result["read"] == 8 and result["new"] == 0 and result["failed"] == 0
    assert result["extra"]["unchanged"] == 8 and result["extra"]["refreshed"] == 0  # rebuilt exactly
    with open_warehouse(db) as con:
        after = con.execute(SNAPSHOT).fetchall()
        updated = con.execute("select count(*) from articles where updated_at is not null").fetchall()[0][0]
    assert after == before and updated == 0


def test_allow_addresses_take_cidr_ranges_and_a_bad_one_is_named(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        'allow_addresses = ["10.0.0.0/8", "fd00::1"]\n[[sources]]\nname = "a"\nfeed = "http://x.example/f"\n'
    )
    assert load_sources(path).allow_addresses == ["10.0.0.0/8", "fd00::1"]
    path.write_text('allow_addresses = ["10.0.0.0/8", "intranet"]\n')
    with pytest.raises(SourcesError, match="allow_addresses: not an IP address or CIDR range: 'intranet'"):
        load_sources(path)


@pytest.mark.usefixtures("prefect_harness")
def test_entries_beyond_max_entries_wait_for_the_next_runs_even_behind_a_304(httpserver, tmp_path, db):
    urls = serve_site(httpserver, count=5)
    sources = write_sources(tmp_path, {"rss2": urls["rss2"]})
    sources = Path(sources)
    sources.write_text(sources.read_text() + "max_entries = 2\n")
    taken, pending = [], []
    for _ in range(4):
        result = sources_flow(sources_file=str(sources), db=db)
        taken.append(result["new"])
        pending.append(result["feeds"]["rss2"].get("pending", 0))
    assert taken == [2, 2, 1, 0] and pending == [3, 1, 0, 0]
    assert feed_responses(httpserver)[-1] == 304  # validators stored once nothing was left behind
    with open_warehouse(db) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 5


def bumping_feed(base: str, count: int):
    """A feed that ignores validators and stamps a new lastBuildDate on every answer, entries unchanged."""
    from itertools import count as counter

    from werkzeug import Response

    served = counter()
    body = rss2(base, "bump", count)

    def handler(request):
        stamp = f"<lastBuildDate>Mon, 01 Dec 2025 {next(served) % 24:02d}:00:00 GMT</lastBuildDate>"
        return Response(body.replace("<channel>", f"<channel>{stamp}", 1), content_type="application/rss+xml")

    return handler


def raw_rows(db: str) -> int:
    with duckdb.connect(str(warehouse_paths(db).raw), read_only=True) as raw:
        return raw.execute("select count(*) from raw_documents").fetchone()[0]


@pytest.mark.usefixtures("prefect_harness")
def test_an_unchanged_feed_that_bumps_last_build_date_does_not_grow_the_raw_store(httpserver, tmp_path, db):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/bump.xml").respond_with_handler(bumping_feed(base, 3))
    for n in range(3):
        httpserver.expect_request(f"/bump/story-{n}").respond_with_data(page_html(base, "bump", n),
                                                                         content_type="text/html")  # fmt: skip
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    sources = write_sources(tmp_path, {"bump": f"{base}/bump.xml"})
    first = sources_flow(sources_file=sources, db=db)
    stored = raw_rows(db)
    assert first["new"] == 3 and stored == 4  # the feed body and three pages
    for _ in range(4):
        again = sources_flow(sources_file=sources, db=db)
        assert again["feeds"]["bump"] == {"unchanged": 1}
    assert raw_rows(db) == stored


def flaky_page(base: str, failures: int, status: int = 503):
    """A page answering `status` to its first `failures` requests, then the full page."""
    from werkzeug import Response

    served = []

    def handler(request):
        served.append(1)
        if len(served) <= failures:
            return Response("busy", status=status, headers={"Retry-After": "1"} if status == 503 else {})
        return Response(page_html(base, "p", 1), content_type="text/html")

    return handler


TABLES = ("articles", "article_topics", "article_places", "sightings", "feed_entries")  # feed_state: fetch times


def snapshot_tables(db: str) -> dict[str, list]:
    with open_warehouse(db) as con:
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in TABLES}


@pytest.mark.usefixtures("prefect_harness")
def test_a_page_that_failed_transiently_is_retried_and_upgrades_its_article_in_place(httpserver, tmp_path, db):
    """Run 1: story-1 answers 503 and story-2 500, both kept with the feed's text and left pending. Run 2: the
    feed answers 304, story-1 arrives and rewrites its article (same id), story-2 fails its last allowed attempt
    and is given up. Run 3 fetches no page and changes nothing."""
    from tests.webfeeds import conditional

    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_handler(conditional(rss2(base, "p", 3), "text/xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p/story-0").respond_with_data(page_html(base, "p", 0), content_type="text/html")
    httpserver.expect_request("/p/story-1").respond_with_handler(flaky_page(base, failures=1))
    httpserver.expect_request("/p/story-2").respond_with_data("down", status=500)
    sources = write_sources(tmp_path, {"p": f"{base}/feed.xml"}, extra="page_attempts = 2")

    first = sources_flow(sources_file=sources, db=db)
    assert first["new"] == 3
    assert first["feeds"]["p"]["pages_fetched"] == 1 and first["feeds"]["p"]["pages_pending"] == 2
    with open_warehouse(db) as con:
        pending = dict(con.execute("select page_url, (page_status, page_attempts) from feed_entries").fetchall())
        before = con.execute("select article_id, body from articles where url like '%story-1'").fetchone()
    assert pending == {f"{base}/p/story-0": ("fetched", 1), f"{base}/p/story-1": ("pending", 1),
                       f"{base}/p/story-2": ("pending", 1)}  # fmt: skip
    assert before[1] == "Short summary of p story 1."

    httpserver.clear_log()
    second = sources_flow(sources_file=sources, db=db)
    assert feed_responses(httpserver) == [304]
    assert sorted(set(page_requests(httpserver))) == ["/p/story-1", "/p/story-2"]
    feed = second["feeds"]["p"]
    assert feed["not_modified"] == 1 and feed["pages_upgraded"] == 1 and feed["pages_given_up"] == 1
    assert second["new"] == 0 and second["extra"]["refreshed"] == 1
    with open_warehouse(db) as con:
        after = con.execute("select article_id, body, raw_page_id, updated_at from articles where url like '%story-1'"
                            ).fetchall()  # fmt: skip
        states = dict(con.execute("select page_url, (page_status, page_attempts) from feed_entries").fetchall())
        assert con.execute("select count(*) from articles").fetchone()[0] == 3
    assert len(after) == 1 and after[0][0] == before[0]  # upgraded in place: the same article
    assert "planning committee met on Tuesday" in after[0][1] and after[0][2] and after[0][3]
    assert states[f"{base}/p/story-1"] == ("fetched", 2) and states[f"{base}/p/story-2"] == ("gave_up", 2)

    settled = snapshot_tables(db)
    httpserver.clear_log()
    third = sources_flow(sources_file=sources, db=db)
    assert page_requests(httpserver) == [] and third["feeds"]["p"] == {"not_modified": 1}
    assert snapshot_tables(db) == settled


@pytest.mark.usefixtures("prefect_harness")
def test_a_challenge_page_leaves_the_entry_with_the_feed_text_and_is_counted_blocked(httpserver, tmp_path, db, capsys):
    from flows.cli import main
    from tests.test_blocked import CHALLENGE
    from tests.webfeeds import conditional

    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_handler(conditional(rss2(base, "p", 2), "text/xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p/story-0").respond_with_data(page_html(base, "p", 0), content_type="text/html")
    httpserver.expect_request("/p/story-1").respond_with_data(CHALLENGE, content_type="text/html")
    result = sources_flow(sources_file=write_sources(tmp_path, {"p": f"{base}/feed.xml"}), db=db)
    assert result["new"] == 2 and result["feeds"]["p"]["blocked"] == 1
    with open_warehouse(db) as con:
        body = con.execute("select body from articles where url like '%story-1'").fetchone()[0]
        status = con.execute(
            "select page_status, page_error from feed_entries where page_url like '%story-1'"
        ).fetchone()
    assert body == "Short summary of p story 1."  # not "Just a moment..."
    assert status == ("blocked", "blocked page: a bot challenge, not an article")
    assert main(["status", "--db", db]) == 0
    lines = capsys.readouterr().out.split("\n")
    header = next(line for line in lines if line.startswith("source"))
    row = next(line for line in lines if line.startswith("p "))
    column = header.split().index("pages_blocked")
    assert row.split()[column] == "1"


@pytest.mark.usefixtures("prefect_harness")
def test_pending_pages_that_shared_a_teaser_or_arrive_by_redirect_get_their_own_articles(httpserver, tmp_path, db):
    """Two entries with one feed text were one article; when their pages arrive each gets its own. A page that
    arrives through a redirect to a URL declaring the entry's link canonical upgrades its article in place."""
    from werkzeug import Response

    from tests.webfeeds import conditional

    base = httpserver.url_for("").rstrip("/")
    phase = {"run": 1}
    teaser = "Continue reading the full story on our site."
    items = "".join(f"<item><title>M story {n}</title><link>{base}/m/story-{n}</link><guid>m-{n}</guid>"
                    f"<description>{teaser}</description></item>" for n in range(2))  # fmt: skip
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>m</title>{items}</channel></rss>'
    httpserver.expect_request("/m.xml").respond_with_handler(conditional(feed, "text/xml"))
    httpserver.expect_request("/r.xml").respond_with_handler(conditional(rss2(base, "r", 1), "text/xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)

    def later(page: str, redirect: str | None = None):
        def handler(request):
            if phase["run"] == 1:
                return Response("busy", status=500)
            if redirect and not request.path.endswith("/"):
                return Response(status=301, headers={"Location": redirect})
            return Response(page, content_type="text/html")

        return handler

    for n in range(2):
        httpserver.expect_request(f"/m/story-{n}").respond_with_handler(later(page_html(base, "m", n)))
    httpserver.expect_request("/r/story-0").respond_with_handler(later("", redirect=f"{base}/r/story-0/"))
    httpserver.expect_request("/r/story-0/").respond_with_handler(later(page_html(base, "r", 0)))
    sources = write_sources(tmp_path, {"m": f"{base}/m.xml", "r": f"{base}/r.xml"}, extra="retries = 0")

    first = sources_flow(sources_file=sources, db=db)
    assert first["new"] == 2  # the two teasers are one article, and r's
    with open_warehouse(db) as con:
        before = dict(con.execute("select url, article_id from articles").fetchall())
    phase["run"] = 2
    second = sources_flow(sources_file=sources, db=db)
    assert second["failed"] == 0, second["skips"]
    with open_warehouse(db) as con:
        bodies = dict(con.execute("select url, body from articles").fetchall())
        entries = con.execute("select entry_key, page_status, article_id from feed_entries order by 1").fetchall()
    assert "plan 0 of the m series" in bodies[f"{base}/m/story-0"] and "plan 1 of the m series" in bodies[
        f"{base}/m/story-1"]  # fmt: skip
    assert len({article for _, _, article in entries}) == 3 and {s for _, s, _ in entries} == {"fetched"}
    r_article = next(a for key, _, a in entries if key.endswith("r-0"))  # feedparser resolves a path-like GUID
    assert r_article == before[f"{base}/r/story-0"] and "plan 0 of the r series" in bodies[f"{base}/r/story-0"]
    assert len(bodies) == 3  # no second copy of r's story
