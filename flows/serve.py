"""Serve the deployments of prefect.yaml against a Prefect server, starting a local one when asked."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = ROOT / "prefect.yaml"
PATH_PARAMETERS = ("paths", "sources_file")


def read_deployment_specs(path: Path = PREFECT_YAML) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]


def load_flow(entrypoint: str):
    """`flows/ingest.py:ingest_flow` → the flow object."""
    file, name = entrypoint.split(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def absolute_parameters(parameters: dict, base: Path) -> dict:
    """Relative paths in parameters are taken from prefect.yaml's folder, wherever the runs start."""
    resolved = dict(parameters or {})
    for key in PATH_PARAMETERS:
        value = resolved.get(key)
        if isinstance(value, str):
            resolved[key] = str((base / value).resolve())
        elif isinstance(value, list):
            resolved[key] = [str((base / item).resolve()) for item in value]
    return resolved


def build_deployments(
    specs: list[dict],
    base: Path = ROOT,
    interval_minutes: float | None = None,
    cron: str | None = None,
    overrides: dict | None = None,
    paused: bool = False,
) -> list:
    """RunnerDeployments from prefect.yaml's entries; `interval_minutes` / `cron` replace the schedules of the
    interval / cron deployments, `overrides` set parameters (db, sources_file) where the flow takes them."""
    deployments = []
    for spec in specs:
        flow = load_flow(spec["entrypoint"])
        parameters = absolute_parameters(spec.get("parameters", {}), base)
        accepted = set(flow.parameters.properties)
        parameters.update({k: v for k, v in (overrides or {}).items() if k in accepted and v is not None})
        schedule = {}
        for item in spec.get("schedules") or []:
            if "interval" in item:
                schedule["interval"] = interval_minutes * 60 if interval_minutes else item["interval"]
            elif "cron" in item:
                schedule["cron"] = cron or item["cron"]
        deployments.append(
            flow.to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                parameters=parameters,
                concurrency_limit=spec.get("concurrency_limit"),
                paused=paused if schedule else None,
                **schedule,
            )
        )
    return deployments


def server_answers(api_url: str, timeout: float = 2.0) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def start_local_server(api_url: str, log_file: Path | None = None, wait: float = 120.0) -> subprocess.Popen | None:
    """Start `prefect server start` in the background (its own process group) unless one answers already; wait
    for it. Returns the server's process (None when one was already there), for `stop_local_server`."""
    if server_answers(api_url):
        return None
    host_port = api_url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    log = open(log_file or ROOT / ".prefect-server.log", "ab")  # noqa: SIM115 - handed to the server process
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", host, "--port", port],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
    )  # fmt: skip
    log.close()  # the server has its own handle
    deadline = time.monotonic() + wait
    while not server_answers(api_url):
        if time.monotonic() > deadline or server.poll() is not None:
            stop_local_server(server)
            raise RuntimeError(f"the Prefect server did not answer at {api_url} within {wait:.0f}s (see {log.name})")
        time.sleep(1)
    return server


def stop_local_server(server: subprocess.Popen | None, grace: float = 15.0) -> None:
    """Stop a server `start_local_server` started, with everything it started: SIGTERM, then SIGKILL."""
    if server is None or server.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (a service manager stopping us) ends the block like Ctrl-C does, so cleanup runs."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve_all(deployments: list) -> None:
    """Register the deployments and run their flows as they are scheduled or triggered (blocks)."""
    from prefect import serve

    serve(*deployments, pause_on_shutdown=False)
