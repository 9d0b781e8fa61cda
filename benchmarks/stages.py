"""Shared by benchmarks/ingest.py and benchmarks/dedup.py: machine facts, waiting for a quiet machine, the aeb-dev
gold texts, and newsflow's HTML ingest path cut into its stages, each timed (no Prefect, one process).

The stages are called the way newsflow calls them: extract_page (tasks/extraction/extract_page.py) for a file's
page (read_by_format passes no URL), then prepare_articles (tasks/running/prepare.py), then load_articles in
batches inside run_in_progress (as flows/pipeline.py's recorded_run does), then the run's final publish.
`check_stages` compares the articles made stage by stage with extract_page + prepare_articles themselves.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections import defaultdict
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trafilatura.utils import load_html  # noqa: E402

import tasks.loading.load as loading  # noqa: E402
from tasks.cleaning.clean import clean_article, has_article_text  # noqa: E402
from tasks.cleaning.dates import parse_datetime  # noqa: E402
from tasks.dedup.cluster import fingerprint  # noqa: E402
from tasks.dedup.identity import assign_identity  # noqa: E402
from tasks.extraction import extract_page as page_module  # noqa: E402
from tasks.extraction.blocked import SHORT_WORDS, blocked_kind  # noqa: E402
from tasks.extraction.canonical import choose_url  # noqa: E402
from tasks.extraction.page_metadata import read_page_metadata  # noqa: E402
from tasks.extraction.tidy import tidy_extracted  # noqa: E402
from tasks.models import Article, Batch  # noqa: E402
from tasks.running.prepare import current_taxonomy, prepare_articles, warm_up  # noqa: E402
from tasks.tagging.places import place_articles  # noqa: E402
from tasks.tagging.tag import cached_tagger, tag_articles  # noqa: E402
from warehouse.connect import Publish, ensure_published, open_working, run_in_progress  # noqa: E402
from warehouse.layout import warehouse_paths  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev"
STAGES = ("parse", "metadata", "extraction", "tidy", "date+article", "clean", "identity", "tag", "places",
          "fingerprint", "cluster lookup", "load (excl. cluster)", "publish")  # fmt: skip


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    packages = {name: version(name) for name in ("trafilatura", "duckdb", "prefect", "numpy")}
    return {"cores": len(os.sched_getaffinity(0)), "cpu": model, "python": platform.python_version(),
            "platform": platform.platform(), **packages}  # fmt: skip


def wait_for_quiet(limit: float = 1.0, patience: float = 300.0) -> float:
    """Wait (up to `patience` seconds) until the 1-minute load is at most `limit`; return the load then."""
    deadline = time.monotonic() + patience
    while (load := os.getloadavg()[0]) > limit and time.monotonic() < deadline:
        print(f"  load {load:.2f} > {limit}: waiting", flush=True)
        time.sleep(15)
    return load


def gold_texts(min_chars: int = 0) -> dict[str, str] | None:
    """aeb-dev's ground-truth article bodies by page id, or None when the folder is not here."""
    truth = DEV_SET / "ground-truth.json"
    if not truth.exists():
        return None
    bodies = {key: value.get("articleBody") or "" for key, value in json.loads(truth.read_text()).items()}
    return {key: body for key, body in sorted(bodies.items()) if len(body) >= min_chars}


def page_article(data: bytes, path: str, clock: dict[str, float]) -> Article | None:
    """tasks.extraction.extract_page.extract_page (as read_by_format calls it: no URL), stage by stage; None for a
    page it would refuse (blocked or no text)."""
    started = time.perf_counter()
    tree = load_html(data)
    if tree is None:
        return None
    parsed = time.perf_counter()
    meta = read_page_metadata(tree, None)
    page_url = choose_url(meta.url, None)
    read = time.perf_counter()
    text, features, extractor = page_module.untidy_main_text(tree, page_url)
    extracted = time.perf_counter()
    body = tidy_extracted(text, features)
    tidied = time.perf_counter()
    refused = not body.strip() or (
        len(body.split()) <= SHORT_WORDS and blocked_kind(data, body or page_module.visible_text(tree), meta.title)
    )
    article = None
    if not refused:
        published_at, date_source = meta.published_at, meta.date_source
        if published_at is None:
            found = page_module.find_date(tree, url=None, extensive_search=False, original_date=True)
            published_at = parse_datetime(found)
            date_source = "htmldate" if published_at is not None else None
        article = Article(
            source_uri=path, body=body, title=meta.title, url=page_url, authors=meta.authors,
            published_at=published_at, date_explicit=meta.date_from_metadata, date_source=date_source,
            language=meta.language, source=meta.site_name, description=meta.description, categories=meta.categories,
            input_format="html", extractor=extractor, url_declared=page_url is not None,
        )  # fmt: skip
        article.identity_key = path  # read_by_format
    done = time.perf_counter()
    for stage, seconds in zip(STAGES, (parsed - started, read - parsed, extracted - read, tidied - extracted,
                                        done - tidied)):  # fmt: skip
        clock[stage] += seconds
    return article


def prepare(article: Article, now: datetime, tagger, clock: dict[str, float]) -> bool:
    """tasks.running.prepare.prepare_articles for one article, stage by stage; False when no text is left."""
    marks = [time.perf_counter()]
    clean_article(article, now)
    keep = has_article_text(article)
    marks.append(time.perf_counter())
    if keep:
        assign_identity([article])
        marks.append(time.perf_counter())
        tag_articles([article], tagger)
        marks.append(time.perf_counter())
        place_articles([article])
        marks.append(time.perf_counter())
        fingerprint(article)
        marks.append(time.perf_counter())
    for stage, start, end in zip(STAGES[5:], marks, marks[1:]):
        clock[stage] += end - start
    return keep


def time_stages(pages: list[tuple[str, bytes]], db: Path, now: datetime, batch: int = 500) -> dict:
    """One pass of newsflow's path over `pages`, every stage timed in this process; the warehouse is made before
    (not timed) and the loads run as one run's batches (run_in_progress: a batch publishes when the one before
    left commits unpublished), the run's final publish timed on its own."""
    tagger = cached_tagger(current_taxonomy())
    warm_up(current_taxonomy())  # what each worker does before its first batch
    ensure_published(db)
    clock: dict[str, float] = defaultdict(float)
    articles, refused = [], 0
    for path, data in pages:
        article = page_article(data, path, clock)
        if article is None or not prepare(article, now, tagger, clock):
            refused += 1
            continue
        articles.append(article)
    real_cluster = loading.cluster_new_articles

    def timed_cluster(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real_cluster(*args, **kwargs)
        finally:
            clock["cluster lookup"] += time.perf_counter() - started

    loading.cluster_new_articles = timed_cluster
    new = duplicate = 0
    try:
        started = time.perf_counter()
        with run_in_progress(db):
            for start in range(0, len(articles), batch):
                counts = loading.load_articles(db, articles[start : start + batch], "bench-stages", now)
                new, duplicate = new + counts.new, duplicate + counts.duplicate
        clock["load (excl. cluster)"] = time.perf_counter() - started - clock["cluster lookup"]
    finally:
        loading.cluster_new_articles = real_cluster
    started = time.perf_counter()
    with open_working(db, Publish.NOW):  # what end_run's commit does on leaving: checkpoint, copy, rename
        pass
    clock["publish"] = time.perf_counter() - started
    paths = warehouse_paths(db)
    return {
        "pages": len(pages), "articles": len(articles), "refused": refused, "new": new, "duplicate": duplicate,
        "seconds": dict(clock), "ms_per_page": {s: clock[s] / len(pages) * 1000 for s in STAGES},
        "published_mb": paths.published.stat().st_size / 1e6, "batches": -(-len(articles) // batch),
    }  # fmt: skip


def check_stages(pages: list[tuple[str, bytes]], now: datetime) -> list[str]:
    """Differences between the stage-by-stage articles and extract_page + prepare_articles' own."""
    tagger, notes, clock = cached_tagger(current_taxonomy()), [], defaultdict(float)
    for path, data in pages:
        mine = page_article(data, path, clock)
        if mine is not None and not prepare(mine, now, tagger, clock):
            mine = None
        try:
            theirs = page_module.extract_page(data, path)
            theirs.identity_key = path
            prepared = prepare_articles(Batch(articles=[theirs], read=1), now, current_taxonomy()).articles
            theirs = prepared[0] if prepared else None
        except Exception:
            theirs = None
        fields = ("article_id", "body", "title", "published_at", "language", "content_hash", "places")
        if (mine is None) != (theirs is None):
            notes.append(f"{path}: refused by {'the stages' if mine is None else 'extract_page'} only")
        elif mine is not None and theirs is not None:
            differ = [f for f in fields if getattr(mine, f) != getattr(theirs, f)]
            differ += ["topics"] * ([t.topic for t in mine.topics] != [t.topic for t in theirs.topics])
            differ += ["bands"] * (mine.bands.tolist() != theirs.bands.tolist())
            if differ:
                notes.append(f"{path}: the stages differ from extract_page + prepare_articles in {differ}")
    return notes
