"""Topics of full articles: top-1 accuracy of newsflow's top-level topic on the extraction dev pages' gold texts.

    .venv/bin/python benchmarks/articles.py [--show-errors]

The labels are `benchmarks/data/aeb-dev-topics.jsonl`: one IPTC top-level topic per page id, given by hand for
this project (the project's licence) to the 56 English news pages of aeb-dev (../shared/data/extraction/aeb-dev,
the dev half of the scrapinghub article-extraction benchmark) whose main topic is clear. Pages that are not news
(shopping deals, sponsored posts, app notes), pages in other languages and pages with two equal topics (a
corporate investigation, a royal scandal, an inquiry into a military crash) have no label. The text is the page's
gold `articleBody` and the title its own (og:title or <title>, read by newsflow's metadata reader), tagged as an
ingest tags them (lexicon, and the model for texts the lexicon finds no top-level topic in). Needs the aeb-dev
folder: without it the benchmark says so and stops. Nothing was trained on these texts; they are the pages the
extraction work reads, so the team has seen them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trafilatura.utils import load_html  # noqa: E402

from tasks.extraction.page_metadata import read_page_metadata  # noqa: E402
from tasks.models import Article  # noqa: E402
from tasks.tagging.tag import get_tagger, tag_articles, tagger_for, taxonomy_paths  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev"
LABELS = ROOT / "benchmarks" / "data" / "aeb-dev-topics.jsonl"


def page_title(page_id: str) -> str | None:
    for path in DEV_SET.rglob(f"{page_id}*"):
        data = path.read_bytes()
        data = gzip.decompress(data) if path.name.endswith(".gz") else data
        tree = load_html(data)
        return read_page_metadata(tree, None).title if tree is not None else None
    return None


def top_level(tagger, article: Article) -> str | None:
    tops = [t for t in article.topics if not tagger.topics[t.topic].parent]
    return max(tops, key=lambda t: t.score).topic if tops else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    truth_file = DEV_SET / "ground-truth.json"
    if not truth_file.exists():
        print(f"no aeb-dev folder at {DEV_SET}: nothing to measure")
        return
    gold = json.loads(truth_file.read_text())
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    rows = [(r["id"], r["topic"], gold[r["id"]]["articleBody"], page_title(r["id"])) for r in labels]
    words = sum(len(body.split()) for _, _, body, _ in rows) // len(rows)
    print(f"{len(rows)} full articles labelled in {LABELS.name}; {words} words on average")
    results = {}
    plain = tagger_for(tuple(str(p) for p in taxonomy_paths()), "")
    for name, tagger in (("newsflow (in force)", get_tagger()), ("newsflow, prototypes", plain)):
        articles = [Article(source_uri=i, body=body, title=title) for i, _, body, title in rows]
        tag_articles(articles, tagger)
        predicted = [top_level(tagger, a) for a in articles]
        right = [p == topic for p, (_, topic, _, _) in zip(predicted, rows)]
        results[name] = (tagger, predicted, right)
        print(f"{name:24} {sum(right) / len(rows):.3f}  ({sum(right)} of {len(rows)}; {tagger.version})")
    tagger, predicted, right = results["newsflow (in force)"]
    print("\nper topic: right / texts")
    by_topic = Counter(topic for _, topic, _, _ in rows)
    hits = Counter(topic for ok, (_, topic, _, _) in zip(right, rows) if ok)
    for code in sorted(by_topic):
        print(f"  {tagger.topics[code].label:42} {hits[code]:2d} / {by_topic[code]}")
    confusion = Counter((topic, p) for p, ok, (_, topic, _, _) in zip(predicted, right, rows) if not ok)
    print("\nconfusions (truth -> tagged):")
    for (truth, tagged), n in confusion.most_common():
        print(f"  {tagger.topics[truth].label} -> {tagger.topics[tagged].label if tagged else '(none)'}: {n}")
    if args.show_errors:
        for p, ok, (page_id, topic, body, title) in zip(predicted, right, rows):
            if not ok:
                print(f"\n{page_id[:8]} {topic} -> {p}: {title!r}\n  {body[:200]!r}")


if __name__ == "__main__":
    main()
