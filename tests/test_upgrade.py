"""A warehouse written before the published/working split (the fixture was made by that release: `newsflow
ingest samples/` and a sources run of three local feeds) is converted on first use, and nothing is lost."""

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.connect import ensure_published, open_warehouse
from warehouse.layout import warehouse_paths

FIXTURE = Path(__file__).parent / "fixtures" / "warehouse-before-publishing.duckdb.gz"


def read_tables(path: Path) -> dict[str, tuple[list[str], list]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        tables = {}
        for name in names:
            cursor = con.execute(f'select * from "{name}"')
            columns = [d[0] for d in cursor.description]
            tables[name] = (columns, sorted(cursor.fetchall(), key=repr))
    return tables


def select_columns(path: Path, table: str, columns: list[str]) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        names = ", ".join(f'"{c}"' for c in columns)
        return sorted(con.execute(f'select {names} from "{table}"').fetchall(), key=repr)


@pytest.fixture
def old_warehouse(tmp_path) -> Path:
    db = tmp_path / "newsflow.duckdb"
    with gzip.open(FIXTURE) as source, open(db, "wb") as target:
        shutil.copyfileobj(source, target)
    return db


def test_first_use_converts_an_old_warehouse_and_loses_nothing(old_warehouse):
    before = read_tables(old_warehouse)
    assert before["raw_documents"][1] and before["articles"][1]  # the fixture has a raw store and articles
    paths = ensure_published(old_warehouse)
    assert paths.work.exists() and paths.raw.exists() and not paths.marker.exists()
    for table, (columns, rows) in before.items():
        if table == "schema_migrations":
            continue
        where = paths.raw if table == "raw_documents" else paths.published
        assert select_columns(where, table, columns) == rows, table
    with open_warehouse(old_warehouse) as con:
        assert "raw_documents" not in {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert con.execute("select tags from duckdb_databases() where not internal").fetchall() == [
            ({"storage_version": "v1.4.0+"},)
        ]
        assert con.execute("select count(*) from unique_stories").fetchone()[0] > 0  # views came along
    assert read_tables(paths.backup) == before  # the old file itself, kept under another name
    assert ensure_published(old_warehouse) == paths  # a second start converts nothing again


@pytest.mark.usefixtures("prefect_harness")
def test_converted_warehouse_runs_on_repeats_nothing_and_backfills_from_its_raw_store(old_warehouse):
    from flows.backfill import backfill_flow
    from flows.ingest import ingest_flow

    samples = Path(__file__).parent.parent / "samples"
    with duckdb.connect(str(old_warehouse), read_only=True) as con:
        stored = con.execute("select count(*) from articles").fetchone()[0]
        web = con.execute("select count(*) from articles where raw_page_id is not null").fetchone()[0]
    result = ingest_flow(paths=[str(samples)], db=str(old_warehouse))
    assert result["new"] == 0 and result["duplicate"] == result["read"] == 35  # all of it is there already
    rebuilt = backfill_flow(since="2020-01-01", until="2100-01-01", by="fetched", db=str(old_warehouse))
    assert rebuilt["failed"] == 0 and rebuilt["read"] >= web == 12  # the web articles, from the moved raw store
    with open_warehouse(old_warehouse) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == stored
        statuses = con.execute("select flow, status from runs order by started_at").fetchall()
    assert statuses[-2:] == [("ingest", "completed"), ("backfill", "completed")]
    assert not warehouse_paths(old_warehouse).marker.exists()


def test_a_lost_private_folder_is_rebuilt_from_the_published_file(old_warehouse):
    paths = ensure_published(old_warehouse)
    published = {t: rows for t, (_, rows) in read_tables(paths.published).items() if t != "schema_migrations"}
    paths.backup.unlink()
    shutil.rmtree(paths.private)
    ensure_published(old_warehouse)
    again = {t: rows for t, (_, rows) in read_tables(paths.published).items() if t != "schema_migrations"}
    assert again == published and paths.work.exists()
    assert not paths.backup.exists()  # a published file is not an old release's: nothing to keep aside
