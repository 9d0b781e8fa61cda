"""Preparation on a Dask cluster (NEWSFLOW_DASK_ADDRESS) through prefect-dask: a real local cluster of two worker
processes, under the Prefect test harness, against the process-pool path on the same files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from tasks.config import ConfigError, load_settings
from warehouse.connect import open_warehouse

SAMPLES = Path(__file__).parent.parent / "samples"
NEWSFLOW = [sys.executable, "-m", "flows.cli"]


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local


def stored_rows(db: str) -> dict[str, list[tuple]]:
    with open_warehouse(db) as con:
        return {
            "articles": con.execute(
                "select article_id, source_uri, title, body, language, published_at, cluster_id, authors, source"
                " from articles order by article_id"
            ).fetchall(),
            "topics": con.execute("select article_id, topic, score, terms from article_topics order by all").fetchall(),
            "places": con.execute("select * from article_places order by all").fetchall(),
            "runs": con.execute("select read, new, duplicate, skipped, failed from runs").fetchall(),
        }


def worker_modules(cluster) -> list[bool]:
    from distributed import Client

    with Client(cluster) as client:
        return list(client.run(lambda: "tasks.running.prepare" in sys.modules).values())


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_on_a_dask_cluster_stores_the_rows_of_the_process_pool(cluster, tmp_path, monkeypatch):
    assert worker_modules(cluster) == [False, False]  # the workers have prepared nothing yet
    monkeypatch.setenv("NEWSFLOW_DASK_ADDRESS", cluster.scheduler_address)
    on_dask = ingest_flow(paths=[str(SAMPLES)], db=str(tmp_path / "dask.duckdb"), batch_size=20)
    monkeypatch.delenv("NEWSFLOW_DASK_ADDRESS")
    pooled = ingest_flow(paths=[str(SAMPLES)], db=str(tmp_path / "pool.duckdb"), batch_size=20, workers=2)

    assert any(worker_modules(cluster))  # the batches were prepared in the cluster's processes
    assert on_dask["new"] >= 31 and on_dask["failed"] == 0 and on_dask["skipped"] == 1
    assert {k: on_dask[k] for k in ("read", "new", "duplicate", "skipped")} == {
        k: pooled[k] for k in ("read", "new", "duplicate", "skipped")
    }
    dask_rows, pool_rows = stored_rows(str(tmp_path / "dask.duckdb")), stored_rows(str(tmp_path / "pool.duckdb"))
    assert len(dask_rows["articles"]) == on_dask["new"]
    assert dask_rows == pool_rows


def test_a_dask_address_is_checked_before_anything_runs(tmp_path):
    with pytest.raises(ConfigError, match="tcp://HOST:PORT"):
        load_settings({"NEWSFLOW_DASK_ADDRESS": "http://scheduler"})
    with pytest.raises(ConfigError, match="cannot go with NEWSFLOW_ENGINE=direct"):
        load_settings({"NEWSFLOW_DASK_ADDRESS": "tcp://127.0.0.1:8786", "NEWSFLOW_ENGINE": "direct"})
    assert load_settings({"NEWSFLOW_DASK_ADDRESS": "scheduler.internal:8786"}).dask_address


def test_no_scheduler_at_the_address_is_a_one_line_usage_error(tmp_path, fixtures):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    run = subprocess.run(
        [*NEWSFLOW, "ingest", str(fixtures / "text"), "--db", str(tmp_path / "w.duckdb"),
         "--dask-address", f"tcp://127.0.0.1:{port}"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"newsflow: error: no Dask scheduler answers at tcp://127.0.0.1:{port}")
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "w.duckdb").exists() or "Traceback" not in run.stderr
