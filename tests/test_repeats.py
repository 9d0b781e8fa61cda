"""Repeats are idempotent: the same run or backfill over the same input leaves every table but `runs` identical,
row by row; a sighting is one distinct appearance, with the headline it appeared under."""

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.backfill import backfill_flow
from flows.ingest import ingest_flow
from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths

SAMPLES = Path(__file__).parent.parent / "samples"


def every_table(db: str) -> dict[str, list]:
    """Every row of every table but runs and schema_migrations, and of the raw store."""
    tables = {}
    with open_warehouse(db) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        for name in names:
            if name not in ("runs", "schema_migrations"):
                tables[name] = sorted(con.execute(f'select * from "{name}"').fetchall(), key=repr)
    with duckdb.connect(str(warehouse_paths(db).raw), read_only=True) as raw:
        tables["raw_documents"] = sorted(raw.execute("select * from raw_documents").fetchall(), key=repr)
    return tables


@pytest.mark.usefixtures("prefect_harness")
def test_the_same_ingest_twice_changes_no_table_but_runs(db):
    ingest_flow(paths=[str(SAMPLES)], db=db)
    first = every_table(db)
    again = ingest_flow(paths=[str(SAMPLES)], db=db)
    assert again["new"] == 0
    assert every_table(db) == first
    with open_warehouse(db) as con:
        assert con.execute("select count(*) from runs").fetchone()[0] == 2


@pytest.mark.usefixtures("prefect_harness")
def test_the_same_backfill_twice_changes_nothing_the_second_time(db, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES / "text", folder)
    ingest_flow(paths=[str(folder)], db=db)
    story = folder / "central-bank-holds.txt"
    story.write_text(story.read_text().replace("the bank", "the central bank", 1))
    first = backfill_flow(paths=[str(folder)], db=db)
    assert first["extra"]["refreshed"] == 1
    after_first = every_table(db)
    second = backfill_flow(paths=[str(folder)], db=db)
    assert (second["extra"]["refreshed"], second["extra"]["unchanged"]) == (0, first["read"])
    assert every_table(db) == after_first
    ranged = [backfill_flow(since="1990-01-01", until="2100-01-01", db=db) for _ in range(2)]
    assert ranged[1]["extra"]["refreshed"] == 0 and every_table(db) == after_first


@pytest.mark.usefixtures("prefect_harness")
def test_a_copy_under_another_headline_keeps_it_in_its_sighting(db, tmp_path):
    body = (SAMPLES / "text" / "harbour-city-budget.txt").read_text().split("\n", 1)[1]
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "copy.txt").write_text("Council passes harbour budget at last\n" + body)
    ingest_flow(paths=[str(SAMPLES / "text" / "harbour-city-budget.txt"), str(tmp_path / "wire")], db=db)
    with open_warehouse(db) as con:
        rows = con.execute("select source_uri, title from sightings order by source_uri").fetchall()
        articles = con.execute("select count(*) from articles").fetchone()[0]
    assert articles == 1 and len(rows) == 2
    titles = dict(rows)
    assert titles[str(tmp_path / "wire" / "copy.txt")] == "Council passes harbour budget at last"
    assert titles[str(SAMPLES / "text" / "harbour-city-budget.txt")] != "Council passes harbour budget at last"
