"""The `archive_progress` table: how far runs got in each WARC archive, per set of record filters."""

from __future__ import annotations

import duckdb

PROGRESS_COLUMNS = ("archive", "filters", "size", "next_offset", "records", "finished")

UPSERT_PROGRESS_SQL = """
insert into archive_progress (archive, filters, size, next_offset, records, finished, run_id, updated_at)
select archive, filters, size, next_offset, records, finished, $run_id, $now from incoming_progress
on conflict (archive, filters) do update set size = excluded.size, next_offset = excluded.next_offset,
    records = excluded.records, finished = excluded.finished, run_id = excluded.run_id,
    updated_at = excluded.updated_at
"""


def select_archive_progress(con: duckdb.DuckDBPyConnection, archives: list[str], filters: str) -> list[tuple]:
    """(archive, filters, size, next_offset, records, finished) of the given archives under these filters."""
    return con.execute(
        f"select {', '.join(PROGRESS_COLUMNS)} from archive_progress"
        " where filters = $filters and archive in (select unnest($archives))",
        {"filters": filters, "archives": archives},
    ).fetchall()
