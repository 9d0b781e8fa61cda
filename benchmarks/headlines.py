"""Topics of short texts: top-1 accuracy of the lexicon, of the embedding prototypes, and of the two together as
newsflow tags (the lexicon decides; the model speaks only where the lexicon finds no top-level topic), on the
headline dev set `benchmarks/data/headlines-dev.jsonl` (166 headlines written for this project, 8–10 per IPTC
top-level topic; the project's licence). Also fits the softmax temperature on one half of the set (by id) and
reports calibration on the other half.

    .venv/bin/python benchmarks/headlines.py [FILE.jsonl]   (records: {"title", "topic"})
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tasks.models import Article  # noqa: E402
from tasks.tagging import embed  # noqa: E402
from tasks.tagging.tag import get_tagger, score_text, tag_articles  # noqa: E402

DEFAULT = ROOT / "benchmarks" / "data" / "headlines-dev.jsonl"


def top_level(tagger, topics) -> str | None:
    tops = [t for t in topics if not tagger.topics[t.topic].parent]
    return max(tops, key=lambda t: t.score).topic if tops else None


def half(title: str) -> int:
    return int(hashlib.sha256(title.encode()).hexdigest(), 16) % 2


def log_loss(probabilities: np.ndarray, truth: list[int]) -> float:
    return float(-np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    tagger = get_tagger()
    lexicon = [top_level(tagger, score_text(tagger, r["title"], r["title"])) for r in rows]
    prototypes = embed.prototypes_for(tagger)
    index = {code: i for i, code in enumerate(prototypes.codes)}
    truth = [index[r["topic"]] for r in rows]
    model = embed.load_model()
    sims = embed.unit_rows(model.embed([r["title"] for r in rows], norm=True)) @ prototypes.matrix.T
    fit = [i for i, r in enumerate(rows) if half(r["title"]) == 0]
    check = [i for i, r in enumerate(rows) if half(r["title"]) == 1]

    def probabilities(temperature: float, ids: list[int]) -> np.ndarray:
        logits = sims[ids] / temperature
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    temperatures = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12]
    best = min(temperatures, key=lambda t: log_loss(probabilities(t, fit), [truth[i] for i in fit]))
    articles = [Article(source_uri="dev", body=r["title"], title=r["title"]) for r in rows]
    tag_articles(articles, tagger)
    combined = [top_level(tagger, a.topics) for a in articles]
    modelled = [prototypes.codes[i] for i in sims.argmax(axis=1)]

    def accuracy(predicted: list[str | None]) -> float:
        return sum(p == r["topic"] for p, r in zip(predicted, rows)) / len(rows)

    print(f"{len(rows)} headlines from {path}")
    print(f"lexicon alone            {accuracy(lexicon):.3f}  (no topic for {lexicon.count(None)})")
    print(f"embedding prototypes     {accuracy(modelled):.3f}")
    print(f"newsflow (both)          {accuracy(combined):.3f}")
    on_b = [i for i in check]
    lexicon_b = sum(lexicon[i] == rows[i]["topic"] for i in on_b) / len(on_b)
    both_b = sum(combined[i] == rows[i]["topic"] for i in on_b) / len(on_b)
    print(f"half B only (the weights were fitted on half A): lexicon {lexicon_b:.3f}, newsflow {both_b:.3f}")
    print(f"\ntemperature fitted on half A ({len(fit)}): {best} (shipped: {embed.TEMPERATURE})")
    held = probabilities(embed.TEMPERATURE, check)
    confidence, correct = held.max(axis=1), held.argmax(axis=1) == np.array([truth[i] for i in check])
    print(f"calibration on half B ({len(check)}), model probability of its top topic:")
    for low, high in ((0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        mask = (confidence >= low) & (confidence < high)
        if mask.any():
            print(f"  {low:.1f}–{min(high, 1):.1f}: {mask.sum():3d} texts, mean {confidence[mask].mean():.2f},"
                  f" right {correct[mask].mean():.2f}")  # fmt: skip
    print("\nper topic (newsflow, both): right / texts")
    by_topic = Counter(r["topic"] for r in rows)
    right = Counter(r["topic"] for p, r in zip(combined, rows) if p == r["topic"])
    for code in sorted(by_topic):
        print(f"  {tagger.topics[code].label:42} {right[code]:2d} / {by_topic[code]}")
    confusion = Counter((r["topic"], p) for p, r in zip(combined, rows) if p != r["topic"])
    print("\nmost frequent confusions (truth -> tagged):")
    for (truth_code, tagged), n in confusion.most_common(8):
        label = tagger.topics[tagged].label if tagged else "(none)"
        print(f"  {tagger.topics[truth_code].label} -> {label}: {n}")


if __name__ == "__main__":
    main()
