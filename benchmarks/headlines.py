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
from tasks.tagging.tag import get_tagger, score_text, tag_articles, tagger_for, taxonomy_paths  # noqa: E402

DEFAULT = ROOT / "benchmarks" / "data" / "headlines-dev.jsonl"


def top_level(tagger, topics) -> str | None:
    tops = [t for t in topics if not tagger.topics[t.topic].parent]
    return max(tops, key=lambda t: t.score).topic if tops else None


def half(title: str) -> int:
    return int(hashlib.sha256(title.encode()).hexdigest(), 16) % 2


def log_loss(probabilities: np.ndarray, truth: list[int]) -> float:
    return float(-np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))


def calibration_lines(confidence: np.ndarray, correct: np.ndarray) -> list[str]:
    lines = []
    for low, high in ((0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        mask = (confidence >= low) & (confidence < high)
        if mask.any():
            lines.append(f"  {low:.1f}–{min(high, 1):.1f}: {mask.sum():3d} texts, mean {confidence[mask].mean():.2f},"
                         f" right {correct[mask].mean():.2f}")  # fmt: skip
    return lines


def tag_all(rows: list[dict], tagger) -> list[Article]:
    articles = [Article(source_uri="dev", body=r["title"], title=r["title"]) for r in rows]
    tag_articles(articles, tagger)
    return articles


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    tagger = get_tagger()  # the shipped head (tasks/data/topic-head.npz), or NEWSFLOW_TOPIC_MODEL's
    plain = tagger_for(tuple(str(p) for p in taxonomy_paths()), "")  # no head: the taxonomy's prototypes
    lexicon = [top_level(tagger, score_text(tagger, r["title"], r["title"])) for r in rows]
    texts = [embed.model_text(r["title"], r["title"]) for r in rows]
    fit = [i for i, r in enumerate(rows) if half(r["title"]) == 0]
    check = [i for i, r in enumerate(rows) if half(r["title"]) == 1]

    def accuracy(predicted: list[str | None], ids: list[int] | None = None) -> float:
        ids = list(range(len(rows))) if ids is None else ids
        return sum(predicted[i] == rows[i]["topic"] for i in ids) / len(ids)

    protos = embed.prototypes_for(plain)
    proto_rows = embed.topic_probabilities(protos, texts)
    head_rows = embed.topic_probabilities(embed.prototypes_for(tagger), texts) if tagger.head else None
    with_protos = tag_all(rows, plain)
    combined_articles = tag_all(rows, tagger)
    combined = [top_level(tagger, a.topics) for a in combined_articles]
    print(f"{len(rows)} headlines from {path}; model in force: {tagger.version.split('/')[0]}")
    print(f"lexicon alone                 {accuracy(lexicon):.3f}  (no topic for {lexicon.count(None)})")
    print(f"prototypes alone              {accuracy([protos.codes[i] for i in proto_rows.argmax(axis=1)]):.3f}")
    if head_rows is not None:
        head_codes = tagger.head.codes
        print(f"head alone                    {accuracy([head_codes[i] for i in head_rows.argmax(axis=1)]):.3f}")
    print(f"newsflow, prototypes          {accuracy([top_level(plain, a.topics) for a in with_protos]):.3f}")
    print(f"newsflow, {'head' if tagger.head else 'prototypes'} (in force)    {accuracy(combined):.3f}")
    print(f"half B only (fusion weight fitted on half A): lexicon {accuracy(lexicon, check):.3f},"
          f" newsflow {accuracy(combined, check):.3f}")  # fmt: skip

    index = {code: i for i, code in enumerate(protos.codes)}
    truth = [index[r["topic"]] for r in rows]
    sims = embed.embed_rows(texts) @ protos.matrix.T
    temperatures = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12]

    def probabilities(temperature: float, ids: list[int]) -> np.ndarray:
        logits = sims[ids] / temperature
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    best = min(temperatures, key=lambda t: log_loss(probabilities(t, fit), [truth[i] for i in fit]))
    print(f"\nprototypes' temperature fitted on half A ({len(fit)}): {best} (shipped: {embed.TEMPERATURE})")
    held = probabilities(embed.TEMPERATURE, check)
    print(f"calibration of the prototypes on half B ({len(check)}), probability of their top topic:")
    print("\n".join(calibration_lines(held.max(axis=1), held.argmax(axis=1) == np.array([truth[i] for i in check]))))
    if head_rows is not None:
        head_truth = np.array([tagger.head.codes.index(r["topic"]) for r in rows])
        print(f"calibration of the head on all {len(rows)} (never trained on), probability of its top topic:")
        print("\n".join(calibration_lines(head_rows.max(axis=1), head_rows.argmax(axis=1) == head_truth)))
    tops = [max((t for t in a.topics if not tagger.topics[t.topic].parent), key=lambda t: t.score, default=None)
            for a in combined_articles]  # fmt: skip
    scored = [(t.score, t.topic == r["topic"]) for t, r in zip(tops, rows) if t is not None]
    print(f"calibration of newsflow's stored score of its top topic, all {len(rows)}:")
    print("\n".join(calibration_lines(np.array([s for s, _ in scored]), np.array([c for _, c in scored]))))

    print("\nper topic (newsflow, in force): right / texts")
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
