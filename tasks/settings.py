"""Run settings: defaults, overridden by NEWSFLOW_* environment variables (checked in tasks.config), then by
flow and CLI parameters."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "newsflow.duckdb"

DEFAULT_BATCH_SIZE = 500
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def resolve_db(db: str | os.PathLike | None = None) -> Path:
    """`db` if given, else $NEWSFLOW_DB, else ./newsflow.duckdb."""
    from tasks.config import load_settings

    return Path(db or load_settings().db or DEFAULT_DB).expanduser()


def lock_wait_seconds() -> float:
    """$NEWSFLOW_LOCK_WAIT_SECONDS, checked (a positive number of seconds), else the default."""
    from tasks.config import load_settings

    return load_settings().lock_wait_seconds


def apply_prefect_defaults() -> None:
    """Quiet, safe Prefect defaults (telemetry off) unless the user set them; call before importing prefect."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
