"""`newsflow topics train`: a head trained on a small labelled file of your own topics, applied by retag (its tag
in tagger_version, its words in the row's terms), validated as configuration, and run with sockets disabled."""

from __future__ import annotations

import json
import random
import socket

import pytest

from flows.cli import main
from tasks.models import Article
from tasks.tagging.tag import build_tagger, taxonomy_paths
from warehouse.connect import open_warehouse

TAXONOMY = """version = "mine-1"
[[topic]]
code = "mine:ferries"
label = "ferries"
[[topic]]
code = "mine:bakeries"
label = "bakeries"
"""
SUBJECTS = {
    "mine:ferries": ["The ferry", "The island boat", "The night crossing", "The car ferry", "The harbour shuttle boat"],
    "mine:bakeries": ["The bakery", "The village baker", "The sourdough shop", "The pastry kitchen", "The bread stall"],
    "medtop:15000000": ["The striker", "The home team", "The goalkeeper", "The league leaders", "The relay squad"],
}
EVENTS = {
    "mine:ferries": ["sailed late because of high waves", "cut its winter timetable to the islands",
                     "left the harbour with cars and passengers on deck", "docked at the pier after a rough sea"],
    "mine:bakeries": ["baked rye loaves and croissants before dawn", "raised the price of bread and cakes",
                      "won a prize for its sourdough and pastries", "sold out of buns and baguettes by noon"],
    "medtop:15000000": ["won the match with a late goal", "lost the final on penalties",
                        "beat the champions in the cup", "set a record in the championship race"],
}  # fmt: skip


def labelled_records(count: int = 90) -> list[dict]:
    rng = random.Random(7)
    codes = list(SUBJECTS)
    records = []
    for number in range(count):
        code = codes[number % 3]
        text = f"{rng.choice(SUBJECTS[code])} {rng.choice(EVENTS[code])}, locals said on day {number}."
        records.append({"text": text, "topics": [code]})
    return records


@pytest.fixture
def my_taxonomy(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text(TAXONOMY)
    monkeypatch.setenv("NEWSFLOW_TAXONOMY", str(path))
    return path


@pytest.mark.usefixtures("prefect_harness")
def test_a_head_trained_on_your_labels_is_applied_by_retag(tmp_path, db, my_taxonomy, monkeypatch, capsys):
    from flows.ingest import ingest_flow

    labelled, model = tmp_path / "labelled.jsonl", tmp_path / "model.npz"
    labelled.write_text("\n".join(json.dumps(r) for r in labelled_records()) + "\n")
    assert main(["topics", "train", str(labelled), "--out", str(model)]) == 0
    said = capsys.readouterr().out
    assert "on 90 records of 3 topics" in said and "top-1 accuracy" in said
    accuracy = float(said.split("top-1 accuracy ")[1].split(",")[0])
    assert accuracy >= 0.9  # three clearly different subjects

    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps({"url": "https://x.test/1", "title": "Rough seas delay the island crossing",
                    "body": "The morning boat to the islands left the harbour two hours late as waves rose."})
        + "\n"
        + json.dumps({"url": "https://x.test/2", "title": "Queues for the new sourdough",
                      "body": "The corner shop now bakes rye loaves and croissants every morning before dawn."})
        + "\n"
    )  # fmt: skip
    ingest_flow(paths=[str(articles)], db=db)
    monkeypatch.setenv("NEWSFLOW_TOPIC_MODEL", str(model))
    assert main(["retag", "--db", db]) == 0
    with open_warehouse(db) as con:
        best = dict(con.execute(
            "select a.url, arg_max(t.topic, t.score) from article_topics t join articles a using (article_id)"
            " group by a.url"
        ).fetchall())  # fmt: skip
        rows = con.execute(
            "select t.terms, t.tagger_version, a.tagger_version from article_topics t join articles a using"
            " (article_id) where t.topic like 'mine:%'"
        ).fetchall()
    assert best == {"https://x.test/1": "mine:ferries", "https://x.test/2": "mine:bakeries"}
    tag = build_tagger(taxonomy_paths(), model=str(model)).version
    assert tag.startswith("head-") and all(r[1] == r[2] == tag for r in rows)
    assert all(r[0][0].startswith("model:head-") and len(r[0]) > 1 for r in rows)  # the words that weighed most


def test_bad_labelled_files_and_models_are_one_line_errors(tmp_path, my_taxonomy, monkeypatch, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a story", "topics": ["mine:unknown"]}\n')
    assert main(["topics", "train", str(bad)]) == 2
    assert "'mine:unknown' is not a topic of the taxonomy" in capsys.readouterr().err
    bad.write_text('{"text": "only one topic", "topics": ["mine:ferries"]}\n')
    assert main(["topics", "train", str(bad)]) == 2
    assert "at least two topics" in capsys.readouterr().err
    not_model = tmp_path / "not-a-model.npz"
    not_model.write_bytes(b"not numpy")
    monkeypatch.setenv("NEWSFLOW_TOPIC_MODEL", str(not_model))
    assert main(["status", "--db", str(tmp_path / "w.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "NEWSFLOW_TOPIC_MODEL" in err and "not a topic model" in err and "Traceback" not in err


def test_tagging_needs_no_network(tmp_path, my_taxonomy, monkeypatch):
    labelled, model = tmp_path / "labelled.jsonl", tmp_path / "model.npz"
    labelled.write_text("\n".join(json.dumps(r) for r in labelled_records(30)) + "\n")
    assert main(["topics", "train", str(labelled), "--out", str(model)]) == 0

    def refuse(*args, **kwargs):
        raise OSError("network access during tagging")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from tasks.tagging import embed

    embed.load_model.cache_clear()  # load the bundled embeddings again, sockets refused
    embed._prototypes.clear()
    for tagger in (build_tagger(taxonomy_paths(), model=""), build_tagger(taxonomy_paths(), model=str(model))):
        short = Article(source_uri="x", title="Storm delays the island ferry", body="Storm delays the island ferry")
        long = Article(source_uri="y", title="Budget", body=" ".join(["The council debated the budget vote."] * 40))
        from tasks.tagging.tag import tag_articles

        tag_articles([short, long], tagger)
        assert short.topics and long.topics


def test_several_labelled_files_train_one_head(tmp_path, my_taxonomy, capsys):
    records = labelled_records()
    files = []
    for code in SUBJECTS:  # one file per topic: each alone could not train a head
        path = tmp_path / f"{code.replace(':', '-')}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records if r["topics"] == [code]) + "\n")
        files.append(str(path))
    model = tmp_path / "model.npz"
    assert main(["topics", "train", *files, "--out", str(model)]) == 0
    said = capsys.readouterr().out
    assert "on 90 records of 3 topics" in said
    from tasks.tagging.head import load_head

    head = load_head(model)
    assert sorted(head.codes) == sorted(SUBJECTS) and "mine-ferries.jsonl + " in head.trained_on
    assert main(["topics", "train", *files, files[0], "--out", str(model)]) == 0  # a file named twice counts once
    assert "on 90 records of 3 topics" in capsys.readouterr().out
    assert main(["topics", "train", files[0], "--out", str(model)]) == 2
    assert "at least two topics" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert main(["topics", "train", files[0], str(empty), "--out", str(model)]) == 2
    assert "holds no records" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "a ferry", "topics": ["mine:ferries"]}\nnot json\n')
    assert main(["topics", "train", files[0], str(broken), "--out", str(model)]) == 2
    assert f"{broken}:2: not a JSON object" in capsys.readouterr().err  # the file and line at fault
