"""Ranked text search: the right article first on a corpus where the answer is known, filters, snippets, an index
that catches up with every load and forgets deleted articles."""

from datetime import UTC, datetime

from flows.cli import main
from tasks.dedup.identity import assign_identity
from tasks.loading.load import load_articles
from tasks.models import Article
from tasks.tagging.tag import tag_articles
from warehouse.search import read_mark, refresh_index, search_articles

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CORPUS = {
    "ferry": ("Ferry timetable cut for the winter", "The ferry company cut the winter timetable to the islands, "
              "and commuters who rely on the first ferry said they would be late for work.", "Island Times", 20),
    "harbour": ("Harbour plan divides residents", "Residents argued about the harbour plan; one mentioned that the "
                "ferry might move to the new quay.", "City Desk", 21),
    "cup": ("Striker scores twice in the cup final", "The striker scored twice as United won the cup final, "
            "and the manager praised the defence.", "Wire News", 22),
    "floods": ("Floods close roads in the valley", "Heavy rain flooded the valley roads, and the river burst its "
               "banks near the town bridge.", "Weather Watch", 23),
    "budget": ("Council approves the budget", "The council approved the budget after an all-night session on "
               "spending for schools and roads.", "City Desk", 24),
}  # fmt: skip


def build(db: str, keys=CORPUS, now: datetime = NOW) -> dict[str, str]:
    articles = []
    for key in keys:
        title, body, source, day = CORPUS[key]
        published = datetime(2026, 11, day, tzinfo=UTC)
        articles.append(Article(source_uri=f"{key}.txt", body=body, title=title, source=source,
                                url=f"https://x.example/{key}", published_at=published))  # fmt: skip
    assign_identity(articles)
    tag_articles(articles)
    load_articles(db, articles, "run-1", now)
    return {key: a.article_id for key, a in zip(keys, articles)}


def test_the_article_about_it_ranks_first_and_a_passing_mention_after(db):
    ids = build(db)
    assert refresh_index(db) == len(CORPUS)
    hits = search_articles(db, "ferry timetable")
    assert [h.article_id for h in hits] == [ids["ferry"], ids["harbour"]]
    assert hits[0].score > hits[1].score and "[ferry]" in hits[0].snippet and "[timetable]" in hits[0].snippet
    stemmed = search_articles(db, "flooding")  # English stemming: flooding, flooded, floods
    assert [h.article_id for h in stemmed] == [ids["floods"]]
    assert [h.article_id for h in search_articles(db, '"cup final"')] == [ids["cup"]]
    assert search_articles(db, "zeppelin") == []


def test_filters_by_source_day_and_topic(db):
    ids = build(db)
    refresh_index(db)
    assert [h.article_id for h in search_articles(db, "roads", sources=["City Desk"])] == [ids["budget"]]
    assert {h.article_id for h in search_articles(db, "roads")} == {ids["budget"], ids["floods"]}
    assert [h.article_id for h in search_articles(db, "roads", since=datetime(2026, 11, 24, tzinfo=UTC))] == [
        ids["budget"]
    ]
    assert [h.article_id for h in search_articles(db, "striker OR ferry", topics=["sport"])] == [ids["cup"]]


def test_the_index_catches_up_with_loads_and_forgets_deleted_articles(db, capsys):
    ids = build(db, ["ferry", "cup"])
    refresh_index(db)
    build(db, ["floods"], now=NOW.replace(hour=1))
    assert search_articles(db, "river") == []  # not refreshed yet
    assert main(["search", "river", "--db", db]) == 0  # the command catches up first
    out = capsys.readouterr().out
    assert "1. Floods close roads in the valley  [Weather Watch, 2026-11-23" in out and "[river]" in out
    assert refresh_index(db) == 1  # the last load again (an article indexed twice is replaced, never doubled)
    assert len(search_articles(db, "floods OR ferry OR striker")) == 3
    assert main(["delete", ids["ferry"], "--db", db]) == 0
    assert [h.article_id for h in search_articles(db, "ferry")] == []
    assert main(["search", "--reindex", "--db", db]) == 0 and "indexed 2 articles" in capsys.readouterr().out


def test_an_article_gone_from_the_warehouse_is_never_shown(db):
    from warehouse.connect import Publish, open_working
    from warehouse.forget import delete_articles

    ids = build(db)
    refresh_index(db)
    with open_working(db, Publish.NOW) as con:  # behind the index's back (as if its writer had been busy)
        delete_articles(con, [ids["ferry"]])
    assert [h.article_id for h in search_articles(db, "ferry")] == [ids["harbour"]]


def test_a_refresh_larger_than_one_chunk_indexes_every_article_once(db, monkeypatch):
    import warehouse.search

    monkeypatch.setattr(warehouse.search, "CHUNK_ROWS", 2)  # five articles: three chunks
    later = NOW.replace(hour=1)
    ids = build(db, ["ferry", "cup"], now=later) | build(db, ["harbour", "floods", "budget"])  # rows: later first
    assert refresh_index(db) == len(CORPUS)
    assert read_mark(db) == later  # the newest across every chunk, not the last chunk's
    everything = "ferry OR harbour OR striker OR floods OR council"
    assert {h.article_id for h in search_articles(db, everything)} == set(ids.values())
    assert refresh_index(db) == 2  # the later load again: replaced, never doubled
    assert len(search_articles(db, everything)) == len(CORPUS)
