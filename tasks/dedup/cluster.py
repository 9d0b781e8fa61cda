"""Story clusters: each new article joins the cluster of its most similar earlier article, if it has one.

Candidates come from shared LSH band keys (a join in the warehouse, never a comparison with every stored
article); each candidate is then verified on the actual 4-word shingles of both texts:

    overlap = shared shingles / shingles of the shorter text      (how much of one text is in the other)
    cover   = shared shingles / shingles of the longer text       (so a fragment does not swallow a story)

Two articles are one story when overlap >= the threshold (NEWSFLOW_NEAR_DUPLICATE_THRESHOLD, default 0.6) and
cover >= 0.25. When a new article matches articles of several clusters it joins the most similar one; clusters
are never merged, so a chain of small edits cannot glue different stories together. Each new article keeps
its verified pairs in `near_duplicates`, its 20 most similar at most.

Work stays bounded when thousands of near-copies share band keys (a templated site, a wire story everyone runs):
each article verifies at most 50 candidates, those sharing the most band keys with it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from tasks.config import load_settings
from tasks.dedup.minhash import band_keys, shingle_hashes, signature
from tasks.dedup.recent_shingles import remember_shingles, stored_shingles
from tasks.models import Article
from warehouse.neardup import (
    BAND_SCHEMA,
    CLUSTER_SCHEMA,
    LINK_SCHEMA,
    band_candidates,
    drop_near_duplicate_rows,
    insert_near_duplicate_rows,
    read_candidates,
    set_clusters,
)

MIN_COVER = 0.25
MAX_CANDIDATES = 50  # verified per new article: those sharing the most band keys
MAX_LINKS = 20  # near-duplicate pairs kept per new article: the most similar
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(slots=True)
class ClusterResult:
    clusters: pa.Table  # article_id → cluster_id for the new articles
    bands: pa.Table  # their band keys, to store
    links: pa.Table  # verified near-duplicate pairs


def near_duplicate_threshold() -> float:
    """$NEWSFLOW_NEAR_DUPLICATE_THRESHOLD (checked in tasks.config), else 0.6."""
    return load_settings().near_duplicate_threshold


def fingerprint(article: Article) -> None:
    """Shingle hashes and band keys of the body (computed where the article is prepared)."""
    article.shingles = shingle_hashes(article.body)
    sig = signature(article.shingles)
    article.bands = band_keys(sig) if sig is not None else np.empty(0, dtype=np.int64)


def story_similarity(a: np.ndarray, b: np.ndarray, threshold: float) -> float | None:
    """The overlap of two shingle sets when they are one story, else None."""
    if a.size == 0 or b.size == 0:
        return None
    shared = np.intersect1d(a, b, assume_unique=True).size
    overlap, cover = shared / min(a.size, b.size), shared / max(a.size, b.size)
    return overlap if overlap >= threshold and cover >= MIN_COVER else None


def order_key(ingested_at: datetime, published_at: datetime | None, article_id: str) -> tuple:
    """First seen first: ingestion time, then publication time (unknown last), then id."""
    return (ingested_at, published_at is None, published_at or EARLIEST, article_id)


def cluster_new_articles(
    con: duckdb.DuckDBPyConnection, articles: list[Article], now: datetime, threshold: float | None = None
) -> ClusterResult:
    """Cluster articles being loaded now against the warehouse (all of it earlier) and each other."""
    keys = {a.article_id: order_key(now, a.published_at, a.article_id) for a in articles}
    return cluster_articles(con, articles, keys, threshold)


def cluster_articles(
    con: duckdb.DuckDBPyConnection, articles: list[Article], keys: dict[str, tuple], threshold: float | None = None
) -> ClusterResult:
    """Give each article, earliest first, the cluster of its most similar earlier article (stored, or earlier
    in this list), or its own id. Stored articles later than an article are not its candidates."""
    threshold = near_duplicate_threshold() if threshold is None else threshold
    for article in articles:
        if article.shingles is None:
            fingerprint(article)
    ordered = sorted(articles, key=lambda a: keys[a.article_id])
    bands = bands_table(ordered)
    stored_for: dict[str, list[str]] = defaultdict(list)
    for incoming, stored in band_candidates(con, bands, MAX_CANDIDATES):
        stored_for[incoming].append(stored)
    stored = read_candidates(con, sorted({s for ids in stored_for.values() for s in ids} - set(keys)))
    candidate_shingles: dict[str, np.ndarray] = {}
    by_bucket: dict[int, list[Article]] = defaultdict(list)
    batch_shingles: dict[str, np.ndarray] = {}
    cluster_of: dict[str, str] = {}
    links: list[tuple[str, str, float]] = []
    for article in ordered:
        mine = keys[article.article_id]
        matches: list[tuple[float, str, str]] = []  # (similarity, other id, other cluster)
        for other_id in stored_for.get(article.article_id, []):
            if other_id not in stored:
                continue
            body, cluster, ingested_at, published_at = stored[other_id]
            if order_key(ingested_at, published_at, other_id) > mine:
                continue
            if other_id not in candidate_shingles:
                candidate_shingles[other_id] = stored_shingles(other_id, body)
            similarity = story_similarity(article.shingles, candidate_shingles[other_id], threshold)
            if similarity is not None:
                matches.append((similarity, other_id, cluster))
        shared = Counter(other.article_id for bucket in article.bands.tolist() for other in by_bucket.get(bucket, []))
        for other_id, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]:
            similarity = story_similarity(article.shingles, batch_shingles[other_id], threshold)
            if similarity is not None:
                matches.append((similarity, other_id, cluster_of[other_id]))
        matches.sort(key=lambda m: (m[0], m[1]), reverse=True)
        cluster_of[article.article_id] = matches[0][2] if matches else article.article_id
        links.extend((article.article_id, other_id, round(sim, 4)) for sim, other_id, _ in matches[:MAX_LINKS])
        batch_shingles[article.article_id] = article.shingles
        for bucket in article.bands.tolist():
            by_bucket[bucket].append(article)
    for article in articles:
        article.cluster_id = cluster_of[article.article_id]
        remember_shingles(article.article_id, article.body, article.shingles)  # a later batch's candidates
    clusters = pa.table(
        {"article_id": list(cluster_of), "cluster_id": list(cluster_of.values())}, schema=CLUSTER_SCHEMA
    )
    link_table = pa.table(
        {name: [link[i] for link in links] for i, name in enumerate(LINK_SCHEMA.names)}, schema=LINK_SCHEMA
    )
    return ClusterResult(clusters=clusters, bands=bands, links=link_table)


def recluster_stored(con: duckdb.DuckDBPyConnection, ids: list[str], threshold: float | None = None) -> int:
    """Recompute band keys and clusters of stored articles (a backfill's range), in one transaction; the
    articles outside keep theirs. Returns how many of these articles changed cluster."""
    rows = read_candidates(con, ids)
    articles = [Article(source_uri="", body=row[0], article_id=i, published_at=row[3]) for i, row in rows.items()]
    keys = {i: order_key(row[2], row[3], i) for i, row in rows.items()}
    before = {i: row[1] for i, row in rows.items()}
    con.begin()
    try:
        drop_near_duplicate_rows(con, list(rows))
        result = cluster_articles(con, articles, keys, threshold)
        insert_near_duplicate_rows(con, result.bands, result.links)
        set_clusters(con, result.clusters)
        con.commit()
    except Exception:
        con.rollback()
        raise
    return sum(1 for a in articles if a.cluster_id != before[a.article_id])


def bands_table(articles: list[Article]) -> pa.Table:
    for article in articles:
        if article.bands is None:
            fingerprint(article)
    keys = [a.bands for a in articles if a.bands.size]
    ids = [a.article_id for a in articles for _ in range(a.bands.size)]
    values = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    return pa.table({"bucket": pa.array(values, type=pa.int64()), "article_id": ids}, schema=BAND_SCHEMA)
