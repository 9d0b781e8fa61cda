"""A WARC ingest killed with SIGKILL between batches restarts where it stopped: no article twice, none missed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.warcs import story, write_warc
from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths

NEWSFLOW = Path(sys.executable).with_name("newsflow")
STALL = Path(__file__).parent / "stall_run.py"
ENV = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
PAGES = 45
BATCH = 10


def rows(db: Path, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def committed_rows(db: Path, sql: str) -> list[tuple]:
    """From the working copy: what the killed run committed (the published file may lag it by one batch)."""
    with duckdb.connect(str(warehouse_paths(db).work), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_killed_warc_ingest_resumes_at_its_last_committed_batch(tmp_path):
    archive = write_warc(tmp_path / "crawl.warc.gz", [story(n) for n in range(PAGES)])
    db, marker = tmp_path / "resume.duckdb", tmp_path / "in-third-load"
    args = ["ingest", str(archive), "--db", str(db), "--batch-size", str(BATCH), "--workers", "1"]
    victim = subprocess.Popen([sys.executable, str(STALL), "load3", str(marker), *args], env=ENV,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert victim.poll() is None, "the ingest ended before its third batch"
            assert time.monotonic() < deadline, "the ingest never reached its third batch"
            time.sleep(0.2)
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the CLI, its reader processes and its Prefect server
        victim.wait()
    committed = committed_rows(db, "select source_uri from articles")
    assert len(committed) == 2 * BATCH  # two batches committed, the third killed inside its transaction
    [(finished, records)] = committed_rows(db, "select finished, records from archive_progress")
    assert not finished and records > 2 * BATCH  # each response has its request record before it

    done = subprocess.run([str(NEWSFLOW), *args], env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"read {PAGES - 2 * BATCH}, new {PAGES - 2 * BATCH}, duplicate 0" in done.stdout  # nothing read twice
    stored = rows(db, "select source_uri, count(*) from sightings group by 1")
    assert sorted(uri for uri, _ in stored) == sorted(f"https://news.example.com/warc/story-{n}" for n in range(PAGES))
    assert all(times == 1 for _, times in stored)
    assert rows(db, "select finished from archive_progress") == [(True,)]
    assert rows(db, "select status from runs order by started_at") == [("crashed",), ("completed",)]
