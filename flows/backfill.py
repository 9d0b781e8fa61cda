"""The backfill flow: re-clean and re-tag stored articles of a published_at range, or re-read given paths."""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.pipeline import chunked, load_prepared, recorded_run
from tasks.models import Batch
from tasks.pool import default_workers, shutdown_pool
from tasks.prepare import current_taxonomy
from tasks.read_files import discover_files
from tasks.reprocess import list_stored_ids, load_stored_articles, recluster_range
from tasks.run_record import utc_now
from tasks.settings import DEFAULT_BATCH_SIZE, resolve_db
from tasks.steps import prepare_files_task, prepare_task

stored_ids_task = task(name="select-stored", cache_policy=NO_CACHE)(list_stored_ids)
stored_articles_task = task(name="read-stored", cache_policy=NO_CACHE)(load_stored_articles)
recluster_task = task(name="recluster", cache_policy=NO_CACHE)(recluster_range)


@flow(name="backfill")
def backfill_flow(
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    paths: list[str] | None = None,
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
) -> dict:
    """Redo stored articles published in [since, until) with today's cleaner, tagger and near-duplicate
    clustering, updating them in place; with `paths`, re-read those files and refresh what they hold.
    Nothing is duplicated; clusters outside the range keep their members."""
    db_path = str(resolve_db(db))
    parameters = {"since": since, "until": until, "paths": paths, "batch_size": batch_size}
    with recorded_run(db_path, "backfill", parameters) as state:
        if paths:
            files, skips = discover_files(paths)
            state.record_skips(skips)
            taxonomy, workers = current_taxonomy(), workers or default_workers()
            try:
                for chunk in chunked(files, batch_size):
                    batch = prepare_files_task(chunk, utc_now(), workers, taxonomy)
                    load_prepared(state, batch, utc_now(), refresh=True)
            finally:
                shutdown_pool()
        else:
            ids = stored_ids_task(db_path, since, until)
            for chunk in chunked(ids, batch_size):
                stored = stored_articles_task(db_path, chunk)
                batch = prepare_task(quote(Batch(articles=stored, read=len(stored))), utc_now())
                load_prepared(state, batch, utc_now(), refresh=True)
            if ids:
                state.count("reclustered", recluster_task(db_path, quote(ids)))
    return state.summary()
