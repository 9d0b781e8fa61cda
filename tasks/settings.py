"""Settings in one place: defaults, overridden by environment variables, then by flow/CLI parameters."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "newsflow.duckdb"
DEFAULT_BATCH_SIZE = 500
DEFAULT_LOCK_WAIT_SECONDS = 900.0  # a writer waits this long for another one's commit (one schedule interval)
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def resolve_db(db: str | os.PathLike | None = None) -> Path:
    """`db` if given, else $NEWSFLOW_DB, else ./newsflow.duckdb."""
    return Path(db or os.environ.get("NEWSFLOW_DB") or DEFAULT_DB).expanduser()


class SettingsError(ValueError):
    """A setting has a value that cannot be used: one line, naming the variable."""


def lock_wait_seconds() -> float:
    """$NEWSFLOW_LOCK_WAIT_SECONDS (a positive number), else the default."""
    text = os.environ.get("NEWSFLOW_LOCK_WAIT_SECONDS")
    if text is None or not text.strip():
        return DEFAULT_LOCK_WAIT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"NEWSFLOW_LOCK_WAIT_SECONDS must be a positive number of seconds, not {text!r}")
    return value


def apply_prefect_defaults() -> None:
    """Quiet, safe Prefect defaults (telemetry off) unless the user set them; call before importing prefect."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
