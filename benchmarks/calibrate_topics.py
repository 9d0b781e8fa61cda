"""Fit and check the calibration of stored topic scores (tasks/tagging/calibrate.py).

    .venv/bin/python benchmarks/calibrate_topics.py [--write]

Every top-level topic stored for a text counts, not only the first: it is right when it is the text's labelled
topic. The map is fitted on `benchmarks/data/articles-dev.jsonl`: its 408 articles for long texts; for short ones
(SHORT_WORDS words of body or fewer) their 408 headlines alone and the same headlines with the first 40 words of
the body (a feed entry with its summary), as logistic regression on logit(fused score) and its distance below the
text's best, one (a, c, b) per kind. It is reported

- out of fold on that set: five folds by a hash of the title (an article and its short forms in the same fold),
  each fold mapped by the fit on the other four;
- on the dev sets it never saw, with the map fitted on all of it: `benchmarks/data/headlines-dev.jsonl` (166
  headlines, short) and, when ../shared is present, the 56 labelled aeb-dev articles (long).

Per bin of the stored score: the topics in it, their mean score, and the share that were right; ECE is the mean gap
weighted by the topics in each bin. The fused scores come from the shipped head and taxonomy with the calibration
switched off (NEWSFLOW_TOPIC_MODEL and NEWSFLOW_TAXONOMY must be unset); `--write` writes the fit on the whole set
to tasks/data/topic-calibration.json, naming the head and the taxonomy version it is for. Needs nothing outside
the repository but the optional aeb-dev check.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles import DEV_SET as AEB_DEV  # noqa: E402
from articles import LABELS as AEB_LABELS  # noqa: E402
from articles import page_title  # noqa: E402
from written_articles import DEV_SET, FOLDS, fold_of, read_rows  # noqa: E402

from tasks.config import load_settings  # noqa: E402
from tasks.models import Article  # noqa: E402
from tasks.tagging.calibrate import (  # noqa: E402
    SHIPPED_CALIBRATION,
    CalibrationError,
    ScoreCalibration,
    fit_score_map,
    map_score,
    reliability_bins,
    write_score_calibration,
)
from tasks.tagging.embed import SHORT_WORDS  # noqa: E402
from tasks.tagging.tag import DEFAULT_TAXONOMY, Tagger, build_tagger, load_taxonomy_files, tag_articles  # noqa: E402

HEADLINES = ROOT / "benchmarks" / "data" / "headlines-dev.jsonl"
TEASER_WORDS = 40  # a short text with a summary: a headline and the first words of the body


@dataclasses.dataclass(slots=True)
class Stored:
    """One stored top-level topic of one text."""

    fold: int
    short: bool
    score: float
    best: float  # the text's highest top-level score
    right: bool


def stored_topics(tagger: Tagger, items: list[tuple[str, str, str]]) -> list[Stored]:
    """(title, body, labelled topic) → every top-level topic the tagger stores for it (a text with none: one
    wrong topic at 0)."""
    articles = [Article(source_uri="dev", title=title, body=body) for title, body, _ in items]
    tag_articles(articles, tagger)
    found = []
    for (title, body, truth), article in zip(items, articles):
        short = len(body.split()) <= SHORT_WORDS
        tops = [t for t in article.topics if not tagger.topics[t.topic].parent]
        best = max((t.score for t in tops), default=0.0)
        found += [Stored(fold_of(title), short, t.score, best, t.topic == truth) for t in tops]
        if not tops:
            found.append(Stored(fold_of(title), short, 0.0, 0.0, False))
    return found


def fit_map(topics: list[Stored]) -> tuple[float, float, float]:
    return fit_score_map([t.score for t in topics], [t.best for t in topics], [t.right for t in topics])


def reliability(scores: list[float], right: list[bool]) -> tuple[list[str], float]:
    bins, ece = reliability_bins(scores, right)
    lines = [f"    {low:.1f}–{high:.1f}: {count:4d} topics, mean {mean:.2f}, right {share:.2f}"
             for low, high, count, mean, share in bins]  # fmt: skip
    return lines, ece


def show(name: str, topics: list[Stored], mapped: list[float]) -> None:
    right = [t.right for t in topics]
    for label, scores in (("fused", [t.score for t in topics]), ("calibrated", mapped)):
        lines, ece = reliability(scores, right)
        print(f"  {name}, {label}: {len(topics)} stored top-level topics, ECE {ece:.3f}")
        print("\n".join(lines))


def teaser(body: str) -> str:
    """The start of an article's body, as a feed entry's summary gives it."""
    return " ".join(body.split()[:TEASER_WORDS])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write the fit to {SHIPPED_CALIBRATION}")
    args = parser.parse_args()
    settings = load_settings()
    if settings.topic_model or settings.taxonomy_files:
        sys.exit("error: NEWSFLOW_TOPIC_MODEL or NEWSFLOW_TAXONOMY is set; the calibration is fitted for the shipped "
                 "head and taxonomy")  # fmt: skip
    tagger = build_tagger([DEFAULT_TAXONOMY], calibrated=False)
    if tagger.head is None:
        sys.exit("error: no shipped head (tasks/data/topic-head.npz); the calibration is fitted for it")
    rows = read_rows(DEV_SET)
    views = {
        "long": {"articles": [(r["title"], r["body"], r["topics"][0]) for r in rows]},
        "short": {"headlines alone": [(r["title"], r["title"], r["topics"][0]) for r in rows],
                  f"headline + first {TEASER_WORDS} words": [(r["title"], teaser(r["body"]), r["topics"][0])
                                                             for r in rows]},
    }  # fmt: skip
    print(f"fitted on {DEV_SET.name}, {len(rows)} articles: long texts the articles, short ones their headlines "
          f"alone and with the first {TEASER_WORDS} words of the body; {tagger.version}")  # fmt: skip
    coefficients = {}
    for kind, named in views.items():
        found = {name: stored_topics(tagger, items) for name, items in named.items()}
        topics = [t for view in found.values() for t in view]
        out_of_fold: dict[int, float] = {}
        for fold in range(FOLDS):
            fold_fit = fit_map([t for t in topics if t.fold != fold])
            out_of_fold.update({id(t): map_score(t.score, t.best, fold_fit) for t in topics if t.fold == fold})
        coefficients[kind] = fit_map(topics)
        a, c, b = coefficients[kind]
        print(f"\n{kind} texts: probability = σ({a:.3f} · logit(score) {c:+.3f} · (logit(score) − logit(best))"
              f" {b:+.3f})")  # fmt: skip
        for name, view in found.items():
            show(f"{name}, out of fold", view, [out_of_fold[id(t)] for t in view])
    checks = [("short", HEADLINES.name, [(r["title"], r["title"], r["topic"]) for r in read_rows(HEADLINES)])]
    if (AEB_DEV / "ground-truth.json").exists():
        gold = json.loads((AEB_DEV / "ground-truth.json").read_text(encoding="utf-8"))
        labels = read_rows(AEB_LABELS)
        checks.append(("long", "aeb-dev", [(page_title(r["id"]) or "", gold[r["id"]]["articleBody"], r["topic"])
                                            for r in labels]))  # fmt: skip
    else:
        print(f"\nno aeb-dev folder at {AEB_DEV}: its check is skipped")
    print("\nnever fitted on, mapped by the fit on all of it:")
    for kind, name, items in checks:
        topics = stored_topics(tagger, items)
        show(f"{name} ({kind})", topics, [map_score(t.score, t.best, coefficients[kind]) for t in topics])
    if args.write:
        try:
            taxonomy = load_taxonomy_files([DEFAULT_TAXONOMY])[0]
            calibration = ScoreCalibration(tagger.head.tag, taxonomy, coefficients["short"], coefficients["long"],
                                           SHORT_WORDS)  # fmt: skip
        except CalibrationError as error:
            sys.exit(f"error: not written: {error}")
        write_score_calibration(SHIPPED_CALIBRATION, calibration, f"{DEV_SET.name}, {len(rows)} articles")
        print(f"\nwrote {SHIPPED_CALIBRATION.relative_to(ROOT)} ({calibration.tag})")


if __name__ == "__main__":
    main()
