"""A topic head trained on your own labelled articles: softmax regression over wordllama's static embeddings.

`newsflow topics train LABELLED.jsonl [MORE.jsonl …]` fits it (records with `text`, or `title` and `body`, and
`topics`: codes of the taxonomy, IPTC or your own), calibrates its temperature on a quarter of the records it then
leaves out (and fits its score map there: tasks/tagging/calibrate_head.py), and writes one `.npz` file;
NEWSFLOW_TOPIC_MODEL names that file and every later run (and `newsflow
retag`) fuses the head's probabilities with the lexicon's scores on every article, recording the head in
`tagger_version`.
Nothing is downloaded: the embeddings ship inside wordllama's wheel.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tasks.tagging.calibrate import CalibrationError, ScoreCalibration

DIMENSIONS = 256
STEPS = 400
LEARNING_RATE = 2.0
L2 = 1e-4
TEMPERATURES = tuple(round(0.2 + 0.1 * i, 2) for i in range(29))  # 0.2 … 3.0, a multiplier of the logits' scale
HOLD_OUT = 4  # every 4th record (by a hash of its text) calibrates, and measures, before the final fit


class HeadError(ValueError):
    """A labelled file or model file that cannot be used; one line."""


@dataclass(slots=True)
class TopicHead:
    codes: list[str]
    weights: np.ndarray  # classes × DIMENSIONS
    bias: np.ndarray  # classes
    temperature: float
    trained_on: str  # what it was trained on, for the record
    score_map: ScoreCalibration | None = None  # fitted on the held-out quarter (tasks.tagging.calibrate_head)

    @property
    def tag(self) -> str:
        digest = hashlib.sha256(self.weights.tobytes() + self.bias.tobytes() + str(self.temperature).encode())
        return f"head-{digest.hexdigest()[:12]}"


@dataclass(slots=True)
class Calibration:
    accuracy: float  # top-1 on the held-out quarter
    held_out: int
    bins: list[tuple[float, float, int]]  # (mean confidence, accuracy, records) per confidence decile
    held: np.ndarray | None = None  # which records were held out
    interim: TopicHead | None = None  # the head fitted without them, at the chosen temperature


def labelled_text(record: dict) -> str:
    """A labelled record's text: its `text`, or its `title` and `body` on two lines."""
    return record.get("text") or "\n".join(str(record.get(k) or "") for k in ("title", "body")).strip()


def read_labelled(path: Path, known: set[str]) -> tuple[list[str], list[str]]:
    """(texts, first topic code) of a JSON Lines file; a line that is not a usable record, or a file without one,
    is a one-line error. One file may hold a single topic: the caller checks that all its files hold two."""
    texts, labels = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise HeadError(f"cannot read {path}: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise HeadError(f"{path}:{number}: not a JSON object") from None
        if not isinstance(record, dict):
            raise HeadError(f"{path}:{number}: not a JSON object")
        text = labelled_text(record)
        topics = record.get("topics", record.get("topic"))
        topics = [topics] if isinstance(topics, str) else topics
        if not isinstance(text, str) or not text.strip() or not topics or not isinstance(topics[0], str):
            raise HeadError(f"{path}:{number}: needs `text` (or `title`/`body`) and `topics` (a list of codes)")
        if topics[0] not in known:
            raise HeadError(
                f"{path}:{number}: {topics[0]!r} is not a topic of the taxonomy (NEWSFLOW_TAXONOMY adds yours)"
            )
        texts.append(text)
        labels.append(topics[0])
    if not labels:
        raise HeadError(f"{path}: holds no records")
    return texts, labels


def fit(features: np.ndarray, classes: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced softmax regression, full-batch gradient descent (a few thousand rows train in seconds)."""
    rows, dims = features.shape
    weights, bias = np.zeros((count, dims)), np.zeros(count)
    per_class = np.bincount(classes, minlength=count)
    sample = (rows / (count * np.maximum(per_class, 1)))[classes]
    target = np.eye(count)[classes]
    for _ in range(STEPS):
        logits = features @ weights.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        gradient = (probabilities - target) * sample[:, None] / sample.sum()
        weights -= LEARNING_RATE * (gradient.T @ features + L2 * weights)
        bias -= LEARNING_RATE * gradient.sum(axis=0)
    return weights, bias


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def train_head(features: np.ndarray, labels: list[str], trained_on: str) -> tuple[TopicHead, Calibration]:
    """Fit on three quarters, choose the temperature that minimises log loss on the last quarter (and measure
    there), then fit on everything with that temperature."""
    codes = sorted(set(labels))
    classes = np.array([codes.index(label) for label in labels])
    held = np.array([int(hashlib.sha256(f.tobytes()).hexdigest(), 16) % HOLD_OUT == 0 for f in features])
    if held.all() or not held.any() or len(set(classes[~held])) < len(codes):
        held = np.zeros(len(labels), dtype=bool)  # too few records to hold any out: temperature 1, no measure
    temperature, calibration = 1.0, Calibration(float("nan"), 0, [])
    if held.any():
        weights, bias = fit(features[~held], classes[~held], len(codes))
        logits, truth = features[held] @ weights.T + bias, classes[held]

        def loss(t: float) -> float:
            return float(-np.mean(np.log(softmax(logits / t)[np.arange(len(truth)), truth] + 1e-12)))

        temperature = min(TEMPERATURES, key=loss)
        calibration = calibrate(softmax(logits / temperature), truth)
        calibration.held = held
        calibration.interim = TopicHead(codes, weights / temperature, bias / temperature, temperature, "interim")
    weights, bias = fit(features, classes, len(codes))
    return TopicHead(codes, weights / temperature, bias / temperature, temperature, trained_on), calibration


def calibrate(probabilities: np.ndarray, truth: np.ndarray) -> Calibration:
    """Accuracy, and per confidence decile the mean confidence beside the share right."""
    confidence, chosen = probabilities.max(axis=1), probabilities.argmax(axis=1)
    right = chosen == truth
    bins = []
    for low in np.arange(0, 1, 0.1):
        inside = (confidence >= low) & (confidence < low + 0.1 + (low >= 0.9))
        if inside.any():
            bins.append((float(confidence[inside].mean()), float(right[inside].mean()), int(inside.sum())))
    return Calibration(float(right.mean()), len(truth), bins)


def save_head(head: TopicHead, path: Path) -> None:
    score_map, fitted = {}, head.score_map
    if fitted is not None:
        score_map = {"map_taxonomy": np.array(fitted.taxonomy), "map_short": np.array(fitted.short),
                     "map_long": np.array(fitted.long), "map_short_words": np.array(fitted.short_words)}  # fmt: skip
    with open(path, "wb") as stream:
        np.savez(stream, codes=np.array(head.codes), weights=head.weights, bias=head.bias,
                 temperature=np.array(head.temperature), trained_on=np.array(head.trained_on), **score_map)  # fmt: skip


@lru_cache(maxsize=8)
def check_head(path: str, mtime_ns: int) -> str:
    """Load the file once per version of it (settings are read often); its tag."""
    return load_head(path).tag


def load_head(path: str | Path) -> TopicHead:
    """A head file written by `newsflow topics train`; HeadError when it is anything else."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            head = TopicHead(
                codes=[str(c) for c in data["codes"]], weights=np.asarray(data["weights"], dtype=np.float64),
                bias=np.asarray(data["bias"], dtype=np.float64), temperature=float(data["temperature"]),
                trained_on=str(data["trained_on"]),
            )  # fmt: skip
            if "map_short" in data.files:
                head.score_map = ScoreCalibration(
                    head.tag, str(data["map_taxonomy"]), read_triple(data["map_short"]),
                    read_triple(data["map_long"]), int(data["map_short_words"]),
                )  # fmt: skip
    except (OSError, KeyError, ValueError, CalibrationError) as error:
        raise HeadError(f"{path} is not a topic model written by `newsflow topics train`: {error}") from None
    if head.weights.shape != (len(head.codes), DIMENSIONS) or head.bias.shape != (len(head.codes),):
        raise HeadError(f"{path}: the weights do not fit {len(head.codes)} topics of {DIMENSIONS} dimensions")
    return head


def read_triple(values: np.ndarray) -> tuple[float, float, float]:
    a, c, b = (float(x) for x in values.reshape(-1))
    return a, c, b
