"""The ingest flow: local files, folders and WARC archives into the warehouse, in batches, extraction on every
core."""

from __future__ import annotations

from datetime import date

from prefect import flow

from flows.pipeline import ingest_found, recorded_run
from tasks.reading.read_files import discover_files
from tasks.reading.warc import archive_filter
from tasks.running.pool import default_workers
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db


@flow(name="ingest")
def ingest_flow(
    paths: list[str],
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    progress: bool = False,
    domains: list[str] | None = None,
    languages: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict:
    """Read every article file under `paths`, clean, deduplicate, tag and load it; return the run's counts.
    WARC archives are read as streams, resuming where a killed run stopped; `domains`, `languages` and the
    capture-date range [since, until) choose their records before extraction."""
    db_path = str(resolve_db(db))
    workers = workers or default_workers()
    filters = archive_filter(domains, languages, since, until)
    parameters = {"paths": paths, "batch_size": batch_size, "workers": workers, "domains": domains,
                  "languages": languages, "since": since, "until": until}  # fmt: skip
    with recorded_run(db_path, "ingest", parameters) as state:
        files, skips = discover_files(paths)
        state.record_skips(skips)
        ingest_found(state, files, batch_size, workers, progress, filters)
    return state.summary()
