"""Analysts and schedules never block each other: the published file opens read-only at any moment of a run,
a reader holding it open never stops a writer, and writers take turns, saying who they wait for."""

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from werkzeug import Response

from tests.webfeeds import rss2
from warehouse.connect import ensure_published, open_warehouse
from warehouse.layout import warehouse_paths

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
READER = Path(__file__).parent / "reader.py"
ARTICLE = (Path(__file__).parent / "fixtures" / "web" / "article.html").read_text()
COUNT = "select count(*) from articles"


def newsflow(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "newsflow"), *args], env=kwargs.pop("env", ENV), capture_output=True,
                          text=True, timeout=kwargs.pop("timeout", 300), **kwargs)  # fmt: skip


def count_articles(db: Path) -> int:
    with open_warehouse(db) as con:
        return con.execute(COUNT).fetchone()[0]


class Reader:
    """A process that keeps the published file open for as long as the test runs."""

    def __init__(self, db: Path):
        self.process = subprocess.Popen([sys.executable, str(READER), str(db)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def ask(self, sql: str):
        self.process.stdin.write(sql + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def slow_site(httpserver, feeds: int, pages: int, delay: float) -> list[str]:
    """`feeds` RSS feeds of `pages` article pages each; every page answers after `delay` seconds."""
    base = httpserver.url_for("").rstrip("/")

    def slow_page(request):
        time.sleep(delay)
        feed, number = request.path.strip("/").split("/story-")
        title = f"{feed.upper()} story {number}: harbour plan divides residents"
        body = ARTICLE.format(title=title, url=f"{base}{request.path}", date="2025-09-30T10:00:00Z",
                              author="Kim Lee", number=number,
                              lead=f"Residents of ward {number} packed a meeting about the {feed} plan.")  # fmt: skip
        return Response(body, content_type="text/html; charset=utf-8")

    urls = []
    for index in range(feeds):
        name = f"feed{index}"
        httpserver.expect_request(f"/{name}.xml").respond_with_data(
            rss2(base, name, pages), content_type="application/rss+xml"
        )
        for number in range(pages):
            httpserver.expect_request(f"/{name}/story-{number}").respond_with_handler(slow_page)
        urls.append(f"{base}/{name}.xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    return urls


def write_sources(path: Path, urls: list[str]) -> Path:
    lines = ['allow_addresses = ["127.0.0.1", "::1"]', "min_delay = 0.0", "feeds_per_batch = 1"]
    for index, url in enumerate(urls):
        lines += ["[[sources]]", f'name = "feed{index}"', f'feed = "{url}"']
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_read_succeeds_while_a_slow_sources_run_writes(httpserver, tmp_path):
    """A sources run of > 20 s; every 0.5 s another process opens the --db file, by `newsflow sql` and by
    duckdb.connect(read_only=True) in turn: no attempt is refused and the count never goes down."""
    db = tmp_path / "news.duckdb"
    sources = write_sources(tmp_path / "sources.toml", slow_site(httpserver, feeds=3, pages=8, delay=0.9))
    started = time.monotonic()
    run = subprocess.Popen([str(BIN / "newsflow"), "run", "--sources", str(sources), "--db", str(db)], env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    seen, failures, attempt = [], [], 0
    try:
        while run.poll() is None:
            if db.exists():
                attempt += 1
                try:
                    if attempt % 2:
                        done = newsflow("sql", COUNT, "--db", str(db), "--format", "csv", timeout=60)
                        assert done.returncode == 0, done.stderr
                        seen.append(int(done.stdout.split()[1]))
                    else:
                        with duckdb.connect(str(db), read_only=True) as con:
                            seen.append(con.execute(COUNT).fetchone()[0])
                except (AssertionError, duckdb.Error) as error:
                    failures.append(str(error))
            time.sleep(0.5)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    took = time.monotonic() - started
    assert run.returncode == 0, err
    assert "new 24" in out
    assert took > 20
    assert failures == []
    assert len(seen) >= 20
    assert seen == sorted(seen)  # never down
    assert len(set(seen)) > 0  # several publishes were seen during the run
    assert count_articles(db) == 24


@pytest.mark.usefixtures("prefect_harness")
def test_a_reader_holding_the_file_open_never_stops_a_writer(tmp_path):
    from flows.ingest import ingest_flow

    db = tmp_path / "news.duckdb"
    ensure_published(db)
    reader = Reader(db)
    try:
        assert reader.ask(COUNT) == {"rows": [[0]]}
        done = newsflow("ingest", str(ROOT / "samples" / "text"), "--db", str(db))
        assert done.returncode == 0, done.stderr
        after_cli = count_articles(db)  # a fresh connection sees the new rows
        assert after_cli == 7
        ingest_flow(paths=[str(ROOT / "samples" / "html")], db=str(db))
        assert count_articles(db) > after_cli
        assert reader.ask(COUNT) == {"rows": [[0]]}  # the old connection still answers, from its snapshot
    finally:
        reader.close()


def test_two_writers_at_once_equal_one_clean_run(tmp_path):
    db, clean = tmp_path / "both.duckdb", tmp_path / "clean.duckdb"
    both = [subprocess.Popen([str(BIN / "newsflow"), "ingest", str(ROOT / "samples"), "--db", str(db)], env=ENV,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    results = [p.communicate(timeout=300) for p in both]
    assert [p.returncode for p in both] == [0, 0], results
    assert newsflow("ingest", str(ROOT / "samples"), "--db", str(clean)).returncode == 0
    tables = ("articles", "article_topics", "article_places", "sightings", "article_bands", "near_duplicates")
    for table in tables:
        key = "article_id, url, source_uri" if table == "sightings" else "*"
        exclude = " exclude (run_id, ingested_at)" if table == "articles" else ""
        sql = f"select {key}{exclude if key == '*' else ''} from {table} order by all"
        with open_warehouse(db) as con:
            got = con.execute(sql).fetchall()
        with open_warehouse(clean) as con:
            want = con.execute(sql).fetchall()
        assert got == want, table
    with open_warehouse(db) as con:
        runs = con.execute("select status, new from runs order by new").fetchall()
    assert [status for status, _ in runs] == ["completed", "completed"] and sum(n for _, n in runs) == 33


HOLD = """
import sys, time
from pathlib import Path
from warehouse.lock import writer_lock
with writer_lock(sys.argv[1], "backfill run 42"):
    Path(sys.argv[2]).touch()
    time.sleep(float(sys.argv[3]))
"""


def hold_lock(db: Path, marker: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(marker), str(seconds)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert time.monotonic() < deadline and holder.poll() is None
        time.sleep(0.05)
    return holder


def test_a_writer_waits_naming_the_holder_then_completes(tmp_path):
    db = tmp_path / "news.duckdb"
    ensure_published(db)
    holder = hold_lock(db, tmp_path / "held", 6)
    try:
        done = newsflow("ingest", str(ROOT / "samples" / "text"), "--db", str(db))
    finally:
        holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "waiting for the warehouse: backfill run 42 (pid" in done.stderr and " since 20" in done.stderr
    assert count_articles(db) == 7


def test_the_wait_is_bounded_by_the_setting(tmp_path):
    db = tmp_path / "news.duckdb"
    ensure_published(db)
    (tmp_path / "a.txt").write_text("Harbour board approves ferry budget\n\nThe harbour board approved it.\n")
    holder = hold_lock(db, tmp_path / "held", 30)
    try:
        done = newsflow("ingest", str(tmp_path / "a.txt"), "--db", str(db),
                        env={**ENV, "NEWSFLOW_LOCK_WAIT_SECONDS": "1"})  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "stayed locked for 1s by backfill run 42" in done.stderr and "Traceback" not in done.stderr
    bad = newsflow(
        "ingest", str(tmp_path / "a.txt"), "--db", str(db), env={**ENV, "NEWSFLOW_LOCK_WAIT_SECONDS": "soon"}
    )
    assert bad.returncode == 2 and "NEWSFLOW_LOCK_WAIT_SECONDS" in bad.stderr


def test_a_stale_lock_of_a_killed_writer_is_taken_over(tmp_path, caplog):
    from warehouse.lock import lock_holder, writer_lock

    db = tmp_path / "news.duckdb"
    holder = hold_lock(db, tmp_path / "held", 60)
    holder.kill()  # SIGKILL: the kernel drops the lock, its line stays in the file
    holder.wait()
    assert lock_holder(db) is None
    with writer_lock(db, "next", wait_seconds=1):
        assert "next (pid" in lock_holder(db)
    assert "took over the warehouse lock left by backfill run 42" in caplog.text
    assert "no longer running" in caplog.text


def test_published_file_opens_in_the_duckdb_cli_from_pypi(tmp_path):
    """The README's `.venv/bin/duckdb -readonly newsflow.duckdb` with its first example query."""
    db = tmp_path / "news.duckdb"
    assert newsflow("ingest", str(ROOT / "samples" / "text"), "--db", str(db)).returncode == 0
    cli = BIN / "duckdb"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=30).stdout
    assert version.startswith("v1."), version  # the CLI people install today reads it
    query = readme_query("-- articles per top-level topic")
    done = subprocess.run([str(cli), "-readonly", "-csv", str(db), "-c", query], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, *rows = csv.reader(io.StringIO(done.stdout))
    with open_warehouse(db) as con:
        expected = con.execute(query).fetchall()
    assert header == ["label", "articles"] and len(expected) > 3
    assert sorted(rows) == sorted([label, str(n)] for label, n in expected)  # ties come in any order
    with open_warehouse(db) as con:
        tags = con.execute("select tags from duckdb_databases() where not internal").fetchall()
    assert tags == [({"storage_version": "v1.4.0+"},)]


def readme_query(marker: str) -> str:
    """The README's example query that starts with the comment `marker`."""
    text = (ROOT / "README.md").read_text()
    return text[text.index(marker) :].split("\n\n")[0].strip()


def test_a_fresh_reader_sees_each_publish_while_another_process_keeps_the_old_one(tmp_path):
    """The rename leaves an open file alone: a reader keeps its snapshot, a new connection gets the new file."""
    from tasks.dedup.identity import assign_identity
    from tasks.loading.load import load_articles
    from tasks.models import Article
    from tasks.running.run_record import utc_now

    db = tmp_path / "news.duckdb"
    ensure_published(db)
    readers = [Reader(db)]
    try:
        for number in range(1, 4):
            body = f"Body number {number} about the harbour ferry timetable and its budget."
            article = Article(source_uri=f"{number}.txt", title=f"Story {number}", body=body)
            assign_identity([article])
            load_articles(db, [article], f"run{number}", utc_now())
            readers.append(Reader(db))
        assert [r.ask(COUNT) for r in readers] == [{"rows": [[n]]} for n in range(4)]
        assert not warehouse_paths(db).marker.exists() and not warehouse_paths(db).stale_copies()
    finally:
        for reader in readers:
            reader.close()


def test_reads_run_in_threads_while_this_process_publishes(tmp_path):
    """Readers in threads of the writing process see whole batches only."""
    from tasks.dedup.identity import assign_identity
    from tasks.loading.load import load_articles
    from tasks.models import Article
    from tasks.running.run_record import utc_now

    db = tmp_path / "news.duckdb"
    ensure_published(db)
    stop, seen, errors = threading.Event(), [], []

    def read_loop():
        while not stop.is_set():
            try:
                with duckdb.connect(str(db), read_only=True) as con:
                    seen.append(con.execute(COUNT).fetchone()[0])
            except duckdb.Error as error:
                errors.append(str(error))

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        for batch in range(5):
            articles = [Article(source_uri=f"{batch}-{n}.txt", title=f"Story {batch}-{n}",
                                body=f"Body {batch} {n}: the council met about ferry {n} and bridge {batch}.")
                        for n in range(10)]  # fmt: skip
            assign_identity(articles)
            load_articles(db, articles, f"run{batch}", utc_now())
    finally:
        stop.set()
        thread.join()
    assert errors == [] and seen and set(seen) <= {0, 10, 20, 30, 40, 50}
