"""Where a flow runs: under Prefect (a server records it, its UI shows it), or directly in this process.

With no Prefect server, Prefect 3 starts a temporary one for every command: 12–19 s here before the first
article, for a run that takes a second. So the CLI runs its flows directly when no server is configured or
answering (`NEWSFLOW_ENGINE=auto`, the default): the same flow bodies, the same tasks (their plain functions,
retried as their Prefect options say), each run recorded in `runs`; only Prefect's own records (flow and task
runs, artifacts) are missing. With a server (PREFECT_API_URL, or one answering on 127.0.0.1:4200 as
`newsflow serve --start-server` starts it), or with `NEWSFLOW_ENGINE=prefect`, flows run under Prefect. Scheduled
runs always do: the runner calls the flows itself.

With a Dask scheduler address (NEWSFLOW_DASK_ADDRESS, or the CLI's --dask-address), flows run under Prefect and
each batch's preparation (reading, extraction, cleaning, tagging, fingerprints) goes to that cluster through
prefect-dask's DaskTaskRunner, in parts of PART items; the flow process still fetches feeds and does all the
loading (DuckDB has one writer).
"""

from __future__ import annotations

import inspect
import logging
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

LOCAL_API = "http://127.0.0.1:4200/api"
LOG = logging.getLogger("newsflow")
_direct = False
_executor: ThreadPoolExecutor | None = None
_cluster: Any = None  # the DaskTaskRunner of the flow run in progress, when there is a cluster
PART = 16  # items per task on a Dask cluster: a 500-item batch is 32 tasks


def choose_engine(setting: str, dask_address: str | None = None) -> str:
    """`direct` or `prefect` for a CLI run, from NEWSFLOW_ENGINE (auto | direct | prefect) and what answers.
    A Dask cluster is reached through Prefect's task runner, so it means `prefect`."""
    if setting != "auto":
        return setting
    if dask_address:
        return "prefect"
    if os.environ.get("PREFECT_API_URL") or profile_api_url() or loaded_api_url():
        return "prefect"
    if answers(LOCAL_API):
        os.environ["PREFECT_API_URL"] = LOCAL_API
        return "prefect"
    return "direct"


def profile_api_url() -> str | None:
    """The API URL of the active Prefect profile, read from its TOML file without importing Prefect (2–3 s)."""
    import tomllib
    from pathlib import Path

    home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = os.environ.get("PREFECT_PROFILE") or data.get("active", "ephemeral")
    return (data.get("profiles", {}).get(name, {}) or {}).get("PREFECT_API_URL")


def loaded_api_url() -> str | None:
    """The API URL of Prefect's settings in force, when Prefect is imported already (a test harness, a notebook)."""
    import sys

    if "prefect" not in sys.modules:
        return None
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url) if url else None


def answers(api: str, timeout: float = 0.3) -> bool:
    """A Prefect server answers its health check there, within `timeout` seconds."""
    parts = urlsplit(api)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout) as sock:
            sock.settimeout(timeout)
            path = parts.path.rstrip("/") + "/health"
            sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {parts.hostname}\r\n\r\n".encode())
            status = sock.recv(64).split(b"\r\n", 1)[0].split()
            return len(status) >= 2 and status[0].startswith(b"HTTP/1.") and status[1] == b"200"
    except OSError:
        return False


def set_direct(direct: bool) -> None:
    global _direct
    _direct = direct


def is_direct() -> bool:
    return _direct


def unquote(value: Any) -> Any:
    """Prefect's `quote` wrapper off an argument (it only tells Prefect not to walk the value)."""
    from prefect.utilities.annotations import quote

    return value.unquote() if isinstance(value, quote) else value


def run_task(task: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a Prefect task: as a task run under Prefect, else its function, retried as the task's options say."""
    if not _direct:
        return task(*args, **kwargs)
    args, kwargs = tuple(unquote(a) for a in args), {k: unquote(v) for k, v in kwargs.items()}
    retries, delay = getattr(task, "retries", 0) or 0, getattr(task, "retry_delay_seconds", 0) or 0
    for attempt in range(retries + 1):
        try:
            return task.fn(*args, **kwargs)
        except Exception as error:
            if attempt == retries:
                raise
            LOG.warning("%s failed (%s); retrying in %ss", task.name, error, delay)
            time.sleep(delay if isinstance(delay, (int, float)) else 0)
    raise AssertionError("unreachable")


def submit_task(task: Any, *args: Any, **kwargs: Any) -> Future:
    """Start a Prefect task in the background; `.result()` waits for it either way."""
    if not _direct:
        return task.submit(*args, **kwargs)
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsflow-task")
    return _executor.submit(run_task, task, *args, **kwargs)


@contextmanager
def cluster_runner(address: str | None) -> Iterator[None]:
    """For the flow run inside: a DaskTaskRunner connected to the scheduler at `address` (none when direct)."""
    global _cluster
    if not address or _direct:
        yield
        return
    from prefect_dask import DaskTaskRunner

    with DaskTaskRunner(address=address) as runner:
        _cluster = runner
        try:
            yield
        finally:
            _cluster = None


def on_cluster() -> bool:
    return _cluster is not None


class Gathered:
    """The futures of one batch's parts; `.result()` is their batches joined, in order."""

    def __init__(self, futures: list) -> None:
        self.futures = futures

    def result(self) -> Any:
        results = [future.result() for future in self.futures]
        joined = results[0]
        for other in results[1:]:
            joined.extend(other)
        return joined


def submit_prepare(task: Any, items: list, now: Any, workers: int, *rest: Any) -> Future | Gathered:
    """Prepare a batch: on the Dask cluster in parts of PART items (one process each), else as one task over the
    local worker processes. `task` takes (items, now, workers, *rest) and returns a Batch."""
    from prefect.utilities.annotations import quote

    items = unquote(items)
    if _cluster is None or not items:
        return submit_task(task, quote(items), now, workers, *rest)
    parts = [items[i : i + PART] for i in range(0, len(items), PART)]
    names = list(inspect.signature(task.fn).parameters)
    futures = []
    for part in parts:
        parameters = dict(zip(names, (part, now, 1, *rest), strict=True))  # a part is small: no quote
        futures.append(_cluster.submit(task, parameters=parameters))
    return Gathered(futures)


def run_flow(flow: Any, **parameters: Any) -> Any:
    """Run a flow under Prefect, or its body directly."""
    return flow.fn(**parameters) if _direct else flow(**parameters)


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    if _direct:
        return LOG
    from prefect import get_run_logger

    return get_run_logger()


def flow_run_id() -> str | None:
    if _direct:
        return None
    from prefect import runtime

    run_id = runtime.flow_run.id
    return str(run_id) if run_id else None
