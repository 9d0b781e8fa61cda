"""The retag flow: stored articles tagged again after a taxonomy change, without refetching anything."""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.engine import run_task
from flows.pipeline import chunked, recorded_run
from tasks.loading.reprocess import list_stored_ids
from tasks.running.run_record import utc_now
from tasks.settings import resolve_db
from tasks.tagging.retag import retag_stored
from tasks.tagging.tag import get_tagger

RETAG_BATCH = 2000
select_task = task(name="select-stored", cache_policy=NO_CACHE)(list_stored_ids)
retag_task = task(name="retag", cache_policy=NO_CACHE)(retag_stored)


@flow(name="retag")
def retag_flow(
    since: date | datetime | None = None, until: date | datetime | None = None, db: str | None = None
) -> dict:
    """Re-tag (topics and places) stored articles published in [since, until), all of them by default,
    recording the taxonomy version on every row."""
    db_path = str(resolve_db(db))
    parameters = {"since": since, "until": until, "taxonomy": get_tagger().version}
    with recorded_run(db_path, "retag", parameters) as state:
        ids = run_task(select_task, db_path, since, until)
        for chunk in chunked(ids, RETAG_BATCH, first=RETAG_BATCH):
            done = run_task(retag_task, db_path, quote(chunk), utc_now())
            state.record_read(done)
            state.count("retagged", done)
    return state.summary()
