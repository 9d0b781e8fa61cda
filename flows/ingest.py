"""The ingest flow: local files and folders into the warehouse, in batches, extraction on every core."""

from __future__ import annotations

from prefect import flow

from flows.pipeline import FIRST_BATCH, chunked, load_prepared, recorded_run
from tasks.pool import default_workers, shutdown_pool
from tasks.prepare import current_taxonomy, start_workers
from tasks.progress import Progress
from tasks.read_files import discover_files
from tasks.run_record import utc_now
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db
from tasks.steps import prepare_files_task


@flow(name="ingest")
def ingest_flow(
    paths: list[str],
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    progress: bool = False,
) -> dict:
    """Read every article file under `paths`, clean, deduplicate, tag and load it; return the run's counts."""
    db_path = str(resolve_db(db))
    workers = workers or default_workers()
    taxonomy = current_taxonomy()
    parameters = {"paths": paths, "batch_size": batch_size, "workers": workers}
    with recorded_run(db_path, "ingest", parameters) as state:
        files, skips = discover_files(paths)
        state.record_skips(skips)
        if len(files) > FIRST_BATCH:
            start_workers(workers)
        bar = Progress(total=len(files), label="ingest", enabled=progress)
        try:
            chunks = list(chunked(files, batch_size))
            # the next batch is read on the worker processes while this one loads
            pending = prepare_files_task.submit(chunks[0], utc_now(), workers, taxonomy) if chunks else None
            for index, chunk in enumerate(chunks):
                batch = pending.result()
                if index + 1 < len(chunks):
                    pending = prepare_files_task.submit(chunks[index + 1], utc_now(), workers, taxonomy)
                load_prepared(state, batch, utc_now())
                bar.advance(len(chunk))
        finally:
            bar.close()
            shutdown_pool()
    return state.summary()
