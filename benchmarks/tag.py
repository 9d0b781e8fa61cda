"""Tagging speed: articles per second on one core for 3 KB articles (topics, and topics + places).

    .venv/bin/python benchmarks/tag.py [--articles 5000]

The articles are generated (benchmarks/corpus.py's news vocabulary, names and places), about 3 KB each, with a
title. The tagger is built once before timing; the best of three passes counts.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from corpus import WORDS, paragraph, sentence  # noqa: E402

from tasks.models import Article  # noqa: E402
from tasks.places import cached_gazetteer, place_articles  # noqa: E402
from tasks.tag import get_tagger, tag_articles  # noqa: E402

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


def best_rate(function, articles: list[Article], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function(articles)
        best = min(best, time.perf_counter() - started)
    return len(articles) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    articles = make_articles(args.articles)
    tagger, gazetteer = get_tagger(), cached_gazetteer()
    size = sum(len(a.body) for a in articles) / len(articles)
    print(f"{len(articles)} articles of {size:.0f} characters; taxonomy {tagger.version},"
          f" gazetteer {gazetteer.version}")  # fmt: skip
    topics = best_rate(lambda batch: tag_articles(batch, tagger), articles)
    both = best_rate(lambda batch: (tag_articles(batch, tagger), place_articles(batch, gazetteer)), articles)
    print(f"topics:          {topics:8.0f} articles/s on one core (target >= 2,000)")
    print(f"topics + places: {both:8.0f} articles/s on one core")


if __name__ == "__main__":
    main()
