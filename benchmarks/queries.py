"""Analyst query speed on a large warehouse: the README's example queries and the views' examples, timed on the
published file opened read-only, as analysts open it.

    .venv/bin/python benchmarks/queries.py [--articles 1000000] [--keep DIR] [--repeat 3]

The warehouse is generated in SQL with newsflow's own migrations: `--articles` articles of 3 KB bodies of made-up
words (benchmarks/publish.py's generator) over two years of publication times, 50 sources (one named AzerNews, as a
README query asks), two of the 17 IPTC top-level topics each (spread over all of them), a place, a sighting each
and a second sighting for every fifth (copies in another source), 32 band keys, a feed entry each in 50 feeds, and
2,000 runs with skips and per-feed counts. It is then published as a run publishes it (checkpoint, copy, rename).
The queries are read from README.md's "Example queries" block, so the benchmark times what the README shows, plus
one query per view.

Each query runs once on a fresh read-only connection (cold: nothing of the file in DuckDB's cache; the OS may
hold its pages) and then `--repeat` times more (warm, best); the bound is 1 s for each. With --keep DIR the
generated warehouse is kept there (and reused by a later run with the same size).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from publish import FILL_SQL, SYLLABLES, WORDS

from warehouse.connect import ensure_published, open_working
from warehouse.layout import warehouse_paths

ROOT = Path(__file__).resolve().parent.parent
TOPICS = [f"medtop:{n:02d}000000" for n in range(1, 18)]
CHILDREN_SQL = [
    # two different top-level topics per article, spread over all 17
    "insert into article_topics select article_id, $topics[1 + (hash(article_id) % 17)::bigint], 'topic '"
    " || (1 + (hash(article_id) % 17)::bigint), 0.8, ['term'], 'v' from articles",
    "insert into article_topics select article_id, $topics[1 + ((hash(article_id) % 17)::bigint + 5) % 17], 'topic '"
    " || (1 + ((hash(article_id) % 17)::bigint + 5) % 17), 0.5, ['word'], 'v' from articles",
    "insert into article_places select article_id, ['GB', 'FR', 'US', 'KE', 'IN'][1 + (hash(article_id) % 5)::bigint],"
    " 2 from articles",
    "insert into sightings (article_id, source, url, source_uri, first_run_id, first_seen_at, last_run_id,"
    " last_seen_at, times_seen) select article_id, source, url, source_uri, run_id, published_at, run_id,"
    " published_at, 1 from articles",
    "insert into sightings (article_id, source, url, source_uri, first_run_id, first_seen_at, last_run_id,"
    " last_seen_at, times_seen) select article_id, 'Copy ' || source, url || '?copy', source_uri || '?copy', run_id,"
    " published_at + interval 1 hour, run_id, published_at + interval 1 hour, 1 from articles"
    " where hash(article_id) % 5 = 0",
    "insert into article_bands select (hash(article_id, b) >> 1)::bigint, article_id from articles, range(32) t(b)",
    "insert into feed_state (feed_key, source, url, status, consecutive_failures, last_error, next_attempt_at)"
    " select 'feed-' || i, 'Site ' || i, 'https://site' || i || '.example/feed', if(i % 10 = 0, 'resting',"
    " 'active'), if(i % 10 = 0, 3, 0), if(i % 10 = 0, 'HTTP 503', null), now() from range(50) t(i)",
    "insert into feed_entries (feed_key, entry_key, article_id, first_run_id, first_seen_at, page_status)"
    " select 'feed-' || (hash(article_id) % 50), url, article_id, run_id, published_at,"
    " ['fetched', 'fetched', 'fetched', 'blocked', 'failed'][1 + (hash(url) % 5)::bigint] from articles",
    "insert into runs (run_id, flow, started_at, finished_at, status, read, new, duplicate, skipped, failed, skips,"
    " counts) select 'run-' || i, if(i % 2 = 0, 'sources', 'ingest'), timestamp '2024-01-01' + to_hours(i * 8),"
    " timestamp '2024-01-01' + to_hours(i * 8) + interval 2 minute, 'completed', 500, 480, 15, 5, 0,"
    ' \'[{"source_uri": "https://site1.example/x", "reason": "no text"}]\','
    " json_object('feeds', (select json_group_object('Site ' || f, json_object('new', 10, 'failed', f % 3,"
    " 'entry_unreadable', 1)) from range(50) t(f))) from range(2000) r(i)",
    "update articles set run_id = 'run-' || ((hash(article_id) % 2000)::bigint), language = ['en', 'en', 'fr', 'de',"
    " 'es'][1 + (hash(url) % 5)::bigint], source = if(hash(article_id) % 50 = 7, 'AzerNews', source)",
]
VIEW_QUERIES = [
    ("latest_articles", "select title, source, topics, places from latest_articles limit 4"),
    (
        "source_quality",
        "select source, day, articles, median_words, share_without_date, share_without_author"
        " from source_quality order by articles desc limit 2",
    ),
    (
        "daily_topics",
        "select day, label, articles, share from daily_topics where topic like 'medtop:__000000'"
        " and day = '2025-06-15' order by articles desc, label",
    ),
    ("story_timeline, one story", "select * from story_timeline where cluster_id = '00000000000003e7' order by day"),
    ("story_timeline, all stories", "select * from story_timeline where sources > 1 order by last_seen desc limit 10"),
    ("unique_stories", "select title, size, sources from unique_stories order by size desc limit 10"),
]


def readme_queries(readme: Path = ROOT / "README.md") -> list[tuple[str, str]]:
    """(comment, SQL) of each statement in the README's "Example queries" block."""
    text = readme.read_text(encoding="utf-8")
    block = text.split("### Example queries", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    queries = []
    for chunk in block.split(";"):
        lines = [line for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        comment = lines[0].removeprefix("--").strip() if lines[0].startswith("--") else ""
        sql = "\n".join(line for line in lines if not line.startswith("--"))
        queries.append((comment, sql))
    return queries


def build(db: Path, articles: int) -> float:
    started = time.perf_counter()
    ensure_published(db)
    with open_working(db) as con:
        for start in range(0, articles, 20000):
            con.execute(FILL_SQL, {"start": start, "stop": min(articles, start + 20000), "words": WORDS,
                                   "syllables": SYLLABLES})  # fmt: skip
            print(f"\r  articles {min(articles, start + 20000):,}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        for sql in CHILDREN_SQL:
            con.execute(sql, {"topics": TOPICS} if "$topics" in sql else {})
    return time.perf_counter() - started


def time_query(path: Path, sql: str, repeat: int) -> tuple[float, float, int]:
    """(cold seconds, best warm seconds, rows) on a fresh read-only connection."""
    with duckdb.connect(str(path), read_only=True) as con:
        started = time.perf_counter()
        rows = len(con.execute(sql).fetchall())
        cold = time.perf_counter() - started
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            warm.append(time.perf_counter() - started)
    return cold, min(warm), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the warehouse in this folder")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-queries-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"news-{args.articles}.duckdb"
    if not db.exists():
        print(f"building a warehouse of {args.articles:,} articles in {folder} …", file=sys.stderr)
        print(f"  built in {build(db, args.articles):.0f} s", file=sys.stderr)
    else:
        ensure_published(db)  # a kept warehouse gets this checkout's migrations (views) first
    published = warehouse_paths(db).published
    with duckdb.connect(str(published), read_only=True) as con:
        stored = con.execute("select count(*) from articles").fetchone()[0]
    size = published.stat().st_size / 2**30
    print(f"\n{stored:,} articles, published file {size:.2f} GiB; cold = first run on a fresh read-only connection,"
          f" warm = best of {args.repeat} more\n")  # fmt: skip
    print("| query | rows | cold s | warm s | under 1 s |")
    print("|---|---:|---:|---:|---|")
    worst = 0.0
    for name, sql in [(c, q) for c, q in readme_queries()] + VIEW_QUERIES:
        cold, warm, rows = time_query(published, sql, args.repeat)
        worst = max(worst, cold)
        label = re.sub(r"\s+", " ", name)
        print(f"| {label} | {rows:,} | {cold:.3f} | {warm:.3f} | {'yes' if cold < 1 else '**no**'} |")
    print(f"\nslowest (cold): {worst:.3f} s")


if __name__ == "__main__":
    main()
