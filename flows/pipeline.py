"""Wiring shared by the flows: the run record around a flow body, and one batch through the stages."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from prefect.utilities.annotations import quote

from flows.engine import cluster_runner, flow_run_id, is_direct, on_cluster, run_logger, run_task, submit_prepare
from tasks.config import load_settings
from tasks.fetching.raw import RawDocument
from tasks.models import Batch
from tasks.reading.read_files import FilePart, split_line_files
from tasks.reading.warc import ArchiveChunk, ArchiveFilter, ArchiveMark, is_archive, read_archives
from tasks.running.archives import plan_archives, read_archive_marks, record_chunk
from tasks.running.pool import shutdown_pool
from tasks.running.prepare import current_taxonomy, start_workers
from tasks.running.progress import Progress
from tasks.running.report import render_markdown
from tasks.running.run_record import RunState, begin_run, end_run, utc_now
from tasks.running.steps import load_task, prepare_archive_task, prepare_files_task
from tasks.settings import lock_wait_seconds
from tasks.tagging.watch import run_watches
from warehouse.connect import run_in_progress
from warehouse.load import LoadCounts
from warehouse.lock import set_writer

FIRST_BATCH = 50


@contextmanager
def recorded_run(db: str, flow: str, parameters: dict) -> Iterator[RunState]:
    """Write the run's `runs` row at its start and end, and publish its summary artifact. The warehouse is not
    held for the run: each commit takes the writer lock (naming this run to writers that wait) and publishes.
    With a Dask scheduler configured, the run's batches are prepared on that cluster."""
    set_writer(f"{flow} run {flow_run_id() or ''}".strip(), lock_wait_seconds())
    state = begin_run(db, flow, parameters, run_id=flow_run_id())
    status = "failed"
    try:
        with run_in_progress(db), cluster_runner(load_settings().dask_address):
            yield state
        status = "completed"
    finally:
        watch_new_articles(state)
        end_run(state, status)  # publishes
        publish_summary(state, status)


def watch_new_articles(state: RunState) -> None:
    """Watchlist hits among the run's new articles: recorded, counted, listed in the summary, posted to webhooks."""
    try:
        hits = run_watches(state.db, state.run_id, utc_now())
    except Exception as error:  # a watchlist never costs the run
        logging.getLogger(__name__).warning("watchlists could not be matched: %s", error)
        return
    if hits:
        state.count("watch_hits", len(hits))
        state.watch_hits = [{"watch": h.watch, "article_id": h.article_id, "title": h.title, "terms": h.terms}
                            for h in hits]  # fmt: skip


def count_rows(state: RunState) -> list[dict]:
    """The run's counts as table rows: the run's own, then each feed's."""
    rows = [{"scope": "run", "counter": k, "value": v} for k, v in state.counts.as_dict().items() if k != "extra"]
    rows += [{"scope": "run", "counter": k, "value": v} for k, v in sorted(state.counts.extra.items())]
    rows += [
        {"scope": feed, "counter": k, "value": v}
        for feed, c in sorted(state.feeds.items())
        for k, v in sorted(c.items())
    ]
    return rows


def publish_summary(state: RunState, status: str) -> None:
    """The run's summary and counts as Prefect artifacts (a run outside Prefect has its `runs` row only)."""
    if is_direct():
        return
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    try:
        create_markdown_artifact(
            markdown=render_markdown(state, status),
            key=f"newsflow-{state.flow}",
            description=f"newsflow {state.flow} run summary",
        )
        create_table_artifact(
            table=count_rows(state),
            key=f"newsflow-{state.flow}-counts",
            description=f"newsflow {state.flow} run counts (per feed for a sources run)",
        )
    except Exception as error:  # an artifact is a report, never a reason to lose the run
        logging.getLogger(__name__).warning("could not publish the run artifact: %s", error)


def load_prepared(
    state: RunState, batch: Batch, now: datetime, refresh: bool = False, raw: list[RawDocument] | None = None,
    progress: list[ArchiveMark] | None = None,
) -> LoadCounts | None:  # fmt: skip
    """Count a prepared batch on the run and load it (with the raw documents it came from, and the archive
    progress it reaches); a failed load is counted, not fatal."""
    state.record_read(batch.read)
    state.record_skips(batch.skips)
    if not batch.articles and not raw and not progress:
        return LoadCounts()
    try:
        loaded = run_task(
            load_task,
            state.db,
            quote(batch.articles),
            state.run_id,
            now,
            refresh,
            quote(raw or []),
            quote(progress or []),
        )
    except Exception as error:
        run_logger().error("loading a batch of %d failed: %s", len(batch.articles), error)
        first = batch.articles[0].source_uri if batch.articles else "the raw store"
        state.record_failure(f"batch of {len(batch.articles)} from {first}", str(error), len(batch.articles))
        return None
    state.record_load(loaded, refresh)
    return loaded


def ingest_files(
    state: RunState, files: list[str | FilePart], batch_size: int, workers: int, progress: bool = False
) -> None:
    """Read, prepare and load files in batches; the next batch is prepared on the workers while one loads."""
    taxonomy = current_taxonomy()
    files = split_line_files(files)
    if not on_cluster() and (len(files) > FIRST_BATCH or any(isinstance(item, FilePart) for item in files)):
        start_workers(workers)
    bar = Progress(total=len(files), label="ingest", enabled=progress)
    try:
        chunks = list(chunked(files, batch_size, weight=item_weight))
        pending = submit_prepare(prepare_files_task, chunks[0], utc_now(), workers, taxonomy) if chunks else None
        for index, chunk in enumerate(chunks):
            batch = pending.result()
            if index + 1 < len(chunks):
                pending = submit_prepare(prepare_files_task, chunks[index + 1], utc_now(), workers, taxonomy)
            load_prepared(state, batch, utc_now())
            bar.advance(len(chunk))
    finally:
        bar.close()
        shutdown_pool()


def ingest_found(
    state: RunState, files: list[str], batch_size: int, workers: int, progress: bool = False,
    filters: ArchiveFilter | None = None,
) -> None:  # fmt: skip
    """Files found under a run's paths: article files in batches, then WARC archives as streams (with `filters`)."""
    ingest_files(state, [f for f in files if not is_archive(f)], batch_size, workers, progress)
    ingest_archives(state, [f for f in files if is_archive(f)], filters or ArchiveFilter(), batch_size, workers)


def ingest_archives(
    state: RunState, archives: list[str], filters: ArchiveFilter, batch_size: int, workers: int, again: bool = False
) -> None:
    """Read WARC archives as a stream of record chunks: each chunk's pages are extracted on the workers while the
    one before is loaded, and the offset reached in each archive commits with its chunk's articles. An archive
    read to its end with these filters is left alone (read again from its start with `again`); one a killed run
    left unfinished resumes at its first record not loaded."""
    if not archives:
        return
    archives = [os.path.abspath(a) for a in archives]
    todo, starts, done = plan_archives(archives, read_archive_marks(state.db, archives, filters), again)
    if done:
        state.count("archives_already_read", len(done))
    if not todo:
        return
    taxonomy = current_taxonomy()
    if not on_cluster():
        start_workers(workers)
    broken: set[str] = set()  # archives whose pages failed to load: their progress stops there for a rerun

    def finish(chunk: ArchiveChunk, pending) -> None:
        batch = pending.result()
        record_chunk(state, chunk, batch)
        progress = [m for m in chunk.marks if m.archive not in broken]
        if load_prepared(state, batch, utc_now(), refresh=again, progress=progress) is None:
            broken.update(m.archive for m in chunk.marks)

    previous = None
    try:
        for chunk in read_archives(todo, filters, starts, batch_size, first=FIRST_BATCH):
            pending = submit_prepare(prepare_archive_task, chunk.pages, utc_now(), workers, taxonomy, filters.languages)
            if previous:
                finish(*previous)
            previous = (chunk, pending)
        if previous:
            finish(*previous)
    finally:
        shutdown_pool()


def chunked(items: list, size: int, first: int = FIRST_BATCH, weight=None) -> Iterator[list]:
    """A small first batch (the first rows land in seconds), then batches of `size` (in `weight` units)."""
    step, chunk, total = min(first, size), [], 0
    for item in items:
        chunk.append(item)
        total += weight(item) if weight else 1
        if total >= step:
            yield chunk
            step, chunk, total = size, [], 0
    if chunk:
        yield chunk


def item_weight(item: str | FilePart) -> int:
    """About how many articles an input holds: one per file, one per 8 KiB of a JSON Lines part."""
    return 1 + (item.end - item.start) // 8192 if isinstance(item, FilePart) else 1
