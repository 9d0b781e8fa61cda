"""What publishing costs: a run that loads 500 articles into a warehouse of 10,000 or 100,000, with the working
copy published as newsflow publishes it (after the first batch, then at the run's end) and, in the same session,
with publishing switched off.

    .venv/bin/python benchmarks/publish.py [--sizes 10000 100000] [--articles 500] [--repeat 3]

The stored articles are generated in SQL (3 KB bodies of made-up words, two topics, a place, a sighting and 32
band keys each, like real ones); the 500 loaded are generated JSON Lines records that go through the whole
ingest flow (read, clean, tag, fingerprint, cluster lookup, load) in batches of 50 then 450, as `newsflow ingest`
cuts them. Each configuration runs on a fresh copy of the same warehouse, after one warm-up run, in alternating
order; the best of `--repeat` counts. `publish s` is the time the run spent publishing (copy and rename, timed
inside the run) and `share` that time over the run without publishing: Prefect ends a flow run on a whole second
(its heartbeat thread sleeps in 1 s steps and is joined), so wall times alone cannot show sub-second costs. Also
reports the files' sizes and one publish (checkpoint, copy, rename) alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import warehouse.connect
from warehouse.connect import ensure_published, open_working
from warehouse.layout import warehouse_paths
from warehouse.publish import publish_working

WORDS = (
    "council harbour ferry budget minister election court trial market shares bank rates storm flood school "
    "hospital police city river bridge union strike festival museum novel match league coach season energy "
    "power grid climate report survey residents officials plan vote parliament party leader talks treaty "
    "border troops ceasefire aid prices inflation exports growth company profits workers contract"
).split()

# bodies of made-up words (two or three of 90 syllables: about 25,000 distinct words), so that they compress
# about as well as real news text does
SYLLABLES = [c + v for c in "bcdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou")]
FILL_SQL = """
insert into articles (article_id, url, source, source_uri, title, body, content_hash, cluster_id, run_id,
                      ingested_at, published_at, language, word_count, input_format)
select printf('%016x', i), 'https://site' || (i % 50) || '.example/story-' || i, 'Site ' || (i % 50),
       'https://site' || (i % 50) || '.example/story-' || i,
       'Story ' || i || ': ' || words[1 + i % 60] || ' ' || words[1 + (i * 7) % 60],
       (select string_agg(syllables[1 + (hash(i, k) % 90)::bigint] || syllables[1 + (hash(k, i) % 90)::bigint]
                          || if(hash(i + k) % 3 = 0, syllables[1 + (hash(i * k) % 90)::bigint], ''), ' ')
        from range(450) t(k)),
       sha256(i::varchar), printf('%016x', i - i % 3), 'history', now(),
       timestamp '2024-01-01' + to_minutes(i), 'en', 450, 'jsonl'
from range($start, $stop) r(i), (select $words::varchar[] as words, $syllables::varchar[] as syllables)
"""
CHILDREN_SQL = [
    "insert into article_topics select article_id, 'medtop:04000000', 'economy', 0.8, ['budget'], 'v' from articles",
    "insert into article_topics select article_id, 'medtop:11000000', 'politics', 0.5, ['vote'], 'v' from articles",
    "insert into article_places select article_id, 'GB', 2 from articles",
    "insert into sightings select article_id, source, url, source_uri, 'history', now(), 'history', now(), 1"
    " from articles",
    "insert into article_bands select (hash(article_id, b) >> 1)::bigint, article_id from articles, range(32) t(b)",
]


def build_history(db: Path, size: int) -> None:
    with open_working(db) as con:
        for start in range(0, size, 20000):
            con.execute(FILL_SQL, {"start": start, "stop": min(size, start + 20000), "words": WORDS,
                                   "syllables": SYLLABLES})  # fmt: skip
        for sql in CHILDREN_SQL:
            con.execute(sql)


def write_records(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(8)]
            record = {"url": f"https://fresh.example/{n}", "title": f"Fresh story {n} on the {rng.choice(WORDS)}",
                      "body": "\n\n".join(paragraphs), "published_at": "2026-11-30T10:00:00Z"}  # fmt: skip
            out.write(json.dumps(record) + "\n")


def file_mib(path: Path) -> float:
    return path.stat().st_size / 2**20 if path.exists() else 0.0


def timed_run(template: Path, workdir: Path, records: Path, publish: bool) -> tuple[float, float, int]:
    """(run seconds, seconds spent publishing, publishes) of one ingest flow on a fresh copy of `template`."""
    from flows.ingest import ingest_flow

    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(template, workdir)
    db = workdir / "news.duckdb"
    spent, calls = [0.0], [0]

    def measured(paths):
        started = time.perf_counter()
        publish_working(paths)
        spent[0] += time.perf_counter() - started
        calls[0] += 1

    def skipped(paths):
        warehouse_paths(db).marker.unlink(missing_ok=True)

    warehouse.connect.publish_working = measured if publish else skipped
    try:
        started = time.perf_counter()
        result = ingest_flow(paths=[str(records)], db=str(db), batch_size=450)
        took = time.perf_counter() - started
    finally:
        warehouse.connect.publish_working = publish_working
    assert result["new"] == records.read_text().count("\n"), result
    return took, spent[0], calls[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    tmp = Path(tempfile.mkdtemp(prefix="newsflow-publish-"))
    records = tmp / "fresh.jsonl"
    write_records(records, args.articles)
    print(f"{'stored':>8} {'published MiB':>13} {'one publish s':>13} {'run s (publish)':>15} "
          f"{'run s (none)':>12} {'publishes':>9} {'publish s':>9} {'share':>6}")  # fmt: skip
    try:
        with prefect_test_harness(server_startup_timeout=120):
            for size in args.sizes:
                template = tmp / f"history-{size}"
                template.mkdir()
                db = template / "news.duckdb"
                build_history(db, size)
                ensure_published(db)
                paths = warehouse_paths(db)
                started = time.perf_counter()
                with open_working(db):
                    pass  # a section that only publishes: checkpoint (nothing to write), copy, rename
                one = time.perf_counter() - started
                timed_run(template, tmp / "run", records, publish=True)  # warm-up: the first flow run pays more
                with_publish, without = [], []
                for attempt in range(args.repeat):  # alternating which goes first
                    for publish in (True, False) if attempt % 2 == 0 else (False, True):
                        (with_publish if publish else without).append(
                            timed_run(template, tmp / "run", records, publish=publish)
                        )
                best, base = min(with_publish), min(without)
                print(f"{size:>8} {file_mib(paths.published):>13.1f} {one:>13.2f} {best[0]:>15.2f} {base[0]:>12.2f}"
                      f" {best[2]:>9} {best[1]:>9.2f} {100 * best[1] / base[0]:>5.1f}%")  # fmt: skip
                print(
                    f"         runs with publishing: {', '.join(f'{r[0]:.2f}' for r in with_publish)} s;"
                    f" without: {', '.join(f'{r[0]:.2f}' for r in without)} s;"
                    f" working copy {file_mib(paths.work):.1f} MiB, raw store {file_mib(paths.raw):.1f} MiB"
                )
                shutil.rmtree(template)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
