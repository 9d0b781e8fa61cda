"""Where CLI runs run: under Prefect when a server is there, else directly in the process (no temporary server),
recorded in `runs` either way, with the tasks' retries kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prefect import task

from flows import engine
from warehouse.connect import open_warehouse

NEWSFLOW = Path(sys.executable).with_name("newsflow")
SAMPLES = Path(__file__).parent.parent / "samples"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    return {**env, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            **extra}  # fmt: skip


def test_a_health_check_that_answers_200_is_a_server(httpserver):
    httpserver.expect_request("/api/health").respond_with_json(True)
    assert engine.answers(httpserver.url_for("/api"))
    assert not engine.answers(httpserver.url_for("/elsewhere"))  # 500 from the test server: not a Prefect API
    assert not engine.answers("http://127.0.0.1:9/api")  # nothing listens there


def test_the_setting_decides_before_anything_is_probed(monkeypatch):
    monkeypatch.setattr(engine, "answers", lambda api, timeout=0.3: (_ for _ in ()).throw(AssertionError(api)))
    assert engine.choose_engine("direct") == "direct" and engine.choose_engine("prefect") == "prefect"
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.internal:4200/api")
    assert engine.choose_engine("auto") == "prefect"


def test_the_active_profile_names_a_server(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.team:4200/api"\n')
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(profiles))
    assert engine.profile_api_url() == "http://prefect.team:4200/api"


def test_direct_tasks_are_retried_as_their_options_say():
    calls = []

    def flaky(value: list[int]) -> int:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("busy")
        return sum(value)

    retried = task(retries=2, retry_delay_seconds=0)(flaky)
    engine.set_direct(True)
    try:
        from prefect.utilities.annotations import quote

        assert engine.run_task(retried, quote([1, 2, 3])) == 6 and len(calls) == 3
        calls.clear()
        assert engine.submit_task(retried, [4]).result() == 4
        once = task(retries=0)(flaky)
        calls.clear()
        try:
            engine.run_task(once, [1])
        except OSError:
            pass
        else:
            raise AssertionError("a task without retries fails at once")
    finally:
        engine.set_direct(False)


def test_a_cli_run_without_a_server_runs_in_process_and_is_recorded(tmp_path):
    db = tmp_path / "w.duckdb"
    done = subprocess.run([str(NEWSFLOW), "ingest", str(SAMPLES / "text"), "--db", str(db), "-v"],
                          env=clean_env(tmp_path), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "running in this process (no Prefect server)" in done.stderr
    assert not (tmp_path / "prefect-home" / "prefect.db").exists()  # no temporary server was started
    with open_warehouse(db) as con:
        runs = con.execute("select flow, status, new from runs").fetchall()
        articles = con.execute("select count(*) from articles").fetchone()[0]
    assert runs == [("ingest", "completed", articles)] and articles > 0


def test_newsflow_engine_is_checked_with_the_other_settings(tmp_path):
    done = subprocess.run([str(NEWSFLOW), "ingest", str(SAMPLES / "text"), "--db", str(tmp_path / "w.duckdb")],
                          env=clean_env(tmp_path, NEWSFLOW_ENGINE="fast"), capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "NEWSFLOW_ENGINE='fast'" in done.stderr and "Traceback" not in done.stderr


def test_under_a_prefect_api_in_force_cli_runs_go_through_prefect(prefect_harness, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_PROFILES_PATH", "/nonexistent/profiles.toml")
    assert engine.loaded_api_url() and engine.choose_engine("auto") == "prefect"
