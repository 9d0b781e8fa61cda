"""The ingest flow: local files and folders into the warehouse, in batches, extraction on every core."""

from __future__ import annotations

from prefect import flow

from flows.pipeline import ingest_files, recorded_run
from tasks.reading.read_files import discover_files
from tasks.running.pool import default_workers
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db


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
    parameters = {"paths": paths, "batch_size": batch_size, "workers": workers}
    with recorded_run(db_path, "ingest", parameters) as state:
        files, skips = discover_files(paths)
        state.record_skips(skips)
        ingest_files(state, files, batch_size, workers, progress)
    return state.summary()
