"""SIGKILL in the middle of a load, or of a publish: the published file stays whole and opens, the next run
repairs what is needed, and the result equals a clean run's, row for row."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths

ROOT = Path(__file__).parent.parent
NEWSFLOW = Path(sys.executable).with_name("newsflow")
STALL = Path(__file__).parent / "stall_run.py"
ENV = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
TABLES = ("articles", "article_topics", "article_places", "sightings", "article_bands", "near_duplicates")
SNAPSHOT = {
    "articles": "select article_id, url, title, body, content_hash, cluster_id, language from articles",
    "article_topics": "select article_id, topic, score, terms from article_topics",
    "article_places": "select * from article_places",
    "sightings": "select article_id, url, source_uri from sightings",
    "article_bands": "select bucket, article_id from article_bands",
    "near_duplicates": "select * from near_duplicates",
}


def counts(db: Path) -> dict[str, int]:
    with open_warehouse(db) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}


def snapshot(db: Path) -> dict[str, list]:
    with open_warehouse(db) as con:
        return {t: sorted(con.execute(sql).fetchall(), key=repr) for t, sql in SNAPSHOT.items()}


def ingest(db: Path, path: Path) -> None:
    done = subprocess.run([str(NEWSFLOW), "ingest", str(path), "--db", str(db)], env=ENV,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr


def kill_when_stalled(mode: str, marker: Path, *args: str) -> None:
    victim = subprocess.Popen([sys.executable, str(STALL), mode, str(marker), *args], env=ENV,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert victim.poll() is None, f"the run ended before reaching its {mode}"
            assert time.monotonic() < deadline, f"the run never reached its {mode}"
            time.sleep(0.2)
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the CLI, its reader processes and its Prefect server
        victim.wait()


def test_sigkill_mid_load_then_rerun(tmp_path):
    db, marker = tmp_path / "crash.duckdb", tmp_path / "in-load"
    kill_when_stalled("load", marker, "ingest", str(ROOT / "samples"), "--db", str(db))
    assert counts(db) == dict.fromkeys(TABLES, 0)  # published before the load began; the batch never committed
    ingest(db, ROOT / "samples")
    after = counts(db)
    with open_warehouse(db) as con:
        runs = con.execute("select status, new from runs order by started_at").fetchall()
        duplicates = con.execute(
            "select count(*) from (select content_hash from articles group by 1 having count(*) > 1)"
        ).fetchall()[0][0]
    assert runs[0][0] == "crashed" and runs[1] == ("completed", after["articles"])
    assert after["articles"] >= 31 and duplicates == 0
    ingest(db, ROOT / "samples")
    assert counts(db) == after


def test_sigkill_mid_publish_keeps_the_published_file_then_rerun_equals_a_clean_run(tmp_path):
    db, clean, marker = tmp_path / "crash.duckdb", tmp_path / "clean.duckdb", tmp_path / "in-publish"
    for target in (db, clean):
        ingest(target, ROOT / "samples" / "text")
    before = snapshot(db)
    kill_when_stalled("publish", marker, "ingest", str(ROOT / "samples"), "--db", str(db))
    paths = warehouse_paths(db)
    assert paths.stale_copies(), "the kill came while a copy was being written"
    assert snapshot(db) == before  # the published file is the last complete publish, and opens
    assert paths.marker.exists()  # the working copy knows it has unpublished commits
    ingest(db, ROOT / "samples")
    ingest(clean, ROOT / "samples")
    assert not paths.stale_copies()
    assert snapshot(db) == snapshot(clean)
    assert snapshot(db)["articles"] != before["articles"]
