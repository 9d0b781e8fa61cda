"""Calibrated topic scores: a top-level topic stored at 0.8 is the article's main topic about 80 % of the time.

The fused score (lexicon and head, tasks/tagging/embed.py) ranks topics well but is not a probability: on the
written dev set a full article's second topic at 0.3 was right 9 % of the time, and a headline's top topic at 0.5
was right 82 %. `tasks/data/topic-calibration.json` holds one logistic map per kind of text, short (up to
`short_words` words of body) and long: probability = σ(a · logit(score) + c · (logit(score) − logit(best)) + b),
where best is the text's highest top-level score, so a second topic close behind the first is told from one far
behind it. `benchmarks/calibrate_topics.py --write` fits it on `benchmarks/data/articles-dev.jsonl` (the articles;
their headlines alone and with the start of their body) and reports it out of fold there and on the dev sets it
never saw.

The map is monotone (a + c > 0) and the same for every top-level topic of one text, your own taxonomy's included,
so it never changes their order or which rows are stored. It is applied only with the head and the shipped
taxonomy version it was fitted for (`make train-topics` refits it); a head of your own carries its own map,
fitted by `newsflow topics train` (tasks/tagging/calibrate_head.py). A subtopic's score is scaled by its
top-level topic's factor and capped at its calibrated score: no gold says how often a subtopic is right.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tasks.models import TopicScore

SHIPPED_CALIBRATION = Path(__file__).parent.parent / "data" / "topic-calibration.json"
EDGE = 1e-3  # scores are clipped to [EDGE, 1 - EDGE] before the logit
FLOOR = 1e-4  # the least score stored: a stored topic never rounds to 0
IDENTITY = (1.0, 0.0, 0.0)  # σ(logit(score)): the fused score, for a kind of text with nothing to fit on
BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))  # of the stored score, for ECE
L2 = 1e-2

logger = logging.getLogger(__name__)


class CalibrationError(ValueError):
    """A calibration file that cannot be used; one line."""


@dataclass(frozen=True, slots=True)
class ScoreCalibration:
    head: str  # the tag of the head it was fitted for
    taxonomy: str  # the version of the shipped taxonomy it was fitted with
    short: tuple[float, float, float]  # (a, c, b) for texts of up to short_words words of body
    long: tuple[float, float, float]
    short_words: int

    def __post_init__(self) -> None:
        for name, (a, c, _) in (("short", self.short), ("long", self.long)):
            if a + c <= 0:
                raise CalibrationError(f"the {name} map's slope a + c must be positive (it would reorder topics)")

    @property
    def tag(self) -> str:
        fields = [self.head, self.taxonomy, self.short, self.long, self.short_words]
        return f"cal-{hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:8]}"


def logit(score: float) -> float:
    score = min(max(score, EDGE), 1 - EDGE)
    return math.log(score / (1 - score))


def map_score(score: float, best: float, coefficients: tuple[float, float, float]) -> float:
    a, c, b = coefficients
    own = logit(score)
    return 1 / (1 + math.exp(-(a * own + c * (own - logit(best)) + b)))


def fit_score_map(scores: list[float], bests: list[float], right: list[bool]) -> tuple[float, float, float]:
    """(a, c, b) of σ(a · logit(score) + c · (logit(score) − logit(best)) + b) for stored topics (their score, the
    best top-level score of their text, whether they were the labelled topic), by Newton's method on the log loss
    with a little L2."""
    x = np.array([[logit(s), logit(s) - logit(best), 1.0] for s, best in zip(scores, bests)])
    y = np.array(right, dtype=float)
    w = np.zeros(3)
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + L2 * np.eye(3)
        w -= np.linalg.solve(hessian, x.T @ (p - y) + L2 * w)
    return float(w[0]), float(w[1]), float(w[2])


Bin = tuple[float, float, int, float, float]  # low, high, topics, mean score, share right


def reliability_bins(scores: list[float], right: list[bool]) -> tuple[list[Bin], float]:
    """Per bin of BINS that holds any: (low, high, topics, mean score, share right); and the expected calibration
    error, the gap between mean score and share right weighted by the topics in each bin."""
    s, y = np.array(scores, dtype=float), np.array(right, dtype=float)
    bins, gap = [], 0.0
    for low, high in BINS:
        mask = (s >= low) & (s < high)
        if mask.any():
            gap += abs(s[mask].mean() - y[mask].mean()) * mask.sum()
            bins.append((low, min(high, 1.0), int(mask.sum()), float(s[mask].mean()), float(y[mask].mean())))
    return bins, gap / max(len(s), 1)


def read_score_calibration(path: Path) -> ScoreCalibration | None:
    """The calibration in `path`; None without the file, CalibrationError for one that is not a calibration."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ScoreCalibration(
            head=str(data["head"]),
            taxonomy=str(data["taxonomy"]),
            short=read_coefficients(data["short"]),
            long=read_coefficients(data["long"]),
            short_words=int(data["short_words"]),
        )
    except CalibrationError as error:
        raise CalibrationError(f"{path}: {error}") from None
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise CalibrationError(f"{path}: not a topic calibration ({type(error).__name__}: {error})") from None


def read_coefficients(value: object) -> tuple[float, float, float]:
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"{value!r} is not three numbers (a, c, b)")
    a, c, b = (float(x) for x in value)
    return a, c, b


def load_score_calibration(path: Path, head: str, taxonomy: str) -> ScoreCalibration | None:
    """The calibration in `path` when it was fitted for this head and shipped taxonomy version; None without the
    file, and None with a warning for a file fitted for another (the scores are then stored uncalibrated)."""
    calibration = read_score_calibration(path)
    if calibration is None:
        return None
    if (calibration.head, calibration.taxonomy) != (head, taxonomy):
        logger.warning("%s was fitted for %s/%s, not %s/%s: topic scores are not calibrated (make train-topics "
                       "refits it)", path, calibration.head, calibration.taxonomy, head, taxonomy)  # fmt: skip
        return None
    return calibration


def write_score_calibration(path: Path, calibration: ScoreCalibration, fitted_on: str) -> None:
    data = {"head": calibration.head, "taxonomy": calibration.taxonomy, "short": list(calibration.short),
            "long": list(calibration.long), "short_words": calibration.short_words, "fitted_on": fitted_on}  # fmt: skip
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def calibrate_topics(calibration: ScoreCalibration, topics: list[TopicScore], roots: dict[str, str],
                     body_words: int) -> None:  # fmt: skip
    """Map the scores of one article's topics in place: every top-level topic, and each subtopic by its top-level
    topic's factor, at most its calibrated score."""
    a, c, b = calibration.short if body_words <= calibration.short_words else calibration.long
    tops = [t for t in topics if roots[t.topic] == t.topic and t.score > 0]
    if not tops:
        return
    # σ(a·L + c·(L − L_best) + b) = σ((a + c)·L + b − c·L_best)
    slope, offset = a + c, b - c * logit(max(t.score for t in tops))
    factors, ceilings = {}, {}
    for topic in tops:
        calibrated = max(round(1 / (1 + math.exp(-(slope * logit(topic.score) + offset))), 4), FLOOR)
        factors[topic.topic], ceilings[topic.topic] = calibrated / topic.score, calibrated
        topic.score = calibrated
    if len(tops) < len(topics):
        for topic in topics:
            root = roots[topic.topic]
            if root != topic.topic and root in factors:
                topic.score = max(round(min(topic.score * factors[root], ceilings[root]), 4), FLOOR)
