"""Make the working copy: a new one, or one converted from the file at the published path (a warehouse written
before the published/working split, or a published file whose private folder was lost)."""

from __future__ import annotations

import logging
import os

import duckdb

from warehouse.errors import WarehouseError
from warehouse.layout import STORAGE_VERSION, WarehousePaths
from warehouse.migrate import apply_migrations

LOG = logging.getLogger(__name__)
RAW_SCHEMA_SQL = """
create table if not exists raw.raw_documents (
    raw_id varchar primary key,
    url varchar not null,
    kind varchar not null,
    fetched_at timestamptz not null,
    status integer,
    headers json,
    size integer not null,
    body blob not null,
    run_id varchar not null
)
"""
NOT_COPIED = {"schema_migrations", "raw_documents"}


def build_working(paths: WarehousePaths) -> None:
    """Create the working copy (and raw store) under temporary names, fill them from the published path's file
    when there is one, then rename them into place; the working copy's arrival is the commit point."""
    paths.private.mkdir(parents=True, exist_ok=True)
    work = paths.work.with_name("work.building")
    # a raw store already there (a conversion cut short, or a lost working copy) is kept and added to
    raw = paths.raw if paths.raw.exists() else paths.raw.with_name("raw.building")
    for leftover in {work, paths.raw.with_name("raw.building")}:
        leftover.unlink(missing_ok=True)
        leftover.with_name(leftover.name + ".wal").unlink(missing_ok=True)
    source = paths.published if paths.published.exists() else None
    con = duckdb.connect()
    try:
        con.execute(f"attach '{sql_path(work)}' as work (storage_version '{STORAGE_VERSION}')")
        con.execute(f"attach '{sql_path(raw)}' as raw (storage_version '{STORAGE_VERSION}')")
        con.execute("use work")
        apply_migrations(con)
        con.execute(RAW_SCHEMA_SQL)
        legacy = copy_tables(con, paths) if source is not None else False
        con.execute("use memory")
        con.execute("detach work")
        con.execute("detach raw")
    finally:
        con.close()
    if legacy and not paths.backup.exists():
        os.link(source, paths.backup)  # the old file stays readable under this name until the user deletes it
    os.replace(raw, paths.raw)
    os.replace(work, paths.work)
    if source is not None:
        set_aside_wal(paths)
        paths.marker.touch()  # the published path still holds the old file: publish the converted one


def copy_tables(con: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> bool:
    """Every table of the file at the published path into the new working copy (by column name, so an older
    schema's missing columns take their defaults), and its raw documents into the raw store. True for a file of
    the earlier, one-file layout (rather than a published file whose private folder was lost)."""
    source = paths.published
    try:
        con.execute(f"attach '{sql_path(source)}' as old (read_only)")
    except duckdb.Error as error:
        raise WarehouseError(f"cannot open {source}: {str(error).splitlines()[0]}") from error
    try:
        old = table_names(con, "old")
        new = table_names(con, "work")
        legacy = "raw_documents" in old  # the one-file layout kept its raw store inside
        for table in sorted((old & new) - NOT_COPIED):
            con.execute(f'insert into work.main."{table}" by name select * from old.main."{table}"')
        if legacy:
            con.execute("insert or ignore into raw.raw_documents by name select * from old.main.raw_documents")
        (articles,) = con.execute("select count(*) from work.main.articles").fetchone()
        if legacy:
            LOG.warning("converted %s (%d articles) to the published/working layout; the old file is kept as %s",
                        source, articles, paths.backup)  # fmt: skip
        else:
            LOG.warning("rebuilt the working copy of %s from the published file (%d articles)", source, articles)
        return legacy
    finally:
        con.execute("detach old")


def table_names(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [database]
    ).fetchall()
    return {row[0] for row in rows}


def set_aside_wal(paths: WarehousePaths) -> None:
    """An old writer's log beside the published path would be replayed into the new file: keep it with the
    backup instead (its commits are in the converted copy already)."""
    wal = paths.published.with_name(paths.published.name + ".wal")
    if wal.exists():
        os.replace(wal, paths.backup.with_name(paths.backup.name + ".wal"))


def sql_path(path) -> str:
    return str(path).replace("'", "''")
