"""The warehouse's two doors: readers open the published file; writers open the working copy, one at a time.

`open_warehouse(db)` is read-only and never waits: any number of processes may hold the published file open,
for hours, while runs write. `open_working(db)` takes the writer lock, opens the working copy (making or
converting it first), and on leaving publishes what was committed. Hold it around commits only, never across
network I/O. A later shared catalog (DuckLake) can stand behind these two functions instead.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb

from warehouse.build import RAW_SCHEMA_SQL, build_working, sql_path
from warehouse.errors import WarehouseError
from warehouse.layout import WarehousePaths, warehouse_paths
from warehouse.lock import writer_lock
from warehouse.migrate import apply_migrations
from warehouse.publish import needs_publish, publish_working

LOG = logging.getLogger(__name__)
_migrated: set[str] = set()
_sessions = threading.local()


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection with one-line errors (no migrations, no lock: see the two functions below)."""
    path = Path(path).expanduser()
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `newsflow ingest` or `newsflow run` first")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise WarehouseError(f"cannot open {path}: {str(error).splitlines()[0]}") from error


@contextmanager
def open_warehouse(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published file, closed on exit; it keeps the snapshot it opened."""
    con = connect(warehouse_paths(path).published, read_only=True)
    try:
        yield con
    finally:
        con.close()


class Publish(StrEnum):
    """When a writing section publishes the working copy."""

    NOW = "now"  # on leaving (the end of a run, a standalone change)
    BATCH = "batch"  # during a run, on leaving if an earlier commit is still unpublished (readers stay at most one
    # batch behind, and the run's end publishes the rest); outside a run, on leaving
    LATER = "later"  # never itself: what it writes goes out with the next publish
    READ = "read"  # it only reads: nothing to publish


_runs: Counter[Path] = Counter()  # runs of this process in progress, per warehouse


@contextmanager
def run_in_progress(path: str | Path) -> Iterator[None]:
    """Around a run that publishes at its end: its batches may leave publishing to the next one."""
    key = warehouse_paths(path).published
    _runs[key] += 1
    try:
        yield
    finally:
        _runs[key] -= 1


@dataclass(slots=True)
class Session:
    con: duckdb.DuckDBPyConnection
    publish: bool


@contextmanager
def open_working(path: str | Path, publish: Publish = Publish.NOW) -> Iterator[duckdb.DuckDBPyConnection]:
    """The working copy under the writer lock (the raw store attached as `raw`), published on a clean exit as
    `publish` says (and always when nothing is published yet). Re-entrant in a thread: an inner section shares
    the outer one's connection, and the outer one publishes for both."""
    paths = warehouse_paths(path)
    open_sessions: dict[Path, Session] = _sessions.__dict__.setdefault("open", {})
    outer = open_sessions.get(paths.published)
    if outer is not None:
        outer.publish = outer.publish or publish == Publish.NOW
        yield outer.con
        return
    with writer_lock(paths.published):
        built = not paths.work.exists()
        if built:
            build_working(paths)  # new, or converted from the file at the published path: publish it now
        behind = paths.marker.exists()
        if publish != Publish.READ:
            paths.marker.touch()  # before anything is written: a crash from here on leaves it for the next run
        in_run = _runs[paths.published] > 0
        now = built or publish == Publish.NOW or (publish == Publish.BATCH and (behind or not in_run))
        session = Session(connect_working(paths), now)
        open_sessions[paths.published] = session
        try:
            yield session.con
        except BaseException:
            close_after_error(session.con, paths)
            raise
        finally:
            open_sessions.pop(paths.published, None)
        if session.publish or not paths.published.exists():
            session.con.execute("checkpoint")
            session.con.close()
            publish_working(paths)
        else:
            session.con.close()


def close_after_error(con: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> None:
    """A section that failed (its transaction rolled back) still leaves a published file for readers; what it
    committed before failing is published by the next section (the marker stays)."""
    try:
        con.close()
        if not paths.published.exists():
            publish_working(paths)
    except Exception as error:  # the section's own error is the one to report
        LOG.warning("could not publish %s after a failed write: %s", paths.published, error)


def connect_working(paths: WarehousePaths) -> duckdb.DuckDBPyConnection:
    con = connect(paths.work)
    try:
        con.execute(f"attach if not exists '{sql_path(paths.raw)}' as raw")
        key = str(paths.work)
        if key not in _migrated:
            apply_migrations(con)
            con.execute(RAW_SCHEMA_SQL)
            _migrated.add(key)
    except Exception:
        con.close()
        raise
    return con


def ensure_published(path: str | Path) -> WarehousePaths:
    """Before a run: wait for the writer lock like any writer (saying for whom), make or convert the working
    copy, and publish it if the published file is missing or behind."""
    paths = warehouse_paths(path)
    with open_working(path, Publish.NOW if needs_publish(paths) else Publish.READ):
        pass
    return paths
