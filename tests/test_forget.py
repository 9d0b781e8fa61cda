"""`newsflow delete` and `newsflow forget-feed` remove what they name from every table, leave no orphan rows,
and are recorded as runs."""

from datetime import UTC, datetime

import pytest

from flows.cli import main
from tasks.loading.load import load_articles
from tasks.models import Article, Batch
from tasks.running.prepare import prepare_articles
from tests.stories import STORIES, body
from warehouse.connect import Publish, open_warehouse, open_working
from warehouse.feeds import FeedState, save_feed_states
from warehouse.forget import ARTICLE_ROWS

NOW = datetime(2026, 12, 1, tzinfo=UTC)
FEED = "https://paper.example/feed"


def build(db: str) -> list[str]:
    """A story and its near-copy from the feed, an unrelated article also seen from another source."""
    title, paragraphs = STORIES["bridge-repair"]
    raw = [
        Article(source_uri="a.html", body=body(paragraphs), title=title, url="https://paper.example/a",
                source="Paper", feed_key=FEED, entry_key="a"),
        Article(source_uri="b.html", body=body(paragraphs) + " The council replied on Friday.", title=title,
                url="https://paper.example/b", source="Paper", feed_key=FEED, entry_key="b"),
        Article(source_uri="c.txt", body="Striker scores twice as United win the cup final at the stadium tonight.",
                title="Cup final", url="https://paper.example/c", source="Paper", feed_key=FEED, entry_key="c"),
        Article(source_uri="wire.txt", body="Striker scores twice as United win the cup final at the stadium tonight.",
                title="Cup final", url="https://paper.example/c", source="Wire"),
    ]  # fmt: skip
    with open_working(db, Publish.NOW) as con:
        save_feed_states(con, [FeedState(feed_key=FEED, source="Paper", url=FEED)])
    articles = prepare_articles(Batch(articles=raw, read=4), NOW).articles
    load_articles(db, articles, "run-1", NOW)
    return [a.article_id for a in articles[:3]]


def orphans(db: str) -> dict[str, int]:
    """Rows naming an article that is gone, in every table with an article column (not only those forget knows)."""
    with open_warehouse(db) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where column_name in"
            " ('article_id', 'similar_to') and table_name in (select table_name from information_schema.tables"
            " where table_type = 'BASE TABLE')"
        ).fetchall()
        found = {
            f"{table}.{column}": con.execute(
                f"select count(*) from {table} where {column} not in (select article_id from articles)"
            ).fetchone()[0]
            for table, column in columns
        }
    assert {f"{t}.{c}" for t, c in ARTICLE_ROWS} >= set(found), "a table names articles that forget does not clean"
    return found


def test_delete_removes_an_article_everywhere_and_is_a_run(db, capsys):
    story, copy, _ = build(db)
    with open_working(db, Publish.NOW) as con:
        con.execute("insert into watch_hits values ('port', ?, 'run-1', ['bridge'], now())", [story])
    with open_warehouse(db) as con:
        assert con.execute("select count(*) from near_duplicates").fetchone()[0] == 1  # the copy names the story
    assert main(["delete", story, "nonexistent", "--db", db]) == 0
    assert "deleted 1 article (1 not found)" in capsys.readouterr().out
    with open_warehouse(db) as con:
        ids = {row[0] for row in con.execute("select article_id from articles").fetchall()}
        runs = con.execute("select flow, status, counts from runs").fetchall()
    assert story not in ids and copy in ids
    assert set(orphans(db).values()) == {0}
    assert runs[0][:2] == ("delete", "completed") and '"deleted": 1' in runs[0][2]


def test_forget_feed_with_its_articles_keeps_what_another_source_carried(db, capsys):
    *_, cup = build(db)
    assert main(["forget-feed", "Paper", "--with-articles", "--db", db]) == 0
    assert "forgot 1 feed and 3 entries; deleted 2 articles" in capsys.readouterr().out
    with open_warehouse(db) as con:
        ids = {row[0] for row in con.execute("select article_id from articles").fetchall()}
        assert con.execute("select count(*) from feed_state").fetchone()[0] == 0
        assert con.execute("select count(*) from feed_entries").fetchone()[0] == 0
    assert ids == {cup}  # the wire carried it too
    assert set(orphans(db).values()) == {0}


def test_forget_an_unknown_feed_is_a_usage_error(db, capsys):
    build(db)
    assert main(["forget-feed", "Nope", "--db", db]) == 2
    assert "no feed named 'Nope'" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["delete"], ["forget-feed"]])
def test_the_commands_need_what_to_remove(command, db, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--db", db])
    assert exited.value.code == 2
