from datetime import UTC, datetime

import duckdb
import pytest

from tasks.loading.load import load_articles
from tasks.models import Article, Batch
from tasks.running.prepare import prepare_articles
from warehouse.connect import WarehouseError, connect, open_warehouse, open_working
from warehouse.migrate import apply_migrations, list_migrations, schema_version

NOW = datetime(2026, 11, 28, tzinfo=UTC)
BODY = "The river authority opened a new flood barrier on Monday, protecting two thousand homes from high tides."


def make(url: str | None, body: str = BODY, source_uri: str = "in.txt", source: str = "Paper") -> Article:
    article = Article(source_uri=source_uri, body=body, url=url, title="Barrier opens", source=source)
    cleaned = prepare_articles(Batch(articles=[article]), NOW)
    return cleaned.articles[0]


def counts(db: str) -> dict[str, int]:
    with open_warehouse(db) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "article_topics", "sightings")}  # fmt: skip


def test_migrations_create_schema_and_record_versions(db):
    with open_working(db) as con:
        assert schema_version(con) == max(v for v, _, _ in list_migrations())
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"articles", "article_topics", "runs", "sightings", "schema_migrations"} <= tables


def test_migrations_upgrade_an_existing_file(db, tmp_path):
    old = tmp_path / "old_migrations"
    old.mkdir()
    first = list_migrations()[0]
    (old / first[2].name).write_text(first[2].read_text())
    con = duckdb.connect(db)
    apply_migrations(con, old)
    con.execute("insert into runs (run_id, flow, started_at, status) values ('r0', 'ingest', now(), 'completed')")
    con.close()
    (old / "999_extra.sql").write_text("alter table runs add column note varchar;")
    con = duckdb.connect(db)
    assert apply_migrations(con, old) == [999]
    assert apply_migrations(con, old) == []
    assert con.execute("select run_id, note from runs").fetchall() == [("r0", None)]
    con.close()


def test_failed_migration_rolls_back(db, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "001_ok.sql").write_text("create table a (x int);")
    (folder / "002_bad.sql").write_text("create table b (y int); select * from no_such_table;")
    con = duckdb.connect(db)
    with pytest.raises(duckdb.Error):
        apply_migrations(con, folder)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "a" in tables and "b" not in tables
    assert con.execute("select version from schema_migrations").fetchall() == [(1,)]
    con.close()


def test_load_is_idempotent_and_dedups_across_runs(db):
    first = load_articles(db, [make("https://paper.example/barrier")], "run1", NOW)
    assert (first.new, first.duplicate) == (1, 0)
    before = counts(db)
    again = load_articles(db, [make("https://paper.example/barrier")], "run2", NOW)
    assert (again.new, again.duplicate) == (0, 1)
    assert counts(db) == before
    # same canonical URL with tracking parameters and a fragment, new text: no new row, a new sighting
    tracked = make("HTTPS://Paper.example/barrier?utm_source=x&fbclid=1#top", body=BODY + " Updated.",
                   source_uri="feed.xml", source="Aggregator")  # fmt: skip
    assert load_articles(db, [tracked], "run3", NOW).new == 0
    # same text at another URL: no new row, a new sighting
    assert load_articles(db, [make("https://other.example/copy", source_uri="copy.txt")], "run4", NOW).new == 0
    after = counts(db)
    assert after["articles"] == 1 and after["sightings"] == 3
    with open_warehouse(db) as con:
        rows = con.execute("select source, source_uri, times_seen from sightings order by source_uri").fetchall()
    assert rows == [("Paper", "copy.txt", 1), ("Aggregator", "feed.xml", 1), ("Paper", "in.txt", 1)]  # re-reading
    # in.txt was not a new appearance


def test_duplicates_inside_one_batch(db):
    batch = [
        make("https://a.example/1"),
        make("https://a.example/1#x"),
        make(None),
        make("https://b.example/2"),
    ]
    loaded = load_articles(db, batch, "run1", NOW)
    assert (loaded.new, loaded.duplicate) == (1, 3)
    assert counts(db)["articles"] == 1


def test_topics_load_with_articles(db):
    article = make("https://paper.example/match", body="The football club won the league title after a 2-0 "
                   "victory over their rivals, with the striker scoring twice in the second half.")  # fmt: skip
    load_articles(db, [article], "run1", NOW)
    with open_warehouse(db) as con:
        topics = [r[0] for r in con.execute("select topic from article_topics order by score desc").fetchall()]
    assert topics[0] == "medtop:15000000"


def test_a_failed_batch_leaves_nothing(db):
    good = make("https://paper.example/ok")
    bad = make("https://paper.example/bad", body="A different story about a school opening its new library.")
    bad.content_hash = None  # violates NOT NULL: the whole batch must roll back
    with pytest.raises(duckdb.Error):
        load_articles(db, [good, bad], "run1", NOW)
    assert counts(db) == {"articles": 0, "article_topics": 0, "sightings": 0}


def test_unusable_files_give_clear_errors(tmp_path):
    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("this is not a database")
    with pytest.raises(WarehouseError, match="cannot open"):
        connect(not_db)
    with pytest.raises(WarehouseError, match="no warehouse"):
        connect(tmp_path / "missing.duckdb", read_only=True)
