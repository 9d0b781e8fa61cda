"""`newsflow export`: Parquet partitioned by publication day, CSV and JSON Lines; round trips, ranges, and the
same files from the same range twice."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.cli import main
from tasks.dedup.identity import assign_identity
from tasks.loading.load import load_articles
from tasks.models import Article
from tasks.tagging.tag import tag_articles
from warehouse.connect import open_warehouse

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def build(db: str) -> None:
    articles = [
        Article(source_uri=f"{n}.txt", body=f"Story {n}: the striker scored twice as the team won the cup final.",
                title=f"Story {n}", url=f"https://x.example/{n}", source="Paper",
                published_at=datetime(2026, 11, 20 + n % 3, 8, tzinfo=UTC) if n < 5 else None)
        for n in range(6)
    ]  # fmt: skip
    assign_identity(articles)
    tag_articles(articles)
    load_articles(db, articles, "run-1", NOW)


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return sha.hexdigest()


def test_parquet_round_trips_partitioned_by_day_and_repeats_exactly(db, tmp_path, capsys):
    build(db)
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--db", db]) == 0
    assert "articles 6" in capsys.readouterr().out
    days = sorted(p.name for p in (out / "articles").iterdir())
    assert days == ["day=2026-11-20", "day=2026-11-21", "day=2026-11-22", "day=unknown"]
    with open_warehouse(db) as con:
        stored = con.execute("select * from articles order by article_id").fetchall()
        topics = con.execute("select * from article_topics order by article_id, topic").fetchall()
    read = duckdb.connect()
    back = read.execute(f"select * exclude (day) from read_parquet('{out}/articles/*/*.parquet',"
                        " hive_partitioning = true) order by article_id").fetchall()  # fmt: skip
    back_topics = read.execute(f"select * exclude (day) from read_parquet('{out}/article_topics/*/*.parquet',"
                               " hive_partitioning = true) order by article_id, topic").fetchall()  # fmt: skip
    assert back == stored and back_topics == topics and topics
    first = digest(out)
    assert main(["export", "--out", str(out), "--db", db]) == 0
    assert digest(out) == first  # the same range twice: the same files


def test_a_range_and_the_text_formats(db, tmp_path):
    build(db)
    out = tmp_path / "export"
    args = ["--since", "2026-11-21", "--until", "2026-11-22", "--tables", "articles", "sightings", "--db", db]
    assert main(["export", "--format", "jsonl", "--out", str(out), *args]) == 0
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert sorted(r["title"] for r in rows) == ["Story 1", "Story 4"]
    assert len((out / "sightings.jsonl").read_text().splitlines()) == 2
    assert not (out / "article_topics.jsonl").exists()
    assert main(["export", "--format", "csv", "--out", str(out), *args]) == 0
    assert (out / "articles.csv").read_text().splitlines()[0].startswith("article_id,url,source")
