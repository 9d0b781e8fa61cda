"""Calibrated topic scores: a top-level topic stored at 0.8 is the article's main topic about 80 % of the time.

The fused score (lexicon and head, tasks/tagging/embed.py) ranks topics well but is not a probability: on the
written dev set a full article's second topic at 0.3 was right 9 % of the time, and a headline's top topic at 0.5
was right 82 %. `tasks/data/topic-calibration.json` holds one logistic map per kind of text, short (up to
SHORT_WORDS words of body) and long: probability = σ(a · logit(score) + c · (logit(score) − logit(best)) + b),
where best is the text's highest top-level score, so a second topic close behind the first is told from one far
behind it. `benchmarks/calibrate_topics.py
--write` fits it on `benchmarks/data/articles-dev.jsonl` (the articles, and their headlines alone) and reports it
out of fold there and on the dev sets it never saw.

The map is monotone (a + c > 0) and the same for every topic of one text, so it never changes which topic ranks
first or which rows are stored; it applies to the top-level topics the shipped head knows, and only with the head
it was fitted for (`make train-topics` refits it). A subtopic's score is scaled by the same factor as its top-level
topic's, so it stays at or under it: no gold says how often a subtopic is right. Topics of your own taxonomy, and
every topic under a head of your own, keep their fused scores.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from tasks.models import TopicScore

SHIPPED_CALIBRATION = Path(__file__).parent.parent / "data" / "topic-calibration.json"
EDGE = 1e-3  # scores are clipped to [EDGE, 1 - EDGE] before the logit


class CalibrationError(ValueError):
    """A calibration file that cannot be used; one line."""


@dataclass(frozen=True, slots=True)
class ScoreCalibration:
    head: str  # the head's tag it was fitted for
    short: tuple[float, float, float]  # (a, c, b) for texts of up to short_words words of body
    long: tuple[float, float, float]
    short_words: int
    codes: frozenset[str]  # the topics it applies to

    @property
    def tag(self) -> str:
        digest = hashlib.sha256(json.dumps([self.head, self.short, self.long, self.short_words]).encode())
        return f"cal-{digest.hexdigest()[:8]}"


def logit(score: float) -> float:
    score = min(max(score, EDGE), 1 - EDGE)
    return math.log(score / (1 - score))


def map_score(score: float, best: float, coefficients: tuple[float, float, float]) -> float:
    a, c, b = coefficients
    own = logit(score)
    return 1 / (1 + math.exp(-(a * own + c * (own - logit(best)) + b)))


def load_score_calibration(path: Path, head: str, codes: list[str]) -> ScoreCalibration | None:
    """The calibration in `path` when it was fitted for this head; None without the file or for another head."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        calibration = ScoreCalibration(
            head=str(data["head"]),
            short=(float(data["short"][0]), float(data["short"][1]), float(data["short"][2])),
            long=(float(data["long"][0]), float(data["long"][1]), float(data["long"][2])),
            short_words=int(data["short_words"]),
            codes=frozenset(codes),
        )
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise CalibrationError(f"{path}: not a topic calibration ({error})") from None
    if calibration.short[0] + calibration.short[1] <= 0 or calibration.long[0] + calibration.long[1] <= 0:
        raise CalibrationError(f"{path}: a calibration's slope must be positive (it would reorder topics)")
    return calibration if calibration.head == head else None


def write_score_calibration(path: Path, calibration: ScoreCalibration, fitted_on: str) -> None:
    data = {"head": calibration.head, "short": list(calibration.short), "long": list(calibration.long),
            "short_words": calibration.short_words, "fitted_on": fitted_on}  # fmt: skip
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def calibrate_topics(calibration: ScoreCalibration, topics: list[TopicScore], roots: dict[str, str],
                     body_words: int) -> None:  # fmt: skip
    """Map the scores of one article's topics in place: its top-level topics the calibration knows, and the
    subtopics under them by the same factor."""
    a, c, b = calibration.short if body_words <= calibration.short_words else calibration.long
    codes = calibration.codes
    mapped = [t for t in topics if t.score > 0 and t.topic in codes and roots[t.topic] == t.topic]
    if not mapped:
        return
    # σ(a·L + c·(L − L_best) + b) = σ((a + c)·L + b − c·L_best)
    slope, offset = a + c, b - c * logit(max(t.score for t in mapped))
    factors = {}
    for topic in mapped:
        calibrated = round(1 / (1 + math.exp(-(slope * logit(topic.score) + offset))), 4)
        factors[topic.topic] = calibrated / topic.score
        topic.score = calibrated
    if len(mapped) < len(topics):
        for topic in topics:
            factor = factors.get(roots[topic.topic]) if topic.topic not in factors else None
            if factor is not None:
                topic.score = round(min(topic.score * factor, 1.0), 4)
