"""A head of your own gets calibrated scores (tasks/tagging/calibrate_head.py): `newsflow topics train` fits a map
on the quarter of the records the head's interim fit never saw; the map keeps every rank, brings scores nearer to
how often they are right on a dev set it never saw, is kept only with the taxonomy it was fitted with, and a
broken one in a model file is a one-line error."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from flows.cli import main
from tasks.models import Article
from tasks.tagging.calibrate import reliability_bins
from tasks.tagging.head import load_head
from tasks.tagging.tag import DEFAULT_TAXONOMY, build_tagger, tag_articles

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "benchmarks" / "data" / "topics-train.jsonl"  # short texts: a headline and one sentence
HEADLINES = ROOT / "benchmarks" / "data" / "headlines-dev.jsonl"  # never trained or fitted on


@pytest.fixture
def own_model(tmp_path, monkeypatch, capsys) -> tuple[Path, str]:
    monkeypatch.delenv("NEWSFLOW_TAXONOMY", raising=False)
    model = tmp_path / "own.npz"
    assert main(["topics", "train", str(TRAINING), "--out", str(model)]) == 0
    return model, capsys.readouterr().out


def top_level(tagger, texts: list[tuple[str, str]]) -> list[list[tuple[str, float]]]:
    articles = [Article(source_uri="x", title=title, body=body) for title, body in texts]
    tag_articles(articles, tagger)
    return [[(t.topic, t.score) for t in a.topics if tagger.roots[t.topic] == t.topic] for a in articles]


def test_a_head_of_your_own_stores_calibrated_scores_and_keeps_every_rank(own_model):
    model, said = own_model
    assert "scores of short texts calibrated on" in said and "score map cal-" in said
    assert "long texts: 0 held-out topics, too few to calibrate: their scores stay fused" in said
    head = load_head(model)
    assert head.score_map is not None and head.score_map.head == head.tag
    calibrated = build_tagger([DEFAULT_TAXONOMY], model=str(model))
    fused = build_tagger([DEFAULT_TAXONOMY], model=str(model), calibrated=False)
    assert calibrated.version.startswith(f"{head.tag}+{head.score_map.tag}/") and "+cal-" not in fused.version
    rows = [json.loads(line) for line in HEADLINES.read_text(encoding="utf-8").splitlines()]
    texts = [(r["title"], r["title"]) for r in rows]
    gaps = {}
    for name, tagger in (("calibrated", calibrated), ("fused", fused)):
        found = top_level(tagger, texts)
        scores = [score for topics in found for _, score in topics]
        right = [code == row["topic"] for topics, row in zip(found, rows) for code, _ in topics]
        gaps[name] = (reliability_bins(scores, right)[1], [[code for code, _ in topics] for topics in found])
    assert gaps["calibrated"][1] == gaps["fused"][1]  # the same topics in the same order
    assert gaps["calibrated"][0] < gaps["fused"][0] / 2  # 0.227 -> 0.040 when written
    long = [("Council budget", " ".join(["The council debated the budget and the vote on taxes."] * 20))]
    after, before = top_level(calibrated, long)[0], top_level(fused, long)[0]
    assert [c for c, _ in after] == [c for c, _ in before]
    assert all(a == pytest.approx(b, abs=1.5e-3) for (_, a), (_, b) in zip(after, before))  # long: identity map


def test_a_map_fitted_with_other_taxonomy_files_is_not_applied(tmp_path, monkeypatch, capsys, caplog):
    extra = tmp_path / "mine.toml"
    extra.write_text('version = "mine-1"\n[[topic]]\ncode = "mine:ferries"\nlabel = "ferries"\n')
    monkeypatch.setenv("NEWSFLOW_TAXONOMY", str(extra))
    model = tmp_path / "own.npz"
    assert main(["topics", "train", str(TRAINING), "--out", str(model)]) == 0
    assert build_tagger(model=str(model)).calibration is not None  # the taxonomy it was fitted with
    monkeypatch.delenv("NEWSFLOW_TAXONOMY")
    with caplog.at_level(logging.WARNING):
        tagger = build_tagger([DEFAULT_TAXONOMY], model=str(model))
    assert tagger.calibration is None and "+cal-" not in tagger.version
    assert "not calibrated" in caplog.text


def test_a_broken_score_map_in_a_model_file_is_a_one_line_error(own_model, tmp_path, monkeypatch, capsys):
    model, _ = own_model
    with np.load(model) as data:
        arrays = dict(data)
    arrays["map_short"] = np.array([1.0, -2.0, 0.0])  # a + c <= 0 would reorder topics
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)
    monkeypatch.setenv("NEWSFLOW_TOPIC_MODEL", str(broken))
    assert main(["status", "--db", str(tmp_path / "w.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "not a topic model" in err and "a + c must be positive" in err and "Traceback" not in err


@pytest.mark.usefixtures("prefect_harness")
def test_retag_stores_the_calibrated_scores_of_your_head(own_model, tmp_path, db, monkeypatch):
    from flows.ingest import ingest_flow
    from warehouse.connect import open_warehouse

    model, _ = own_model
    texts = [("Storm floods the coast road", "Storm floods the coast road"),
             ("Striker scores twice in the cup final", "Striker scores twice in the cup final")]  # fmt: skip
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps({"url": f"https://x.test/{n}", "title": title, "body": body}) + "\n"
                                for n, (title, body) in enumerate(texts)))  # fmt: skip
    ingest_flow(paths=[str(articles)], db=db)
    monkeypatch.setenv("NEWSFLOW_TOPIC_MODEL", str(model))
    assert main(["retag", "--db", db]) == 0
    tagger = build_tagger([DEFAULT_TAXONOMY], model=str(model))
    assert tagger.calibration is not None
    with open_warehouse(db) as con:
        stored = con.execute("select url, title, body, tagger_version from articles order by url").fetchall()
        rows = con.execute(
            "select a.url, t.topic, t.score from article_topics t join articles a using (article_id)"
            " order by a.url, t.score desc, t.topic"
        ).fetchall()
    assert len(stored) == 2 and {version for *_, version in stored} == {tagger.version}
    expected = top_level(tagger, [(title, body) for _, title, body, _ in stored])
    for (url, *_), topics in zip(stored, expected):
        found = [(code, score) for at, code, score in rows if at == url and tagger.roots[code] == code]
        assert found == [(code, pytest.approx(score, abs=1e-6)) for code, score in topics] and found
