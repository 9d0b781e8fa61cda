"""Topics of full articles and of their headlines alone: top-1 accuracy, per topic, confusions and calibration on
`benchmarks/data/articles-dev.jsonl`, 408 news articles written for this project (the project's licence; 24 for
each of the 17 IPTC top-level topics, 120–420 words, set around the world, invented people and companies, written
by the project's coding agents to `benchmarks/data/articles-dev-guide.md`). Needs nothing outside the repository.

    .venv/bin/python benchmarks/written_articles.py [--cross-validate] [--show-errors]

Each record is tagged twice as an ingest tags it: as a full article (title and body) and as a headline alone (the
title as its body, what a feed-only entry or an unfetchable page leaves). The labels follow IPTC's scope notes,
main subject first (a technology company's results are economy, a nurses' strike labour); about a fifth of the
articles are such boundary cases, and many never name their topic.

`--cross-validate` asks whether training on these articles would help: five folds by a hash of the title, a head
trained on `topics-train.jsonl` plus four folds and scored on the fifth, beside the shipped head on the same
folds. The tagger was not fitted on this set: it was written after the lexicon, the head and their constants. The
score calibration was (tasks/data/topic-calibration.json), so the calibration table printed here is in-sample;
benchmarks/calibrate_topics.py reports it out of fold.
The tagger is the one in force: the shipped head, or NEWSFLOW_TOPIC_MODEL's and NEWSFLOW_TAXONOMY's when they are
set (its version is printed), so a head of your own can be scored here too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from headlines import calibration_lines  # noqa: E402

from tasks.models import Article, TopicScore  # noqa: E402
from tasks.tagging import embed  # noqa: E402
from tasks.tagging.head import labelled_text, save_head, train_head  # noqa: E402
from tasks.tagging.tag import Tagger, build_tagger, get_tagger, tag_articles, taxonomy_paths  # noqa: E402

DEV_SET = ROOT / "benchmarks" / "data" / "articles-dev.jsonl"
TRAIN_SET = ROOT / "benchmarks" / "data" / "topics-train.jsonl"
FOLDS = 5


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fold_of(title: str) -> int:
    return int(hashlib.sha256(title.encode()).hexdigest(), 16) % FOLDS


def best_top_level(tagger: Tagger, article: Article) -> TopicScore | None:
    tops = [t for t in article.topics if not tagger.topics[t.topic].parent]
    return max(tops, key=lambda t: t.score) if tops else None


def tag_rows(tagger: Tagger, rows: list[dict], headline_only: bool) -> list[TopicScore | None]:
    articles = [Article(source_uri="dev", title=r["title"], body=r["title"] if headline_only else r["body"])
                for r in rows]  # fmt: skip
    tag_articles(articles, tagger)
    return [best_top_level(tagger, a) for a in articles]


def report(tagger: Tagger, rows: list[dict], name: str, best: list[TopicScore | None], show_errors: bool) -> None:
    truth = [r["topics"][0] for r in rows]
    right = [b is not None and b.topic == t for b, t in zip(best, truth)]
    print(f"\n{name}: {sum(right) / len(rows):.3f} ({sum(right)} of {len(rows)}; {tagger.version})")
    by_topic, hits = Counter(truth), Counter(t for t, ok in zip(truth, right) if ok)
    print("  per topic: right / texts")
    for code in sorted(by_topic):
        print(f"    {tagger.topics[code].label:42} {hits[code]:2d} / {by_topic[code]}")
    confusion = Counter((t, b.topic if b else None) for t, b, ok in zip(truth, best, right) if not ok)
    print("  most frequent confusions (truth -> tagged):")
    for (t, tagged), n in confusion.most_common(8):
        print(f"    {tagger.topics[t].label} -> {tagger.topics[tagged].label if tagged else '(none)'}: {n}")
    scores = np.array([b.score if b else 0.0 for b in best])
    print(
        "  calibration of the stored score of the top topic (a text with no top-level topic counts as 0; "
        "in-sample for the calibration, fitted on this set):"
    )
    print("\n".join("  " + line for line in calibration_lines(scores, np.array(right))))
    if show_errors:
        for r, b, ok in zip(rows, best, right):
            if not ok:
                print(f"    {r['topics'][0]} -> {b.topic if b else None}: {r['title']!r} {b.terms[:4] if b else ''}")


def cross_validate(rows: list[dict]) -> None:
    shipped = get_tagger()
    train = read_rows(TRAIN_SET)
    right = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for k in range(FOLDS):
            records = train + [r for r in rows if fold_of(r["title"]) != k]
            test = [r for r in rows if fold_of(r["title"]) == k]
            features = embed.embed_rows([embed.model_text(None, labelled_text(r)) for r in records])
            head, _ = train_head(features, [r["topics"][0] for r in records], trained_on=f"fold {k}")
            path = Path(folder) / f"fold-{k}.npz"
            save_head(head, path)
            tagger = build_tagger(taxonomy_paths(), model=str(path))
            for name, candidate in (("shipped", shipped), ("with 4 folds", tagger)):
                for view in ("full", "headline"):
                    best = tag_rows(candidate, test, headline_only=view == "headline")
                    right[name, view] += sum(b is not None and b.topic == r["topics"][0] for b, r in zip(best, test))
    print(f"\nfive folds by title, {len(rows)} articles: top-1 of the shipped head vs a head trained on "
          f"{TRAIN_SET.name} + the other four folds")  # fmt: skip
    for view in ("full", "headline"):
        print(f"  {view:8}  shipped {right['shipped', view] / len(rows):.3f}   "
              f"with 4 folds {right['with 4 folds', view] / len(rows):.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    rows = read_rows(DEV_SET)
    words = sum(len(r["body"].split()) for r in rows) // len(rows)
    print(f"{len(rows)} written articles in {DEV_SET.name}, {words} words of body on average")
    tagger = get_tagger()
    report(tagger, rows, "full articles", tag_rows(tagger, rows, headline_only=False), args.show_errors)
    report(tagger, rows, "headlines alone", tag_rows(tagger, rows, headline_only=True), args.show_errors)
    if args.cross_validate:
        cross_validate(rows)


if __name__ == "__main__":
    main()
