"""A run's side of archive reading: where each archive resumes, and what a chunk of records counts for."""

from __future__ import annotations

from pathlib import Path

from tasks.models import Batch
from tasks.reading.warc import FILTERS, SKIP_REASONS, ArchiveChunk, ArchiveFilter, ArchiveMark
from tasks.running.run_record import RunState
from warehouse.archives import select_archive_progress
from warehouse.connect import Publish, open_working


def read_archive_marks(db: str | Path, archives: list[str], filters: ArchiveFilter) -> dict[str, ArchiveMark]:
    """The progress earlier runs with these filters committed, by absolute path."""
    with open_working(db, Publish.READ) as con:
        rows = select_archive_progress(con, archives, filters.key())
    return {row[0]: ArchiveMark(*row) for row in rows}


def plan_archives(
    archives: list[str], marks: dict[str, ArchiveMark], again: bool
) -> tuple[list[str], dict[str, ArchiveMark], list[str]]:
    """(archives to read, marks to resume from, archives already read to their end and left alone). With `again`
    (a backfill), an archive read to its end is read from its start; an unfinished one resumes either way."""
    todo, starts, done = [], {}, []
    for archive in archives:
        mark = marks.get(archive)
        if mark and mark.finished and mark.size == Path(archive).stat().st_size:
            if not again:
                done.append(archive)
                continue
        elif mark:
            starts[archive] = mark
        todo.append(archive)
    return todo, starts, done


def record_chunk(state: RunState, chunk: ArchiveChunk, batch: Batch) -> None:
    """Count a chunk's records on the run: read, not pages (counted skips), filtered, and unreadable archives."""
    state.count("archive_records", chunk.counts["records"])
    for reason in SKIP_REASONS:
        if chunk.counts[reason]:
            state.count(f"archive_{reason}", chunk.counts[reason])
            state.counts.skipped += chunk.counts[reason]
    for name in FILTERS:
        if chunk.counts[name]:
            state.count(f"archive_{name}", chunk.counts[name])
    if batch.filtered:
        state.count("archive_filtered_language", batch.filtered)
    for archive, reason in chunk.errors:
        state.record_failure(archive, reason)
