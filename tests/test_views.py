"""The analysts' views over a warehouse built here: daily_topics, story_timeline, source_quality, latest_articles."""

from datetime import UTC, datetime, timedelta

from tasks.loading.load import load_articles
from tasks.models import Article, Batch, PageOutcome
from tasks.running.prepare import prepare_articles
from tasks.running.run_record import begin_run, end_run
from tests.stories import STORIES, body
from warehouse.connect import Publish, open_warehouse, open_working
from warehouse.feeds import FeedState, save_feed_states

DAY1 = datetime(2026, 11, 20, 9, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
SPORT = ("Striker scores twice as United win the cup final", "The striker scored twice in the second half as "
         "United won the cup final, the league's top scorer adding a penalty before the referee's final whistle. "
         "The goalkeeper saved a late shot and the manager praised the team's defence after the match.")  # fmt: skip
VOTE = ("Parliament votes on the budget", "Members of parliament voted on the government's budget after a long "
        "debate, with the opposition party promising to campaign against the spending plan before the election. "
        "The prime minister said the coalition would hold together through the vote.")  # fmt: skip


def make(key: str, title: str, text: str, published: datetime | None, source: str = "Paper", **fields) -> Article:
    raw = Article(source_uri=f"{key}.txt", body=text, title=title, url=f"https://paper.example/{key}", source=source,
                  published_at=published, date_explicit=True, **fields)  # fmt: skip
    return prepare_articles(Batch(articles=[raw], read=1), DAY2 + timedelta(days=1)).articles[0]


def rows(db: str, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def test_daily_topics_counts_each_topic_and_its_share_of_the_day(db):
    load_articles(db, [make("s1", *SPORT, DAY1), make("v1", *VOTE, DAY1), make("v2", VOTE[0], VOTE[1] + " Again.",
                  DAY2)], "run-1", DAY2)  # fmt: skip
    found = rows(db, "select day::varchar, label, articles, share from daily_topics"
                     " where label in ('sport', 'politics and government') order by day, label")  # fmt: skip
    assert found == [("2026-11-20", "politics and government", 1, 0.5), ("2026-11-20", "sport", 1, 0.5),
                     ("2026-11-21", "politics and government", 1, 1.0)]  # fmt: skip


def test_story_timeline_follows_a_story_across_sources_and_days(db):
    title, paragraphs = STORIES["bridge-repair"]
    original = make("bridge", title, body(paragraphs), DAY1, source="Paper")
    copy = make("bridge-copy", title, body(paragraphs) + " Updated with the council's reply.", DAY1, source="Wire")
    load_articles(db, [original], "run-1", DAY1)
    load_articles(db, [copy], "run-2", DAY2)
    found = rows(db, "select day::varchar, articles, sources from story_timeline order by day")
    assert rows(db, "select count(distinct cluster_id) from story_timeline") == [(1,)]
    assert found == [("2026-11-20", 1, 1), ("2026-11-21", 1, 1)]  # one new copy a day, from a new source each
    first, last = rows(db, "select min(first_seen), max(last_seen) from story_timeline")[0]
    assert first == DAY1 and last == DAY2


def test_source_quality_per_source_and_day(db):
    with open_working(db, Publish.NOW) as con:
        save_feed_states(con, [FeedState(feed_key="https://paper.example/feed", source="Paper",
                                         url="https://paper.example/feed")])  # fmt: skip
    fetched = make("s1", *SPORT, DAY1, authors=["Kim Lee"], feed_key="https://paper.example/feed", entry_key="1",
                   page=PageOutcome("fetched", "https://paper.example/s1"))  # fmt: skip
    blocked = make(
        "v1",
        *VOTE,
        None,
        feed_key="https://paper.example/feed",
        entry_key="2",
        page=PageOutcome("blocked", "https://paper.example/v1", error="blocked page: a consent wall"),
    )
    load_articles(db, [fetched, blocked], "run-1", DAY1)
    found = rows(db, "select articles, median_words, share_without_date, share_without_author, pages_fetched,"
                     " pages_blocked from source_quality where source = 'Paper'")  # fmt: skip
    words = sorted([len(fetched.body.split()), len(blocked.body.split())])
    assert found == [(2, sum(words) / 2, 0.5, 0.5, 1, 1)]


def test_latest_articles_are_the_last_run_that_added_any(db):
    first = begin_run(db, "ingest", {})
    load_articles(db, [make("s1", *SPORT, DAY1)], first.run_id, DAY1)
    first.counts.new = 1
    end_run(first, "completed")
    second = begin_run(db, "ingest", {})
    load_articles(db, [make("v1", *VOTE, DAY2)], second.run_id, DAY2)
    second.counts.new = 1
    end_run(second, "completed")
    empty = begin_run(db, "ingest", {})
    end_run(empty, "completed")  # a run that found nothing new does not empty the view
    found = rows(db, "select title, topics, places from latest_articles")
    assert len(found) == 1 and found[0][0] == VOTE[0] and "politics and government" in found[0][1]
