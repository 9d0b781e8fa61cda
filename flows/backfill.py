"""The backfill flow: redo stored articles of a date range (offline, from the raw store), or re-read paths."""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.engine import run_task, submit_prepare
from flows.pipeline import chunked, ingest_archives, load_prepared, recorded_run
from tasks.loading.reprocess import list_stored_ids, rebuild_stored, recluster_range
from tasks.reading.read_files import discover_files
from tasks.reading.warc import archive_filter, is_archive
from tasks.running.pool import default_workers, shutdown_pool
from tasks.running.prepare import current_taxonomy
from tasks.running.run_record import utc_now
from tasks.running.steps import prepare_files_task
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db

stored_ids_task = task(name="select-stored", cache_policy=NO_CACHE)(list_stored_ids)
rebuild_task = task(name="rebuild-stored", cache_policy=NO_CACHE)(rebuild_stored)
recluster_task = task(name="recluster", cache_policy=NO_CACHE)(recluster_range)


@flow(name="backfill")
def backfill_flow(
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    by: str = "published",
    paths: list[str] | None = None,
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    domains: list[str] | None = None,
    languages: list[str] | None = None,
) -> dict:
    """Redo the stored articles whose publication (`by="published"`) or fetch (`by="fetched"`) time is in
    [since, until): web articles are extracted again from the raw store (no network), the rest re-cleaned from
    their text; all are re-tagged and re-clustered, in place. With `paths`, re-read those files and refresh what
    they hold; in WARC archives there, [since, until) is the capture date, and `domains` and `languages` choose
    records too. Idempotent; clusters outside the range keep their members."""
    if by not in ("published", "fetched"):
        raise ValueError(f"by must be 'published' or 'fetched', not {by!r}")
    db_path = str(resolve_db(db))
    workers = workers or default_workers()
    parameters = {"since": since, "until": until, "by": by, "paths": paths, "batch_size": batch_size,
                  "domains": domains, "languages": languages}  # fmt: skip
    with recorded_run(db_path, "backfill", parameters) as state:
        try:
            if paths:
                files, skips = discover_files(paths)
                state.record_skips(skips)
                filters = archive_filter(domains, languages, since, until)
                ingest_archives(state, [f for f in files if is_archive(f)], filters, batch_size, workers, again=True)
                for chunk in chunked([f for f in files if not is_archive(f)], batch_size):
                    batch = submit_prepare(prepare_files_task, chunk, utc_now(), workers, current_taxonomy()).result()
                    load_prepared(state, batch, utc_now(), refresh=True)
            else:
                ids = run_task(stored_ids_task, db_path, since, until, by)
                for chunk in chunked(ids, batch_size):
                    batch = run_task(rebuild_task, db_path, quote(chunk), utc_now(), workers, current_taxonomy())
                    load_prepared(state, batch, utc_now(), refresh=True)
                if ids:
                    state.count("reclustered", run_task(recluster_task, db_path, quote(ids)))
        finally:
            shutdown_pool()
    return state.summary()
