"""Publish the working copy: checkpointed, copied to a temporary name, renamed over the published file.

A reader that has the published file open keeps its snapshot (the rename leaves its open inode alone); a new
connection opens the new file. A crash at any point leaves the old published file whole, or the new one.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import duckdb

from warehouse.layout import WarehousePaths


def publish_working(paths: WarehousePaths) -> None:
    """Copy the (checkpointed, closed) working file over the published one, atomically; clear the marker."""
    for stale in paths.stale_copies():  # left by a writer killed mid-copy; we hold the lock, so none is live
        stale.unlink(missing_ok=True)
    temporary = paths.publishing()
    retired = paths.retired()
    try:
        copy_file(paths.work, temporary)
        if paths.published.exists():
            os.link(paths.published, retired)  # the old file's last name: the rename below frees nothing
        os.replace(temporary, paths.published)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    paths.marker.unlink(missing_ok=True)
    threading.Thread(target=retired.unlink, kwargs={"missing_ok": True}).start()  # joined at exit


def copy_file(source: Path, target: Path) -> None:
    """A whole copy (in the kernel) under a name no reader opens. No fsync: the working copy is the durable one
    (DuckDB syncs it at each checkpoint), and a published file that a power cut damaged is published again by
    the next run (`needs_publish`)."""
    shutil.copyfile(source, target)


def needs_publish(paths: WarehousePaths) -> bool:
    """The working copy has commits the published file lacks (a run died before publishing), nothing is
    published yet, or the published file does not open."""
    return paths.marker.exists() or not paths.published.exists() or not opens(paths.published)


def opens(path: Path) -> bool:
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error:
        return False
    return True
