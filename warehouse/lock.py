"""One writer at a time, across processes and threads: an advisory lock file beside the warehouse.

Writers take the lock around each commit (and its publish), never across network I/O. A writer that finds the
lock taken says who holds it and since when, and waits at most `wait_seconds`. The kernel drops the lock when
its process dies; the holder's line left in the file then tells the next writer it took over a stale lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger(__name__)
POLL_SECONDS = 0.1
DEFAULT_WAIT_SECONDS = 900.0  # one schedule interval
PID = re.compile(r"\bpid (\d+)\b")


class WarehouseBusy(TimeoutError):
    """The writer lock stayed taken for longer than the writer may wait."""


@dataclass(slots=True)
class WriterIdentity:
    """Who this process writes as (shown to writers that wait for it) and how long it waits for others."""

    holder: str = ""
    wait_seconds: float = DEFAULT_WAIT_SECONDS


WRITER = WriterIdentity()


def set_writer(holder: str, wait_seconds: float | None = None) -> None:
    """Name this process's writes (e.g. "sources run 1234…") and set how long they wait for the lock."""
    WRITER.holder = holder
    if wait_seconds is not None:
        WRITER.wait_seconds = wait_seconds


def lock_path(db: str | Path) -> Path:
    path = Path(db).expanduser()
    return path.with_name(path.name + ".lock")


def lock_holder(db: str | Path) -> str | None:
    """What the lock file says about the writer holding it (run, pid, since), if anyone holds it now."""
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
def writer_lock(db: str | Path, holder: str | None = None, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to `wait_seconds` (default: the writer's setting) for it."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = WRITER.wait_seconds if wait_seconds is None else wait_seconds
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
    try:
        acquire(handle, path, wait)
        handle.seek(0)
        left = handle.read().strip()
        if left:  # a clean release empties the file: this line belongs to a writer that died holding the lock
            LOG.warning("took over the warehouse lock left by %s (%s)", left, describe_pid(left))
        handle.seek(0)
        handle.truncate()
        since = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        handle.write(f"{holder if holder is not None else WRITER.holder} (pid {os.getpid()}) since {since}".strip())
        handle.flush()
        yield
    finally:
        try:
            handle.seek(0)
            handle.truncate()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def acquire(handle, path: Path, wait_seconds: float) -> None:
    """Take the lock, or wait for it (saying who holds it), up to `wait_seconds`."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    handle.seek(0)
    who = handle.read().strip() or "another writer"
    LOG.warning("waiting for the warehouse: %s is writing to it (waiting up to %.0fs)", who, wait_seconds)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                who = handle.read().strip() or who
                raise WarehouseBusy(
                    f"the warehouse stayed locked for {wait_seconds:.0f}s by {who} ({path}); "
                    "raise NEWSFLOW_LOCK_WAIT_SECONDS to wait longer"
                ) from None
            time.sleep(POLL_SECONDS)


def describe_pid(line: str) -> str:
    match = PID.search(line)
    if not match:
        return "no pid recorded"
    return "still running, but no longer holding it" if pid_alive(int(match[1])) else "no longer running"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
