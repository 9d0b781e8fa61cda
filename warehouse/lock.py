"""One writer at a time, across processes: an advisory lock file beside the warehouse.

DuckDB itself refuses a second writing process; this lock makes a second writer wait its turn (in arrival
order, without polling) instead of failing, and names the holder while it waits.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG = logging.getLogger(__name__)


def lock_path(db: str | Path) -> Path:
    path = Path(db).expanduser()
    return path.with_name(path.name + ".lock")


def lock_holder(db: str | Path) -> str | None:
    """What the lock file says about the run holding it (pid, run id, since), if anyone holds it."""
    path = lock_path(db)
    if not path.exists():
        return None
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            return handle.read().strip() or "another process"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


@contextmanager
def writer_lock(db: str | Path, holder: str = "", wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait for it (forever by default) when another run has it."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            LOG.warning("waiting for the warehouse: %s is writing to it", handle.read().strip() or "another run")
            acquire_blocking(handle, wait_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} {holder} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}".strip())
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def acquire_blocking(handle, wait_seconds: float | None) -> None:
    if wait_seconds is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the warehouse stayed locked for {wait_seconds:.0f}s") from None
            time.sleep(0.2)
