"""Watchlists: a match and a non-match, hits recorded once per watch and article, a webhook served on 127.0.0.1,
and the run summary listing the hits."""

import json
from datetime import UTC, datetime

import pytest

from flows.cli import main
from tasks.dedup.identity import assign_identity
from tasks.loading.load import load_articles
from tasks.models import Article
from tasks.tagging.watch import match_watch, run_watches
from warehouse.connect import open_warehouse
from warehouse.watches import Watch

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ARTICLES = [
    ("harbour", "Harbour   Plan divides residents", "Residents argued about the plan for the old quay."),
    ("ferryman", "The ferryman retires", "After forty years the ferryman of the river crossing retires."),
    ("cup", "Striker scores twice", "United won the cup final."),
]


def stored_rows() -> list[tuple]:
    return [(key, title, body, f"https://x.example/{key}", "Paper") for key, title, body in ARTICLES]


def test_terms_match_as_whole_words_in_any_case_and_spacing():
    watch = Watch("port", ["harbour plan", "ferry"])
    hits = match_watch(watch, stored_rows())
    assert [(h.article_id, h.terms) for h in hits] == [("harbour", ["harbour plan"])]  # not "ferryman"


def load(db: str, run_id: str) -> None:
    articles = [Article(source_uri=f"{k}.txt", body=b, title=t, url=f"https://x.example/{k}", source="Paper")
                for k, t, b in ARTICLES]  # fmt: skip
    assign_identity(articles)
    load_articles(db, articles, run_id, NOW)


def test_a_run_records_its_hits_once_and_posts_them_to_the_webhook(db, httpserver, capsys):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert (
        main(["watch", "add", "port", "harbour plan", "quay", "--webhook", httpserver.url_for("/hook"), "--db", db])
        == 0
    )
    assert main(["watch", "add", "space", "rocket", "--db", db]) == 0
    load(db, "run-1")
    hits = run_watches(db, "run-1", NOW)
    assert [(h.watch, h.title, h.terms) for h in hits] == [("port", "Harbour   Plan divides residents",
                                                            ["harbour plan", "quay"])]  # fmt: skip
    ((request, _),) = httpserver.log
    posted = json.loads(request.data)
    assert posted["watch"] == "port" and posted["run_id"] == "run-1"
    assert [a["url"] for a in posted["articles"]] == ["https://x.example/harbour"]
    run_watches(db, "run-1", NOW)  # the same run again: recorded once
    capsys.readouterr()
    assert main(["watch", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    with open_warehouse(db) as con:
        assert con.execute("select watch, run_id, terms from watch_hits").fetchall() == [
            ("port", "run-1", ["harbour plan", "quay"])
        ]
    assert "port" in listed and "space" in listed
    assert main(["watch", "test", "port", "--db", db]) == 0
    assert "(1 stored article match port)" in capsys.readouterr().out
    assert main(["watch", "remove", "space", "--db", db]) == 0
    assert main(["watch", "remove", "space", "--db", db]) == 2


def test_a_failing_webhook_costs_nothing(db, httpserver):
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=500)
    assert main(["watch", "add", "port", "quay", "--webhook", httpserver.url_for("/down"), "--db", db]) == 0
    load(db, "run-1")
    assert len(run_watches(db, "run-1", NOW)) == 1  # recorded, though the webhook answered 500


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_run_lists_its_watch_hits(db, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    body = "Residents of the harbour district argued for hours about the harbour plan for the old quay and the boats."
    (folder / "a.json").write_text(json.dumps({"title": "Harbour plan", "body": body, "url": "https://x.example/a"}))
    assert main(["watch", "add", "port", "harbour plan", "--db", db]) == 0
    assert main(["ingest", str(folder), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "watch port: Harbour plan (harbour plan)" in out
    with open_warehouse(db) as con:
        counts = json.loads(con.execute("select counts from runs where flow = 'ingest'").fetchone()[0])
    assert counts["watch_hits"] == 1
