"""Watchlists from a TOML file: queries with phrases and boolean operators, topic, place and source filters; a
match and a non-match; hits recorded once per watch and article; a webhook on 127.0.0.1; the run summary."""

import json
from datetime import UTC, datetime

import pytest

from flows.cli import main
from tasks.config import ConfigError, WatchEntry, load_watches_file
from tasks.dedup.identity import assign_identity
from tasks.loading.load import load_articles
from tasks.models import Article
from tasks.tagging.places import place_articles
from tasks.tagging.tag import tag_articles
from tasks.tagging.watch import query_terms, run_watches
from warehouse.connect import open_warehouse

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ARTICLES = [
    ("harbour", "Harbour   Plan divides residents", "Residents argued about the plan for the old quay.", "City Desk"),
    ("ferryman", "The ferryman retires", "After forty years the ferryman of the river crossing retires.", "City Desk"),
    ("strike", "Ferry crews strike", "Ferry crews walked out over pay, stopping the harbour ferry.", "Wire News"),
    ("cup", "Striker scores twice in Kenya", "United won the cup final in Nairobi, Kenya.", "Wire News"),
]  # fmt: skip


def load(db: str, run_id: str) -> None:
    articles = [Article(source_uri=f"{k}.txt", body=b, title=t, url=f"https://x.example/{k}", source=s)
                for k, t, b, s in ARTICLES]  # fmt: skip
    assign_identity(articles)
    tag_articles(articles)
    place_articles(articles)
    load_articles(db, articles, run_id, NOW)


def titles(hits) -> list[str]:
    return sorted(h.title for h in hits)


def test_queries_and_filters_decide_a_match(db):
    load(db, "run-1")

    def run(**watch) -> list:
        return run_watches(db, "run-1", NOW, [WatchEntry(name="w", **watch)])

    assert titles(run(query='"harbour plan"')) == ["Harbour   Plan divides residents"]  # any case and spacing
    assert titles(run(query="ferry")) == ["Ferry crews strike"]  # a word: not "ferryman"
    assert titles(run(query="harbour AND NOT strike")) == ["Harbour   Plan divides residents"]
    assert titles(run(query="ferry OR quay", sources=["City Desk"])) == ["Harbour   Plan divides residents"]
    assert titles(run(query="final", places=["KE"])) == ["Striker scores twice in Kenya"]
    assert titles(run(query="final", places=["GB"])) == []
    assert titles(run(query="striker OR ferry", topics=["sport"])) == ["Striker scores twice in Kenya"]
    assert query_terms('"harbour plan" AND ferry -strike +quay') == ["harbour plan", "ferry", "quay"]


def test_the_watchlist_file_is_checked_before_anything_runs(tmp_path):
    path = tmp_path / "watches.toml"
    path.write_text('[[watch]]\nname = "a"\nquery = "ferry"\ntopcis = ["sport"]\n')
    with pytest.raises(
        ConfigError, match=r"watches.toml:4: \[\[watch\]\] #1 topcis: unknown key \(did you mean `topics`"
    ):
        load_watches_file(path)
    path.write_text('[[watch]]\nname = "a"\nquery = "ferry AND ("\n')
    with pytest.raises(ConfigError, match="not a valid query"):
        load_watches_file(path)
    assert load_watches_file(tmp_path / "none.toml").watch == []


def test_a_run_records_its_hits_once_and_posts_them_to_the_webhook(db, tmp_path, httpserver, capsys, monkeypatch):
    watches = tmp_path / "watches.toml"
    monkeypatch.setenv("NEWSFLOW_WATCHES", str(watches))
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = httpserver.url_for("/hook")
    assert main(["watch", "add", "port", '"harbour plan" OR quay', "--webhook", hook, "--db", db]) == 0
    assert main(["watch", "add", "space", "rocket", "--db", db]) == 0
    load(db, "run-1")
    hits = run_watches(db, "run-1", NOW)
    assert [(h.watch, h.title, h.terms) for h in hits] == [("port", "Harbour   Plan divides residents",
                                                            ["harbour plan", "quay"])]  # fmt: skip
    ((request, _),) = httpserver.log
    posted = json.loads(request.data)
    assert posted["watch"] == "port" and posted["run_id"] == "run-1" and posted["articles"][0]["terms"]
    run_watches(db, "run-1", NOW)  # the same run again: recorded once
    with open_warehouse(db) as con:
        assert con.execute("select watch, run_id, terms from watch_hits").fetchall() == [
            ("port", "run-1", ["harbour plan", "quay"])
        ]
    capsys.readouterr()
    assert main(["watch", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "port" in listed and "space" in listed
    assert main(["watch", "test", "port", "--db", db]) == 0
    assert "(1 stored article match port)" in capsys.readouterr().out
    assert main(["watch", "remove", "space", "--db", db]) == 0
    assert [w.name for w in load_watches_file(watches).watch] == ["port"]
    assert main(["watch", "remove", "space", "--db", db]) == 2


def test_a_failing_webhook_costs_nothing(db, httpserver):
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=500)
    load(db, "run-1")
    watch = WatchEntry(name="port", query="quay", webhook=httpserver.url_for("/down"))
    assert len(run_watches(db, "run-1", NOW, [watch])) == 1  # recorded, though the webhook answered 500


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_run_lists_its_watch_hits(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_WATCHES", str(tmp_path / "watches.toml"))
    folder = tmp_path / "in"
    folder.mkdir()
    body = "Residents of the harbour district argued for hours about the harbour plan for the old quay and the boats."
    (folder / "a.json").write_text(json.dumps({"title": "Harbour plan", "body": body, "url": "https://x.example/a"}))
    assert main(["watch", "add", "port", '"harbour plan"', "--db", db]) == 0
    assert main(["ingest", str(folder), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "watch port: Harbour plan (harbour plan)" in out
    with open_warehouse(db) as con:
        counts = json.loads(con.execute("select counts from runs where flow = 'ingest'").fetchone()[0])
    assert counts["watch_hits"] == 1


def test_a_bad_watchlist_file_stops_a_run_before_it_starts(db, tmp_path, capsys, monkeypatch):
    watches = tmp_path / "watches.toml"
    watches.write_text('[[watch]]\nname = "a"\nquery = "(ferry"\n')
    monkeypatch.setenv("NEWSFLOW_WATCHES", str(watches))
    assert main(["ingest", str(tmp_path), "--db", db]) == 2
    assert "not a valid query" in capsys.readouterr().err
    assert not (tmp_path / "warehouse.duckdb").exists()
