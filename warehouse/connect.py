"""Open the warehouse file: migrations on first write, clear errors for locks and bad files."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.lock import writer_lock
from warehouse.migrate import apply_migrations

LOCK_POLL_SECONDS = 0.5
_held: dict[str, duckdb.DuckDBPyConnection] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used: locked by another process, missing, or not a DuckDB file."""


def connect(path: str | Path, read_only: bool = False, wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """A new connection; a writer waits up to `wait_seconds` for another process's lock to go."""
    path = Path(path).expanduser()
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `newsflow ingest` or `newsflow run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                if time.monotonic() < deadline:
                    time.sleep(LOCK_POLL_SECONDS)
                    continue
                raise WarehouseError(f"{path} is in use by another process (one writer at a time): {error}") from None
            raise WarehouseError(f"cannot open {path}: {error}") from error
        except duckdb.Error as error:
            raise WarehouseError(f"cannot open {path}: {error}") from error
    if not read_only:
        key = str(path.resolve())
        with _lock:
            if key not in _migrated:
                try:
                    apply_migrations(con)
                except Exception:
                    con.close()
                    raise
                _migrated.add(key)
    return con


@contextmanager
def open_warehouse(
    path: str | Path, read_only: bool = False, wait_seconds: float = 0.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connection as a context manager, closed on exit."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def hold_warehouse(path: str | Path, wait_seconds: float = 0.0, holder: str = "") -> Iterator[None]:
    """For a writing run: take the writer lock (waiting for another run to finish), then keep the database
    open across the run's many short connections (one checkpoint at the end)."""
    key = str(Path(path).expanduser().resolve())
    with writer_lock(path, holder):
        con = connect(path, wait_seconds=wait_seconds)
        _held[key] = con
        try:
            yield
        finally:
            _held.pop(key, None)
            con.close()
