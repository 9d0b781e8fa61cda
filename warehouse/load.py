"""Load one batch in one transaction: new articles, their topics, and a sighting for every copy seen.

Inputs are Arrow tables whose columns match `ARTICLE_COLUMNS`, `TOPIC_COLUMNS` and `SIGHTING_COLUMNS`.
An incoming article that matches a stored one by id, canonical URL or content hash adds no row; its
sighting is recorded against the stored article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.archives import UPSERT_PROGRESS_SQL

ARTICLE_COLUMNS = (
    "article_id", "url", "source", "source_uri", "title", "body", "authors", "published_at", "language",
    "content_hash", "cluster_id", "run_id", "ingested_at", "description", "categories", "input_format",
    "extractor", "word_count", "tagger_version", "places_version", "fetched_at", "feed_key", "entry_key",
    "raw_feed_id", "raw_page_id", "date_source",
)  # fmt: skip
TOPIC_COLUMNS = ("article_id", "topic", "label", "score", "terms", "tagger_version")
SIGHTING_COLUMNS = ("article_id", "source", "url", "source_uri", "title")
ENTRY_COLUMNS = ("feed_key", "entry_key", "article_id", "page_status", "page_url", "page_attempts", "page_error")
INCOMING = (
    "incoming_articles", "incoming_topics", "incoming_places", "incoming_sightings", "incoming_entries",
    "incoming_clusters", "incoming_bands", "incoming_links", "incoming_raw", "incoming_progress",
)  # fmt: skip


# given the connection (inside the load's transaction) and the ids of the new articles, return tables of
# (article_id, cluster_id), (bucket, article_id) band keys and (article_id, similar_to, similarity) links
ClusterHook = Callable[[duckdb.DuckDBPyConnection, frozenset[str]], tuple[pa.Table, pa.Table, pa.Table]]


@dataclass(slots=True)
class BatchTables:
    """One batch as Arrow tables: articles (unique in the batch), their topics and places, a sighting per
    article read, and the feed entries they came from (or None)."""

    articles: pa.Table
    topics: pa.Table
    sightings: pa.Table
    places: pa.Table
    entries: pa.Table | None = None
    raw: pa.Table | None = None  # fetched documents for the raw store
    progress: pa.Table | None = None  # archive_progress rows reached with this batch (warehouse/archives.py)


@dataclass(slots=True)
class LoadCounts:
    new: int = 0
    duplicate: int = 0  # matched a stored article (or an earlier one of the batch)
    new_ids: frozenset[str] = frozenset()
    refreshed: int = 0  # with `refresh`: stored articles whose content changed and was rewritten


def load_batch(
    con: duckdb.DuckDBPyConnection,
    tables: BatchTables,
    run_id: str,
    now: datetime,
    refresh: bool = False,
    cluster: ClusterHook | None = None,
) -> LoadCounts:
    """Insert what is new and record every sighting (and feed entry), all or nothing; `cluster` assigns
    story clusters to the new articles; `refresh` also rewrites stored copies (and their band keys)."""
    if tables.sightings.num_rows == 0 and tables.raw is None and tables.progress is None:
        return LoadCounts()
    if tables.raw is not None:  # its own file and transaction, first: a crash after it leaves only raw documents
        save_raw(con, tables.raw)  # that a rerun stores again as no-ops
    con.begin()
    try:
        con.register("incoming_articles", tables.articles)
        con.register("incoming_topics", tables.topics)
        con.register("incoming_places", tables.places)
        con.register("incoming_sightings", tables.sightings)
        if tables.entries is not None:
            con.register("incoming_entries", tables.entries)
        con.execute(MATCH_SQL)
        new_ids = frozenset(
            row[0] for row in con.execute("select incoming_id from batch_match where existing_id is null").fetchall()
        )
        clusters, bands, links = cluster(con, new_ids) if cluster else (None, None, None)
        con.register("incoming_clusters", clusters if clusters is not None else EMPTY_CLUSTERS)
        con.execute(INSERT_ARTICLES_SQL)
        children = [TOPICS_SQL, PLACES_SQL]
        if bands is not None:
            con.register("incoming_bands", bands)
            con.register("incoming_links", links)
            con.execute("insert into near_duplicates select * from incoming_links on conflict do nothing")
            children.append(BANDS_SQL)
        for insert_new, _, _ in children:
            con.execute(insert_new)
        refreshed = 0
        if refresh:
            refreshed = len(con.execute(REFRESH_ARTICLES_SQL, {"now": now}).fetchall())
            for _, delete_stored, insert_stored in children:
                con.execute(delete_stored)
                con.execute(insert_stored)
        con.execute(UPSERT_SIGHTINGS_SQL, {"run_id": run_id, "now": now})
        if tables.entries is not None:
            con.execute(INSERT_ENTRIES_SQL, {"run_id": run_id, "now": now})
        if tables.progress is not None:  # with the articles, all or nothing: a killed run resumes exactly
            con.register("incoming_progress", tables.progress)
            con.execute(UPSERT_PROGRESS_SQL, {"run_id": run_id, "now": now})
        con.execute("drop table batch_match")
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        for name in INCOMING:
            con.unregister(name)
    duplicate = tables.sightings.num_rows - len(new_ids)
    return LoadCounts(new=len(new_ids), duplicate=duplicate, new_ids=new_ids, refreshed=refreshed)


def child_rows_sql(table: str, incoming: str, columns: tuple[str, ...]) -> tuple[str, str, str]:
    """For a table of per-article rows: insert the new articles' rows; for stored articles a refresh rewrites,
    delete their rows and insert the incoming ones under the stored id."""
    names = ", ".join(columns)
    fresh = ", ".join(f"i.{c}" for c in columns)
    stored = ", ".join("m.existing_id" if c == "article_id" else f"i.{c}" for c in columns)
    join = f"from {incoming} i join batch_match m on m.incoming_id = i.article_id"
    return (
        f"insert into {table} ({names}) select {fresh} {join} where m.existing_id is null",
        f"delete from {table} where article_id in (select existing_id from batch_match where existing_id is not null)",
        f"insert into {table} ({names}) select {stored} {join} where m.existing_id is not null",
    )


TOPICS_SQL = child_rows_sql("article_topics", "incoming_topics", TOPIC_COLUMNS)
PLACES_SQL = child_rows_sql("article_places", "incoming_places", ("article_id", "country_code", "mentions"))
BANDS_SQL = child_rows_sql("article_bands", "incoming_bands", ("bucket", "article_id"))


def save_raw(con: duckdb.DuckDBPyConnection, raw: pa.Table) -> None:
    """Fetched documents into the raw store (content-addressed: a document stored before is a no-op)."""
    con.register("incoming_raw", raw)
    try:
        con.execute("insert into raw.raw_documents select * from incoming_raw on conflict do nothing")
    finally:
        con.unregister("incoming_raw")


MATCH_SQL = """
create or replace temp table batch_match as
with by_url as (
    select url, min(article_id) as article_id from articles
    where url in (select url from incoming_articles where url is not null) group by url
), by_hash as (
    select content_hash, min(article_id) as article_id from articles
    where content_hash in (select content_hash from incoming_articles) group by content_hash
)
select i.article_id as incoming_id,
       coalesce(by_id.article_id, by_url.article_id, by_hash.article_id) as existing_id
from incoming_articles i
left join articles by_id on by_id.article_id = i.article_id
left join by_url on by_url.url = i.url
left join by_hash on by_hash.content_hash = i.content_hash
"""

EMPTY_CLUSTERS = pa.table({"article_id": pa.array([], pa.string()), "cluster_id": pa.array([], pa.string())})

INSERT_ARTICLES_SQL = f"""
insert into articles ({", ".join(ARTICLE_COLUMNS)})
select {", ".join("coalesce(c.cluster_id, i.cluster_id)" if c == "cluster_id" else "i." + c for c in ARTICLE_COLUMNS)}
from incoming_articles i join batch_match m on m.incoming_id = i.article_id
left join incoming_clusters c on c.article_id = i.article_id
where m.existing_id is null
"""


REFRESHED = ("title", "body", "authors", "language", "content_hash", "description", "categories", "extractor",
             "word_count", "tagger_version", "places_version", "raw_page_id")  # fmt: skip
# a copy without a date keeps the stored date, and where it came from
KEPT_DATE_SOURCE = "case when i.published_at is null then articles.date_source else i.date_source end"
CHANGED = " or ".join(
    [f"articles.{c} is distinct from i.{c}" for c in REFRESHED]
    + ["coalesce(i.published_at, articles.published_at) is distinct from articles.published_at",
       f"{KEPT_DATE_SOURCE} is distinct from articles.date_source"]
)  # fmt: skip
# only what changed is rewritten (and stamped `updated_at`): the same backfill twice changes nothing
REFRESH_ARTICLES_SQL = f"""
update articles set {", ".join(f"{c} = i.{c}" for c in REFRESHED)},
    published_at = coalesce(i.published_at, articles.published_at), date_source = {KEPT_DATE_SOURCE},
    updated_at = $now
from incoming_articles i join batch_match m on m.incoming_id = i.article_id
where m.existing_id is not null and articles.article_id = m.existing_id and ({CHANGED})
returning articles.article_id
"""


UPSERT_SIGHTINGS_SQL = """
insert into sightings (article_id, source, url, source_uri, first_run_id, first_seen_at, last_run_id, last_seen_at,
                       times_seen, title)
select article_id, any_value(source), url, source_uri, $run_id, $now, $run_id, $now, 1, any_value(title)
from (
    select coalesce(m.existing_id, s.article_id) as article_id, s.source, coalesce(s.url, '') as url, s.source_uri,
           s.title
    from incoming_sightings s left join batch_match m on m.incoming_id = s.article_id
)
group by article_id, url, source_uri
on conflict (article_id, source_uri, url) do nothing
"""

# an entry is taken once; only a pending page's later attempt (a retry with a status) updates its row
INSERT_ENTRIES_SQL = """
insert into feed_entries (feed_key, entry_key, article_id, first_run_id, first_seen_at, page_status, page_url,
                          page_attempts, page_error)
select e.feed_key, e.entry_key, any_value(coalesce(m.existing_id, e.article_id)), $run_id, $now,
       any_value(e.page_status), any_value(e.page_url), coalesce(max(e.page_attempts), 0), any_value(e.page_error)
from incoming_entries e left join batch_match m on m.incoming_id = e.article_id
group by e.feed_key, e.entry_key
on conflict (feed_key, entry_key) do update set article_id = excluded.article_id, page_status = excluded.page_status,
    page_attempts = excluded.page_attempts, page_error = excluded.page_error
where feed_entries.page_status = 'pending' and excluded.page_status is not null
    and excluded.page_attempts > feed_entries.page_attempts
"""
