"""Unattended operation against a real Prefect server: `prefect server start` on a free 127.0.0.1 port,
`newsflow serve` registering prefect.yaml's deployments, runs triggered by name through the Prefect client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from warehouse.connect import open_warehouse

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).parent / "fixtures"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        result = check()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    """A real Prefect server (its own PREFECT_HOME) on a free port."""
    home = tmp_path_factory.mktemp("prefect-home")
    url = f"http://127.0.0.1:{free_port()}/api"
    port = url.rsplit(":", 1)[1].split("/")[0]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", port],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, 180, "the Prefect server", server)
        yield url, home
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def served(prefect_api, tmp_path_factory):
    """`newsflow serve` against that server, schedules paused, writing one warehouse."""
    url, home = prefect_api
    db = tmp_path_factory.mktemp("served") / "served.duckdb"
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log = open(db.parent / "serve.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([str(BIN / "newsflow"), "serve", "--db", str(db), "--paused"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:

            def registered():
                try:
                    return all(client.read_deployment_by_name(name) for name in ("backfill/backfill",
                               "ingest/ingest-scheduled", "retag/retag", "sources/sources-scheduled"))  # fmt: skip
                except Exception:
                    return False

            try:
                wait_until(registered, 120, "the deployments", server)
                yield client, db
            finally:
                stop(server)
                log.close()


def start(client, deployment: str, **parameters):
    found = client.read_deployment_by_name(deployment)
    return client.create_flow_run_from_deployment(found.id, parameters=parameters)


def finish(client, flow_run, timeout: float = 240):
    def done():
        run = client.read_flow_run(flow_run.id)
        return run if run.state and run.state.type.value in FINAL else None

    return wait_until(done, timeout, f"flow run {flow_run.name}")


def test_backfill_deployment_runs_by_name_with_parameters(served):
    client, db = served
    ingest = finish(client, start(client, "ingest/ingest-scheduled", paths=[str(FIXTURES / "json")], db=str(db)))
    assert ingest.state.type.value == "COMPLETED"
    run = finish(client, start(client, "backfill/backfill", since="2025-11-01", until="2025-12-01", db=str(db)))
    assert run.state.type.value == "COMPLETED"
    with open_warehouse(db) as con:
        backfill = con.execute(
            "select status, read, new, counts->>'unchanged' from runs where run_id = ?", [str(run.id)]
        ).fetchall()
        updated = con.execute("select count(*) from articles where updated_at is not null").fetchall()[0][0]
    assert backfill == [("completed", 2, 0, "2")]  # the two November articles of list.json, read again
    assert updated == 0  # and found unchanged: nothing rewritten


def test_two_ingest_runs_at_once_one_waits_nothing_duplicated(served):
    client, db = served
    with open_warehouse(db) as con:
        before = con.execute("select count(*) from articles").fetchall()[0][0]
    runs = [start(client, "ingest/ingest-scheduled", paths=[str(FIXTURES / "text")], db=str(db)) for _ in range(2)]
    finished = [finish(client, run) for run in runs]
    assert [run.state.type.value for run in finished] == ["COMPLETED", "COMPLETED"]
    states = [{s.name for s in client.read_flow_run_states(run.id)} for run in runs]
    first, second = sorted(finished, key=lambda r: r.start_time)
    assert second.start_time >= first.end_time or any("AwaitingConcurrencySlot" in s for s in states)
    with open_warehouse(db) as con:
        after = con.execute("select count(*) from articles").fetchall()[0][0]
        counts = con.execute(
            "select new, duplicate from runs where run_id in (?, ?) order by started_at", [str(r.id) for r in runs]
        ).fetchall()
    assert after == before + 4 and counts == [(4, 0), (0, 4)]
