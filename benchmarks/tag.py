"""Tagging speed: articles per second on one core for 3 KB articles (topics, and topics + places).

    .venv/bin/python benchmarks/tag.py [--articles 5000]

Two corpora of 3 KB articles with titles: "news text" is built from the paragraphs of the bundled samples/
articles (written for newsflow), shuffled; "dense text" is generated from benchmarks/corpus.py's news vocabulary,
which names about three times as many taxonomy terms per article as real news does (153 distinct terms against
about 50-70), so it is the worst case. Headlines are the headline dev set's titles, cycled.
The tagger is built once before timing; the best of five passes counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from corpus import WORDS, paragraph, sentence  # noqa: E402

from tasks.models import Article  # noqa: E402
from tasks.reading.read_files import discover_files, read_files  # noqa: E402
from tasks.tagging.places import cached_gazetteer, place_articles  # noqa: E402
from tasks.tagging.tag import get_tagger, tag_articles  # noqa: E402

PLACES = ["Germany", "Paris", "Brazilian", "Japan", "Kenya", "British", "the United States", "Moscow", "India"]


def make_articles(count: int, size: int = 3000, seed: int = 3) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        parts, length = [], 0
        while length < size:
            text = paragraph(rng) + f" Officials in {rng.choice(PLACES)} said {rng.choice(WORDS)}."
            parts.append(text)
            length += len(text) + 2
        body = "\n\n".join(parts)[:size]
        articles.append(Article(source_uri=f"a{number}", body=body, title=sentence(rng)[:90]))
    return articles


def news_articles(count: int, size: int = 3000, seed: int = 5) -> list[Article]:
    """3 KB articles made of shuffled paragraphs of the bundled sample articles."""
    batch = read_files(discover_files([ROOT / "samples"])[0])
    paragraphs = [p for a in batch.articles for p in a.body.split("\n\n") if len(p) > 80]
    titles = [a.title for a in batch.articles if a.title]
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        parts, length = [], 0
        while length < size:
            parts.append(rng.choice(paragraphs))
            length += len(parts[-1]) + 2
        articles.append(Article(source_uri=f"n{number}", body="\n\n".join(parts)[:size], title=rng.choice(titles)))
    return articles


def headline_articles(count: int) -> list[Article]:
    """benchmarks/data/headlines-dev.jsonl's titles, cycled, each with a number so no two texts are the same."""
    titles = [json.loads(line)["title"] for line in (ROOT / "benchmarks/data/headlines-dev.jsonl").open()]
    return [Article(source_uri=f"h{n}", title=(title := f"{titles[n % len(titles)]} ({n})"), body=title)
            for n in range(count)]  # fmt: skip


def best_rate(function, articles: list[Article], repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()  # CPU time: one core's work, not the neighbours' load
        function(articles)
        best = min(best, time.process_time() - started)
    return len(articles) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    tagger, gazetteer = get_tagger(), cached_gazetteer()
    print(f"taxonomy {tagger.version}, gazetteer {gazetteer.version}; one core")
    for name, articles in (("news text", news_articles(args.articles)), ("dense text", make_articles(args.articles))):
        size = sum(len(a.body) for a in articles) / len(articles)
        topics = best_rate(lambda batch: tag_articles(batch, tagger), articles)
        both = best_rate(lambda batch: (tag_articles(batch, tagger), place_articles(batch, gazetteer)), articles)
        print(f"{name:<11} ({len(articles)} articles of {size:.0f} characters): topics {topics:6.0f} articles/s"
              f" (target >= 1,500), topics + places {both:6.0f} articles/s")  # fmt: skip
    headlines = headline_articles(args.articles * 2)
    rate = best_rate(lambda batch: tag_articles(batch, tagger), headlines)
    print(
        f"{'headlines':<11} ({len(headlines)}, the dev set's titles cycled, each its own body): topics {rate:6.0f}"
        " articles/s (target >= 10,000)"
    )


if __name__ == "__main__":
    main()
