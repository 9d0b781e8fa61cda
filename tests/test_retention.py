"""Retention: raw documents and run records older than a setting are pruned at the end of runs, or by
`newsflow prune`; articles stay, and a backfill of an article whose raw copies are gone uses its stored text."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from flows.sources import sources_flow
from tasks.running.run_record import utc_now
from tests.test_sources_flow import write_sources
from tests.webfeeds import serve_site
from warehouse.connect import open_warehouse, open_working
from warehouse.layout import warehouse_paths

BIN = Path(sys.executable).parent


def counts(db: str) -> tuple[int, int, int]:
    with open_warehouse(db) as con:
        runs = con.execute("select count(*) from runs").fetchone()[0]
        articles = con.execute("select count(*) from articles").fetchone()[0]
    with duckdb.connect(str(warehouse_paths(db).raw), read_only=True) as raw:
        documents = raw.execute("select count(*) from raw_documents").fetchone()[0]
    return runs, articles, documents


def age_everything(db: str, days: int) -> None:
    """Make what is stored look `days` old (raw fetch times, run times)."""
    with open_working(db) as con:
        con.execute("update raw.raw_documents set fetched_at = fetched_at - to_days(?)", [days])
        con.execute("update runs set started_at = started_at - to_days(?), finished_at = finished_at - to_days(?)",
                    [days, days])  # fmt: skip


@pytest.mark.usefixtures("prefect_harness")
def test_runs_prune_by_the_retention_settings(httpserver, tmp_path, db, monkeypatch):
    sources = write_sources(tmp_path, {"rss2": serve_site(httpserver, count=3)["rss2"]})
    sources_flow(sources_file=sources, db=db)
    assert counts(db) == (1, 3, 4)
    age_everything(db, 40)
    monkeypatch.setenv("NEWSFLOW_RAW_RETENTION_DAYS", "30")
    monkeypatch.setenv("NEWSFLOW_RUNS_RETENTION_DAYS", "30")
    sources_flow(sources_file=sources, db=db)  # all 304s; its end applies the retention
    assert counts(db) == (1, 3, 0)  # the old run and the old raw documents are gone, the articles stay


def test_newsflow_prune_by_days(httpserver, tmp_path, db):
    from tasks.dedup.identity import assign_identity
    from tasks.fetching.raw import make_raw
    from tasks.loading.load import load_articles
    from tasks.models import Article

    article = Article(source_uri="a.txt", title="Ferry fares frozen", body="The ferry company froze its fares " * 5)
    assign_identity([article])
    now = utc_now()
    raw = [make_raw(f"https://x.example/{n}", "page", now - timedelta(days=n * 10), 200, {}, b"<p>x</p>" * n)
           for n in range(1, 4)]  # fmt: skip
    load_articles(db, [article], "run1", now, raw=raw)
    done = subprocess.run([str(BIN / "newsflow"), "prune", "--raw-older-than", "15", "--db", db],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pruned 2 raw documents and 0 runs")
    assert counts(db)[1:] == (1, 1)
    bad = subprocess.run([str(BIN / "newsflow"), "prune", "--db", db], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--raw-older-than" in bad.stderr
