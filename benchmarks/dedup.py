"""Near-duplicate detection: recall of planted copies, false merges, and the cost per article as history grows.

    .venv/bin/python benchmarks/dedup.py [--stories 4000] [--sizes 10000 100000]

1. Quality on a generated corpus (5,000+ articles): stories in families that share a subject, names and stock
   phrases, and planted copies of some stories (headline changed, a paragraph dropped or added, sentences
   reworded, other boilerplate, all of it at once). Loaded through the real loader in batches of 500; reports
   recall (planted copies in their original's cluster) and false merges (clusters holding two stories).
2. The same on real article texts when ../shared/data/extraction/aeb-dev is there (it says so when it is not).
3. Cost: the warehouse is filled with 10,000 and then 100,000 stored articles (band keys included); a batch of
   500 new articles is clustered against each, and the per-article time of the dedup stage is reported.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.dedup.cluster import bands_table, cluster_new_articles, fingerprint  # noqa: E402
from tasks.dedup.identity import assign_identity  # noqa: E402
from tasks.loading.load import load_articles  # noqa: E402
from tasks.models import Article  # noqa: E402
from warehouse.connect import open_warehouse, open_working  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev" / "ground-truth.json"
NOW = datetime(2026, 11, 28, tzinfo=UTC)
WORDS = (
    "the of and to in a is that for on with as was by at from it his an were are which this be or has had not but "
    "they their its have one been who also after new more than first two over into year years when would about "
    "government minister council city police court company market shares bank prices growth report officials "
    "people country state national public local health hospital school students workers union strike election "
    "party vote president parliament law plan policy budget tax energy oil gas climate weather storm rain flood "
    "team match season league players coach goal win victory final cup club fans stadium research scientists "
    "study data technology software users phone internet online security military troops border talks peace"
).split()
FIRST = ["Anna", "Luis", "Mei", "Omar", "Sara", "Tom", "Ines", "Kofi", "Priya", "Jonah", "Elena", "Ravi", "Dana"]
LAST = ["Berg", "Ortega", "Chen", "Haddad", "Novak", "Reilly", "Duarte", "Mensah", "Rao", "Pell", "Marsh", "Tandon"]
PLACES = ["Harbour City", "Northlake", "Riverside", "Port Alder", "Venn", "Hallsberg", "Karsk", "Marren"]
STOCK = [
    "officials said on {day}", "according to a statement released by the ministry",
    "the spokesman declined to comment further", "the decision is expected to be announced next week",
    "critics say the plan does not go far enough", "talks are expected to continue",
]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SWAPS = [("said", "stated"), ("about", "around"), ("would", "will"), ("after", "following"), ("more", "further")]


def sentence(rng: random.Random, names: list[str], place: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 24))]
    words.insert(rng.randrange(len(words)), rng.choice(names))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), place)
    if rng.random() < 0.3:
        words += ["-", rng.choice(STOCK).format(day=rng.choice(DAYS))]
    return " ".join(words).capitalize() + "."


def story(rng: random.Random, names: list[str], place: str) -> tuple[str, list[str]]:
    paragraphs = [
        " ".join(sentence(rng, names, place) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(5, 10))
    ]
    title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize() + f" in {place}"
    return title, paragraphs


def reword(rng: random.Random, paragraphs: list[str], count: int) -> list[str]:
    out = list(paragraphs)
    for index in rng.sample(range(len(out)), min(count, len(out))):
        words = out[index].split()
        for _ in range(2):
            position = rng.randrange(len(words))
            for old, new in SWAPS:
                if words[position] == old:
                    words[position] = new
                    break
            else:
                words[position] = rng.choice(WORDS)
        out[index] = " ".join(words)
    return out


def plant(rng: random.Random, title: str, paragraphs: list[str], kind: str) -> tuple[str, list[str]]:
    """An edited copy of a story, the way syndication edits one."""
    if kind == "headline":
        return title + " (updated)", paragraphs
    if kind == "drop":
        index = rng.randrange(1, len(paragraphs))
        return title, paragraphs[:index] + paragraphs[index + 1 :]
    if kind == "add":
        return title, [*paragraphs, "Update: " + paragraphs[0][:120] + " more details are expected later."]
    if kind == "reword":
        return title, reword(rng, paragraphs, 3)
    if kind == "boilerplate":
        return title, ["PORT ALDER (Wire) -", *paragraphs, "Copyright 2026 Wire Media. All rights reserved."]
    index = rng.randrange(1, len(paragraphs))
    edited = reword(rng, paragraphs[:index] + paragraphs[index + 1 :], 2)
    return "UPDATED: " + title, ["(Wire) -", *edited, "Republished with permission. Wire Media 2026."]


KINDS = ["headline", "drop", "add", "reword", "boilerplate", "combined"]


def make_article(key: str, title: str, paragraphs: list[str], day: int) -> Article:
    article = Article(source_uri=key, body="\n\n".join(paragraphs), title=title, url=f"https://bench.example/{key}",
                      published_at=NOW - timedelta(days=day))  # fmt: skip
    assign_identity([article])
    fingerprint(article)
    return article


def generated_corpus(stories: int, copies_per: float, seed: int = 1) -> tuple[list[Article], dict[str, str]]:
    """Stories in families of five sharing names, place and stock phrases; planted copies of some stories."""
    rng = random.Random(seed)
    articles, origin = [], {}
    for family in range(stories // 5):
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
        place = rng.choice(PLACES)
        for member in range(5):
            key = f"s{family}-{member}"
            title, paragraphs = story(rng, names, place)
            articles.append(make_article(key, title, paragraphs, rng.randint(1, 60)))
            origin[key] = key
            if rng.random() < copies_per:
                for kind in rng.sample(KINDS, 2):
                    copy_key = f"{key}-{kind}"
                    articles.append(make_article(copy_key, *plant(rng, title, paragraphs, kind), rng.randint(0, 60)))
                    origin[copy_key] = key
    rng.shuffle(articles)
    return articles, origin


def real_corpus(seed: int = 2) -> tuple[list[Article], dict[str, str]] | None:
    if not DEV_SET.exists():
        return None
    rng = random.Random(seed)
    texts = [v["articleBody"] for v in json.loads(DEV_SET.read_text()).values() if len(v["articleBody"]) > 500]
    articles, origin = [], {}
    for number, text in enumerate(texts):
        paragraphs = [p for p in text.split("\n") if p.strip()]
        if len(paragraphs) < 3:
            continue
        key = f"r{number}"
        articles.append(make_article(key, f"Story {number}", paragraphs, 10))
        origin[key] = key
        for kind in KINDS:
            articles.append(make_article(f"{key}-{kind}", *plant(rng, f"Story {number}", paragraphs, kind), 5))
            origin[f"{key}-{kind}"] = key
    rng.shuffle(articles)
    return articles, origin


def score(articles: list[Article], origin: dict[str, str]) -> dict[str, float]:
    """Load in batches of 500 into a fresh warehouse; recall of copies and false merges of stories."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "dedup.duckdb")
        started = time.perf_counter()
        for start in range(0, len(articles), 500):
            load_articles(db, articles[start : start + 500], "bench", NOW + timedelta(minutes=start))
        seconds = time.perf_counter() - started
        with open_warehouse(db) as con:  # every input has a sighting, exact copies included
            cluster_of = dict(
                con.execute(
                    "select s.source_uri, a.cluster_id from sightings s join articles a using (article_id)"
                ).fetchall()
            )
    copies = [k for k in origin if origin[k] != k]
    found = sum(1 for k in copies if cluster_of.get(k) == cluster_of.get(origin[k]))
    stories_in: dict[str, set[str]] = defaultdict(set)
    for key, cluster in cluster_of.items():
        stories_in[cluster].add(origin[key])
    distinct = len({origin[k] for k in origin})
    merged = sum(len(s) - 1 for s in stories_in.values() if len(s) > 1)
    return {
        "articles": len(articles), "stories": distinct, "copies": len(copies), "recall": found / max(len(copies), 1),
        "false_merges": merged, "false_merge_rate": merged / distinct, "seconds": seconds,
    }  # fmt: skip


def fill(db: str, count: int, rng: np.random.Generator) -> None:
    """Store `count` background articles with their band keys straight into the tables (fast)."""
    pyrng = random.Random(int(rng.integers(1 << 30)))
    with open_working(db) as con:
        done = con.execute("select count(*) from articles").fetchall()[0][0]
        for start in range(done, count, 5000):
            batch = []
            for n in range(start, min(count, start + 5000)):
                names = [f"{pyrng.choice(FIRST)} {pyrng.choice(LAST)}"]
                title, paragraphs = story(pyrng, names, pyrng.choice(PLACES))
                batch.append(make_article(f"bg{n}", title, paragraphs, 30))
            rows = {
                "article_id": [a.article_id for a in batch], "url": [a.url for a in batch],
                "source_uri": [a.source_uri for a in batch], "title": [a.title for a in batch],
                "body": [a.body for a in batch], "content_hash": [a.content_hash for a in batch],
                "cluster_id": [a.article_id for a in batch], "published_at": [a.published_at for a in batch],
            }  # fmt: skip
            con.register("bg", pa.table(rows))
            con.register("bg_bands", bands_table(batch))
            con.execute(
                "insert into articles (article_id, url, source_uri, title, body, content_hash, cluster_id, run_id,"
                " ingested_at, published_at) select article_id, url, source_uri, title, body, content_hash,"
                " cluster_id, 'fill', now(), published_at from bg"
            )
            con.execute("insert into article_bands select bucket, article_id from bg_bands")
            con.unregister("bg")
            con.unregister("bg_bands")


def cost_per_article(db: str, probe: list[Article], repeats: int = 5) -> tuple[float, float]:
    """Milliseconds per article for the whole dedup stage (shingles, MinHash, band keys, candidate join,
    verification, cluster assignment), and for the warehouse part alone (join, verification, assignment)."""
    best_total = best_lookup = float("inf")
    with open_working(db) as con:
        for _ in range(repeats):
            started = time.perf_counter()
            for article in probe:
                fingerprint(article)
            middle = time.perf_counter()
            cluster_new_articles(con, probe, NOW + timedelta(days=1))
            done = time.perf_counter()
            best_total, best_lookup = min(best_total, done - started), min(best_lookup, done - middle)
    return best_total / len(probe) * 1000, best_lookup / len(probe) * 1000


def signature_speed(articles: list[Article]) -> None:
    """newsflow's numpy MinHash beside datasketch's (same shingles, 128 permutations), ms per article."""
    from tasks.cleaning.words import text_words
    from tasks.dedup.minhash import shingle_hashes, signature

    texts = [a.body for a in articles[:500]]
    started = time.perf_counter()
    for text in texts:
        signature(shingle_hashes(text))
    ours = (time.perf_counter() - started) / len(texts) * 1000
    try:
        from datasketch import MinHash
    except ImportError:
        print(f"signature: numpy {ours:.3f} ms per article (datasketch not installed for comparison)")
        return
    started = time.perf_counter()
    for text in texts:
        words = text_words(text)
        minhash = MinHash(num_perm=128)
        minhash.update_batch([b" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))])
    theirs = (time.perf_counter() - started) / len(texts) * 1000
    print(f"signature (shingles + 128 hashes): numpy {ours:.3f} ms, datasketch {theirs:.3f} ms per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=4000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()

    articles, origin = generated_corpus(args.stories, copies_per=0.15)
    signature_speed(articles)
    result = score(articles, origin)
    print(f"generated corpus: {result['articles']} articles, {result['stories']} stories, {result['copies']} planted"
          f" copies -> recall {result['recall']:.4f}, false merges {result['false_merges']}"
          f" ({result['false_merge_rate']:.3%} of stories), load {result['seconds']:.1f}s")  # fmt: skip
    real = real_corpus()
    if real is None:
        print(f"real texts: {DEV_SET} is not here; skipped")
    else:
        result = score(*real)
        print(f"real texts (aeb-dev gold bodies): {result['articles']} articles, {result['copies']} planted copies"
              f" -> recall {result['recall']:.4f}, false merges {result['false_merges']}")  # fmt: skip

    probe_articles, _ = generated_corpus(500, copies_per=0.0, seed=99)
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "history.duckdb")
        costs = {}
        for size in sorted(args.sizes):
            started = time.perf_counter()
            fill(db, size, rng)
            costs[size], lookup = cost_per_article(db, probe_articles)
            filled = time.perf_counter() - started
            print(f"history {size:>7,}: dedup {costs[size]:.3f} ms per article, of which warehouse lookup and"
                  f" verification {lookup:.3f} ms (history filled in {filled:.0f}s)")  # fmt: skip
        sizes = sorted(costs)
        print(f"cost ratio {sizes[-1]:,} / {sizes[0]:,}: {costs[sizes[-1]] / costs[sizes[0]]:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
