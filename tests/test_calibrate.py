"""Calibrated topic scores (tasks/tagging/calibrate.py): the shipped head's map changes scores, never ranks or rows,
applies only to the head it was fitted for, and brings scores nearer to how often they are right on a dev set it
never saw."""

import json
from pathlib import Path

import pytest

from tasks.config import ConfigError
from tasks.models import Article, TopicScore
from tasks.tagging import tag as tag_module
from tasks.tagging.calibrate import (
    SHIPPED_CALIBRATION,
    CalibrationError,
    ScoreCalibration,
    calibrate_topics,
    load_score_calibration,
    map_score,
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
                expected = min(own_before * parent_after / parent_before, parent_after)
                assert topic.score == pytest.approx(expected, abs=2e-4) and topic.score <= parent_after
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


def test_a_map_for_another_head_or_taxonomy_or_a_head_of_ones_own_is_not_applied(tmp_path, caplog):
    data = json.loads(SHIPPED_CALIBRATION.read_text(encoding="utf-8"))
    assert load_score_calibration(SHIPPED_CALIBRATION, data["head"], data["taxonomy"]) is not None
    assert load_score_calibration(SHIPPED_CALIBRATION, "head-000000000000", data["taxonomy"]) is None
    assert load_score_calibration(SHIPPED_CALIBRATION, data["head"], "newsflow-iptc-0") is None
    assert "not calibrated" in caplog.text  # a stale file says so
    assert load_score_calibration(tmp_path / "absent.json", data["head"], data["taxonomy"]) is None
    own = build_tagger([DEFAULT_TAXONOMY], model=str(SHIPPED_HEAD))  # named by NEWSFLOW_TOPIC_MODEL: a user's head
    assert own.calibration is None and "+cal-" not in own.version


def calibration(short=(1.0, 1.0, 0.0), long=(1.0, 1.0, 0.0)) -> ScoreCalibration:
    return ScoreCalibration("head-x", "tax-1", short, long, 80)


def test_a_topic_far_behind_the_first_scores_lower_than_the_same_score_in_first_place():
    roots = {"a": "a", "b": "b", "b1": "b"}
    alone = [TopicScore("b", "b", 0.5, []), TopicScore("b1", "b1", 0.45, [])]
    behind = [TopicScore("a", "a", 0.95, []), TopicScore("b", "b", 0.5, []), TopicScore("b1", "b1", 0.45, [])]
    for topics in (alone, behind):
        calibrate_topics(calibration(), topics, roots, body_words=10)
    assert alone[0].score == pytest.approx(map_score(0.5, 0.5, (1.0, 1.0, 0.0)), abs=1e-4) == 0.5
    assert behind[1].score < alone[0].score and behind[0].score > behind[1].score
    assert behind[2].score <= behind[1].score and alone[1].score <= alone[0].score  # a subtopic stays under its topic
    far = [TopicScore("a", "a", 0.999, []), TopicScore("b", "b", 0.01, [])]
    calibrate_topics(calibration(), far, roots, body_words=10)
    assert far[1].score > 0  # never rounds to 0


def test_topics_of_ones_own_taxonomy_keep_their_order_beside_the_shipped_ones(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('version = "acme-1"\n[[topic]]\ncode = "acme:pets"\nlabel = "pets"\n'
                     'strong = ["puppy", "kitten", "dog show"]\n')  # fmt: skip
    texts = [("Puppy and kitten stars of the dog show", "The dog show crowned a puppy; a kitten won the fans. The "
              "striker from the football club presented the cup."),
             ("Striker scores twice as the club wins the cup", "The striker scored twice and the club won the cup "
              "final. A puppy ran onto the pitch at the dog show interval.")]  # fmt: skip
    calibrated = build_tagger([DEFAULT_TAXONOMY, extra])
    fused = build_tagger([DEFAULT_TAXONOMY, extra], calibrated=False)
    assert calibrated.calibration is not None
    for after, before in zip(tagged(calibrated, texts), tagged(fused, texts)):
        tops = lambda article: [t.topic for t in article.topics if not calibrated.topics[t.topic].parent]  # noqa: E731
        assert "acme:pets" in tops(before) and tops(after) == tops(before)
        scores = [t.score for t in after.topics if not calibrated.topics[t.topic].parent]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a topic calibration"),
        ('{"head": "h", "taxonomy": "t", "short": [1, 0], "long": [1, 0, 0], "short_words": 80}',
         "not a topic calibration"),
        ('{"head": "h", "short": [1, 0, 0], "long": [1, 0, 0], "short_words": 80}', "not a topic calibration"),
        ('{"head": "h", "taxonomy": "t", "short": [-1, 0, 0], "long": [1, 0, 0], "short_words": 80}',
         "slope a \\+ c must be positive"),
        ('{"head": "h", "taxonomy": "t", "short": [1, -2, 0], "long": [1, 0, 0], "short_words": 80}',
         "slope a \\+ c must be positive"),
    ],
)  # fmt: skip
def test_a_broken_calibration_file_is_a_one_line_configuration_error(tmp_path, monkeypatch, content, message):
    path = tmp_path / "topic-calibration.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match=message):
        load_score_calibration(path, "h", "t")
    monkeypatch.setattr(tag_module, "SHIPPED_CALIBRATION", path)
    with pytest.raises(ConfigError, match=message) as error:
        build_tagger([DEFAULT_TAXONOMY])
    assert "\n" not in str(error.value)


def test_a_slope_that_keeps_the_order_is_accepted_and_one_that_reorders_is_refused():
    assert calibration(short=(-0.5, 1.0, 0.0)).short == (-0.5, 1.0, 0.0)  # a + c > 0: still monotone
    with pytest.raises(CalibrationError):
        calibration(long=(0.5, -1.0, 0.0))
