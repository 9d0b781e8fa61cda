"""Where a flow runs: under Prefect (a server records it, its UI shows it), or directly in this process.

With no Prefect server, Prefect 3 starts a temporary one for every command: 12–19 s here before the first
article, for a run that takes a second. So the CLI runs its flows directly when no server is configured or
answering (`NEWSFLOW_ENGINE=auto`, the default): the same flow bodies, the same tasks (their plain functions,
retried as their Prefect options say), each run recorded in `runs`; only Prefect's own records (flow and task
runs, artifacts) are missing. With a server (PREFECT_API_URL, or one answering on 127.0.0.1:4200 as
`newsflow serve --start-server` starts it), or with `NEWSFLOW_ENGINE=prefect`, flows run under Prefect. Scheduled
runs always do: the runner calls the flows itself.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

LOCAL_API = "http://127.0.0.1:4200/api"
LOG = logging.getLogger("newsflow")
_direct = False
_executor: ThreadPoolExecutor | None = None


def choose_engine(setting: str) -> str:
    """`direct` or `prefect` for a CLI run, from NEWSFLOW_ENGINE (auto | direct | prefect) and what answers."""
    if setting != "auto":
        return setting
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
