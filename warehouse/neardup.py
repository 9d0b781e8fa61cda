"""Warehouse side of near-duplicate detection: band-key candidates, stored texts to verify, band rows."""

from __future__ import annotations

import duckdb
import pyarrow as pa

BAND_SCHEMA = pa.schema([("bucket", pa.int64()), ("article_id", pa.string())])
LINK_SCHEMA = pa.schema([("article_id", pa.string()), ("similar_to", pa.string()), ("similarity", pa.float64())])
CLUSTER_SCHEMA = pa.schema([("article_id", pa.string()), ("cluster_id", pa.string())])


def band_candidates(con: duckdb.DuckDBPyConnection, bands: pa.Table, limit: int) -> list[tuple[str, str]]:
    """(incoming id, stored id) pairs that share at least one band key (a join on the keys): for each incoming
    article the `limit` stored ones sharing the most keys (a big cluster of near-copies stays bounded)."""
    con.register("probe_bands", bands)
    try:
        return con.execute(
            "select p.article_id, b.article_id from probe_bands p"
            " join article_bands b on b.bucket = p.bucket where b.article_id <> p.article_id"
            " group by p.article_id, b.article_id"
            " qualify row_number() over (partition by p.article_id order by count(*) desc, b.article_id) <= $limit",
            {"limit": limit},
        ).fetchall()
    finally:
        con.unregister("probe_bands")


def read_candidates(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple]:
    """(body, cluster_id, ingested_at, published_at) of stored articles, for verification and ordering.

    In two steps: the ids' row numbers (a scan of the id column alone), then the rows by number, which DuckDB
    reads from the row groups that hold them. One join on the id made it decompress every stored body: 4.4 of the
    5.3 ms an article cost to cluster with a million stored, against 0.14 ms now (benchmarks/dedup.py, both in
    one run). Both run in the writer's session, so the row numbers cannot move in between."""
    if not ids:
        return {}
    rowids = [row[0] for row in con.execute(
        "select rowid from articles where article_id in (select unnest($ids))", {"ids": ids}).fetchall()]  # fmt: skip
    if not rowids:
        return {}
    rows = con.execute(
        "select article_id, body, coalesce(cluster_id, article_id), ingested_at, published_at from articles"
        " where rowid in (select unnest($rowids))",
        {"rowids": sorted(rowids)},
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def insert_near_duplicate_rows(con: duckdb.DuckDBPyConnection, bands: pa.Table, links: pa.Table) -> None:
    con.register("new_bands", bands)
    con.register("new_links", links)
    try:
        con.execute("insert into article_bands select bucket, article_id from new_bands")
        con.execute("insert into near_duplicates select * from new_links on conflict do nothing")
    finally:
        con.unregister("new_bands")
        con.unregister("new_links")


def drop_near_duplicate_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Forget these articles' band keys and their links (before they are clustered again)."""
    con.execute("delete from article_bands where article_id in (select unnest($ids))", {"ids": ids})
    con.execute("delete from near_duplicates where article_id in (select unnest($ids))", {"ids": ids})


def set_clusters(con: duckdb.DuckDBPyConnection, clusters: pa.Table) -> None:
    con.register("new_clusters", clusters)
    try:
        con.execute(
            "update articles set cluster_id = c.cluster_id from new_clusters c"
            " where articles.article_id = c.article_id and articles.cluster_id is distinct from c.cluster_id"
        )
    finally:
        con.unregister("new_clusters")
