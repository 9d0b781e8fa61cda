"""A run killed with SIGKILL in the middle of a load leaves no partial batch; the next run finishes the job."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.connect import open_warehouse

ROOT = Path(__file__).parent.parent
NEWSFLOW = Path(sys.executable).with_name("newsflow")
TABLES = ("articles", "article_topics", "article_places", "sightings", "article_bands", "near_duplicates")


def counts(db: Path) -> dict[str, int]:
    with open_warehouse(db, read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}


def test_sigkill_mid_load_then_rerun(tmp_path):
    db, marker = tmp_path / "crash.duckdb", tmp_path / "in-load"
    env = {**os.environ, "NEWSFLOW_TEST_HOLD_BEFORE_COMMIT": str(marker), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    victim = subprocess.Popen([str(NEWSFLOW), "ingest", str(ROOT / "samples"), "--db", str(db)], env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert victim.poll() is None, "the run ended before reaching its load"
            assert time.monotonic() < deadline, "the run never reached its load"
            time.sleep(0.2)
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the CLI, its reader processes and its Prefect server
        victim.wait()
    assert counts(db) == dict.fromkeys(TABLES, 0)  # the batch was written but never committed: nothing of it
    env.pop("NEWSFLOW_TEST_HOLD_BEFORE_COMMIT")
    done = subprocess.run([str(NEWSFLOW), "ingest", str(ROOT / "samples"), "--db", str(db)], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = counts(db)
    with open_warehouse(db, read_only=True) as con:
        runs = con.execute("select status, new from runs order by started_at").fetchall()
        duplicates = con.execute(
            "select count(*) from (select content_hash from articles group by 1 having count(*) > 1)"
        ).fetchall()[0][0]
    assert runs[0][0] == "crashed" and runs[1] == ("completed", after["articles"])
    assert after["articles"] >= 31 and duplicates == 0
    again = subprocess.run([str(NEWSFLOW), "ingest", str(ROOT / "samples"), "--db", str(db)], env=env,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0 and counts(db) == after
