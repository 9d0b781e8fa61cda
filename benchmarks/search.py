"""Search latency on a warehouse of 100k articles: index build time, and query time (median and worst of 50
queries, each as `newsflow search` runs one: the index opened, the query, and the hits checked against the
published file) for words, a phrase and a filtered query.

    .venv/bin/python benchmarks/search.py [--articles 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402

from warehouse.connect import Publish, open_working  # noqa: E402
from warehouse.search import refresh_index, search_articles  # noqa: E402

WORDS = (
    "harbour council ferry budget river flood school striker final election minister court trial market shares bank "
    "storm heat vaccine hospital teacher strike museum festival bridge road rail airport port police fire drought "
    "harvest orchard robot chip energy wind solar oil gas price union wage"
).split()


def fill(db: Path, count: int) -> None:
    rng = random.Random(7)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    ids = [f"{n:016x}" for n in range(count)]
    bodies = [" ".join(rng.choice(WORDS) for _ in range(400)) for _ in range(count)]
    table = pa.table({
        "article_id": ids, "source_uri": [f"{i}.txt" for i in ids], "title": [b[:60] for b in bodies],
        "body": bodies, "source": [f"source {n % 40}" for n in range(count)],
        "published_at": [now - timedelta(hours=n % 5000) for n in range(count)],
        "content_hash": ids, "run_id": ["bench"] * count, "ingested_at": [now] * count,
    })  # fmt: skip
    with open_working(db, Publish.NOW) as con:
        con.register("bench", table)
        con.execute("insert into articles (article_id, source_uri, title, body, source, published_at, content_hash,"
                    " run_id, ingested_at) select * from bench")  # fmt: skip


def timed(db: Path, **query) -> tuple[float, float]:
    times = []
    for _ in range(50):
        started = time.perf_counter()
        search_articles(db, **query)
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        fill(db, args.articles)
        started = time.perf_counter()
        refresh_index(db)
        print(f"{args.articles} articles of 400 words: index built in {time.perf_counter() - started:.1f} s")
        since = datetime(2026, 11, 1, tzinfo=UTC)
        queries = [
            ("two words", {"text": "ferry strike"}),
            ("a phrase", {"text": '"harbour council"'}),
            ("words, source and day", {"text": "flood bridge", "sources": ["source 3"], "since": since}),
        ]
        for name, query in queries:
            median, worst = timed(db, **query)
            print(f"{name:24} median {median:6.1f} ms   worst {worst:6.1f} ms")


if __name__ == "__main__":
    main()
