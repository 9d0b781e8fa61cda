"""Calibrated topic scores (tasks/tagging/calibrate.py): the shipped head's map changes scores, never ranks or rows,
applies only to the head it was fitted for, and brings scores nearer to how often they are right on a dev set it
never saw."""

import json
from pathlib import Path

import pytest

from tasks.config import ConfigError
from tasks.models import Article
from tasks.tagging import tag as tag_module
from tasks.tagging.calibrate import (
    SHIPPED_CALIBRATION,
    CalibrationError,
    load_score_calibration,
)
from tasks.tagging.head import load_head
from tasks.tagging.tag import DEFAULT_TAXONOMY, SHIPPED_HEAD, build_tagger, tag_articles

ROOT = Path(__file__).resolve().parent.parent
HEADLINES = ROOT / "benchmarks" / "data" / "headlines-dev.jsonl"
TEXTS = [
    ("Central bank raises interest rates again", "The central bank raised its main rate by a quarter point on "
     "Tuesday, citing inflation that has stayed above target for a year. Markets had expected the move. " * 6),
    ("Storm warning for the coast", "Forecasters warned of gales and heavy rain along the coast tonight."),
    ("Striker scores twice in the cup final", "The striker scored twice as the home side won the cup final."),
    ("Parliament passes the budget after a long night", "Members of parliament voted for the budget."),
]  # fmt: skip


def tagged(tagger, texts=TEXTS) -> list[Article]:
    articles = [Article(source_uri="x", title=title, body=body) for title, body in texts]
    tag_articles(articles, tagger)
    return articles


def test_the_shipped_map_changes_scores_but_not_ranks_or_rows():
    calibrated = build_tagger([DEFAULT_TAXONOMY])
    fused = build_tagger([DEFAULT_TAXONOMY], calibrated=False)
    assert calibrated.calibration is not None and fused.calibration is None
    assert calibrated.version.startswith(f"{load_head(SHIPPED_HEAD).tag}+{calibrated.calibration.tag}/")
    changed = 0
    for after, before in zip(tagged(calibrated), tagged(fused)):
        assert [t.topic for t in after.topics] == [t.topic for t in before.topics]
        pairs = zip(after.topics, before.topics)
        tops = [(a.score, b.score) for a, b in pairs if not calibrated.topics[a.topic].parent]
        assert sorted(tops, key=lambda s: -s[0]) == sorted(tops, key=lambda s: -s[1])  # the same order
        changed += sum(a != b for a, b in tops)
        for topic in after.topics:
            assert 0 <= topic.score <= 1
            root = calibrated.roots[topic.topic]
            if root != topic.topic:  # a subtopic keeps its share of its top-level topic's score
                parent_after = next(t.score for t in after.topics if t.topic == root)
                parent_before = next(t.score for t in before.topics if t.topic == root)
                own_before = next(t.score for t in before.topics if t.topic == topic.topic)
                assert topic.score == pytest.approx(own_before * parent_after / parent_before, abs=2e-4)
    assert changed >= len(TEXTS)


def ece(scores: list[float], right: list[bool]) -> float:
    bins: dict[int, list[tuple[float, bool]]] = {}
    for s, r in zip(scores, right):
        bins.setdefault(min(int(s * 5), 4), []).append((s, r))
    return sum(abs(sum(s for s, _ in b) - sum(r for _, r in b)) for b in bins.values()) / len(scores)


def test_calibrated_scores_are_nearer_to_how_often_they_are_right_on_a_set_never_fitted():
    rows = [json.loads(line) for line in HEADLINES.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [(r["title"], r["title"]) for r in rows]
    gaps = {}
    for name, tagger in (("fused", build_tagger([DEFAULT_TAXONOMY], calibrated=False)),
                         ("calibrated", build_tagger([DEFAULT_TAXONOMY]))):  # fmt: skip
        scores, right = [], []
        for row, article in zip(rows, tagged(tagger, texts)):
            for topic in article.topics:
                if not tagger.topics[topic.topic].parent:
                    scores.append(topic.score)
                    right.append(topic.topic == row["topic"])
        gaps[name] = ece(scores, right)
    assert gaps["calibrated"] < gaps["fused"] / 2


def test_a_map_for_another_head_or_a_head_of_ones_own_is_not_applied(tmp_path):
    data = json.loads(SHIPPED_CALIBRATION.read_text(encoding="utf-8"))
    assert load_score_calibration(SHIPPED_CALIBRATION, data["head"], ["medtop:01000000"]) is not None
    assert load_score_calibration(SHIPPED_CALIBRATION, "head-000000000000", ["medtop:01000000"]) is None
    assert load_score_calibration(tmp_path / "absent.json", data["head"], []) is None
    own = build_tagger([DEFAULT_TAXONOMY], model=str(SHIPPED_HEAD))  # named by NEWSFLOW_TOPIC_MODEL: a user's head
    assert own.calibration is None and "+cal-" not in own.version


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a topic calibration"),
        ('{"head": "h", "short": [1, 0], "long": [1, 0, 0], "short_words": 80}', "not a topic calibration"),
        ('{"head": "h", "short": [-1, 0, 0], "long": [1, 0, 0], "short_words": 80}', "slope must be positive"),
    ],
)
def test_a_broken_calibration_file_is_a_one_line_configuration_error(tmp_path, monkeypatch, content, message):
    path = tmp_path / "topic-calibration.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match=message):
        load_score_calibration(path, "h", [])
    monkeypatch.setattr(tag_module, "SHIPPED_CALIBRATION", path)
    with pytest.raises(ConfigError, match=message) as error:
        build_tagger([DEFAULT_TAXONOMY])
    assert "\n" not in str(error.value)
