"""Where a warehouse's files live: the published file people open, and the pipeline's private files.

newsflow.duckdb            the published file: open it read-only, any time, from anything
newsflow.duckdb.lock       the writer lock (who writes now, since when: warehouse.lock)
newsflow.duckdb.search/    the text search index (tantivy), built from the published file: warehouse.search
newsflow.duckdb.private/   the pipeline's own files; never open them while a run may write
    work.duckdb            the working copy every run writes; published at each run's end and during it
    raw.duckdb             the raw store (every fetched feed body and page, compressed)
    unpublished            present while the working copy has commits the published file lacks
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

STORAGE_VERSION = "v1.4.0"  # what DuckDB 1.4 and later (the PyPI CLI included) can read


@dataclass(frozen=True, slots=True)
class WarehousePaths:
    published: Path
    private: Path

    @property
    def work(self) -> Path:
        return self.private / "work.duckdb"

    @property
    def raw(self) -> Path:
        return self.private / "raw.duckdb"

    @property
    def search(self) -> Path:
        return self.published.with_name(self.published.name + ".search")

    @property
    def marker(self) -> Path:
        return self.private / "unpublished"

    @property
    def backup(self) -> Path:
        """The file as it was before its first upgrade to this layout (a hard link: no extra space)."""
        return self.published.with_name(self.published.name + ".before-upgrade")

    def publishing(self) -> Path:
        """This process's temporary copy, renamed over the published file once complete."""
        return self.published.with_name(f".{self.published.name}.publish-{os.getpid()}")

    def retired(self) -> Path:
        """The file just replaced, under a last name that is removed outside the lock (freeing a large file's
        blocks takes a while; readers that still have it open keep it alive anyway)."""
        return self.published.with_name(f".{self.published.name}.retired-{os.getpid()}-{time.monotonic_ns()}")

    def stale_copies(self) -> list[Path]:
        """Copies and retired files that a killed writer left behind."""
        folder, name = self.published.parent, self.published.name
        return [*folder.glob(f".{name}.publish-*"), *folder.glob(f".{name}.retired-*")]


def warehouse_paths(db: str | os.PathLike) -> WarehousePaths:
    published = Path(db).expanduser().absolute()
    return WarehousePaths(published=published, private=published.with_name(published.name + ".private"))
