"""Settings in one place: defaults, overridden by environment variables, then by flow/CLI parameters."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "newsflow.duckdb"
DEFAULT_BATCH_SIZE = 500
DEFAULT_LOCK_WAIT_SECONDS = 3600.0
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def resolve_db(db: str | os.PathLike | None = None) -> Path:
    """`db` if given, else $NEWSFLOW_DB, else ./newsflow.duckdb."""
    return Path(db or os.environ.get("NEWSFLOW_DB") or DEFAULT_DB).expanduser()


def apply_prefect_defaults() -> None:
    """Quiet, safe Prefect defaults (telemetry off) unless the user set them; call before importing prefect."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
