"""Ranked text search (BM25, tantivy) over the articles of the published file.

The index lives beside the published file (`newsflow.duckdb.search/`) and is derived from it: `refresh_index`
adds what the file has that the index lacks (articles loaded or rewritten since the last refresh), so any
process can bring it up to date without the warehouse's writer lock; tantivy's own lock keeps index writers one
at a time, and readers always see the last commit. Runs refresh it at their end; `newsflow search` refreshes it
before it searches, so it is never behind the published file.

Why tantivy: DuckDB's fts extension cannot be installed here (no extension downloads, and no PyPI package for
DuckDB 2.0); a BM25 table inside the warehouse would double the published file and make every load slower.
tantivy is a well-kept Rust engine with Python wheels: English stemming, field boosts, snippets, and queries in
milliseconds on 100k articles (benchmarks/search.py).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tantivy

from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths

MARK = "indexed_through"  # the newest coalesce(updated_at, ingested_at) indexed, ISO 8601
VERSION_FILE, SCHEMA_VERSION = "schema_version", "2"  # another version: the index is rebuilt
HEAP_BYTES = 50_000_000
INDEX_THREADS = min(2, os.cpu_count() or 1)  # a refresh runs as a run ends, when the workers' cores are idle:
# 3,000 articles index in 0.55 s with two threads against 0.79 s with one; the heap is shared between them
CHUNK_ROWS = 1_000  # rows read from the warehouse at a time while indexing
UNKNOWN_DAY = -(2**62)
AND_NOT = re.compile(r"\bAND\s+NOT\s+")
NOT_WORD = re.compile(r"(^|[\s(])NOT\s+")


@dataclass(slots=True)
class Hit:
    article_id: str
    title: str | None
    source: str | None
    published_at: datetime | None
    score: float
    snippet: str


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("article_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("source", stored=True, tokenizer_name="raw")
    builder.add_text_field("topics", tokenizer_name="raw")  # codes and lower-case labels
    builder.add_text_field("places", tokenizer_name="raw")  # ISO country codes
    builder.add_integer_field("published", stored=True, indexed=True, fast=True)  # epoch seconds
    return builder.build()


SCHEMA = build_schema()


def open_index(db: str | Path, create: bool = True) -> tantivy.Index | None:
    path = warehouse_paths(db).search
    if not path.exists():
        if not create:
            return None
        path.mkdir(parents=True)
        (path / VERSION_FILE).write_text(SCHEMA_VERSION)
    return tantivy.Index(SCHEMA, path=str(path))


def is_current(path: Path) -> bool:
    version = path / VERSION_FILE
    return version.exists() and version.read_text().strip() == SCHEMA_VERSION


ARTICLE_FIELDS = (
    "select a.article_id, a.title, a.body, a.source, a.published_at, coalesce(a.updated_at, a.ingested_at),"
    " (select list(t.topic) || list(lower(t.label)) from article_topics t where t.article_id = a.article_id),"
    " (select list(p.country_code) from article_places p where p.article_id = a.article_id) from articles a"
)


# what a refresh indexes: the row numbers of articles loaded or rewritten since the mark, then their rows by number
CHANGED_ROWS_SQL = (
    "select rowid from articles where $since is null or coalesce(updated_at, ingested_at) >= $since order by rowid"
)
ROWS_SQL = f"{ARTICLE_FIELDS} where a.rowid in (select unnest($rowids))"


def article_document(row: tuple) -> tantivy.Document:
    article_id, title, body, source, published, _, topics, places = row
    return tantivy.Document(
        article_id=article_id, title=title or "", body=body, source=source or "",
        topics=[t for t in topics or [] if t], places=[p for p in places or [] if p],
        published=int(published.timestamp()) if published else UNKNOWN_DAY,
    )  # fmt: skip


def read_mark(db: str | Path) -> datetime | None:
    mark = warehouse_paths(db).search / MARK
    return datetime.fromisoformat(mark.read_text().strip()) if mark.exists() else None


def refresh_index(db: str | Path, rebuild: bool = False) -> int:
    """Index the published file's articles loaded or rewritten since the last refresh (all with `rebuild`);
    returns how many were (re)indexed. An article indexed before is replaced, never doubled."""
    paths = warehouse_paths(db)
    if paths.search.exists() and (rebuild or not is_current(paths.search)):
        shutil.rmtree(paths.search)
        rebuild = True
    if not paths.published.exists():
        return 0
    since = None if rebuild else read_mark(db)
    count, newest, index, writer = 0, None, None, None
    with open_warehouse(db) as con:
        wanted = [row[0] for row in con.execute(CHANGED_ROWS_SQL, {"since": since}).fetchall()]
        for start in range(0, len(wanted), CHUNK_ROWS):  # a chunk at a time: memory stays flat however many
            rows = con.execute(ROWS_SQL, {"rowids": wanted[start : start + CHUNK_ROWS]}).fetchall()
            if writer is None:
                index = open_index(db)
                if (writer := index_writer(index)) is None:
                    return 0  # another process is bringing the index up to date
            for row in rows:
                writer.delete_documents_by_term("article_id", row[0])
                writer.add_document(article_document(row))
            count += len(rows)
            newest = max(newest or rows[0][5], *(row[5] for row in rows))
    if writer is None:
        open_index(db)
        return 0
    writer.commit()
    writer.wait_merging_threads()
    (paths.search / MARK).write_text(newest.isoformat())
    return count


def index_writer(index: tantivy.Index):
    """The index's writer, or None while another process holds it."""
    try:
        return index.writer(heap_size=HEAP_BYTES, num_threads=INDEX_THREADS)
    except ValueError as error:
        if "LockBusy" in str(error):
            return None
        raise


def forget_in_index(db: str | Path, ids: list[str]) -> None:
    """Remove deleted articles from the index (a refresh only ever adds)."""
    index = open_index(db, create=False)
    if index is None or not ids:
        return
    writer = None
    for _ in range(50):  # a refresh in another process holds the writer for moments
        if (writer := index_writer(index)) is not None:
            break
        time.sleep(0.1)
    if writer is None:
        return  # search_articles never shows an article the warehouse no longer has
    for article_id in ids:
        writer.delete_documents_by_term("article_id", article_id)
    writer.commit()
    writer.wait_merging_threads()


def normalise_query(text: str) -> str:
    """NOT as tantivy means it: `a AND NOT b` alone would AND `a` with a query that matches nothing."""
    return NOT_WORD.sub(r"\1-", AND_NOT.sub("AND -", text))


def check_query(text: str) -> None:
    """ValueError with tantivy's reason when the query does not parse."""
    try:
        tantivy.Index(SCHEMA).parse_query(normalise_query(text), ["title", "body"])
    except ValueError as error:
        raise ValueError(f"not a valid query: {error}") from None


def term_set(field_name: str, values: list[str]) -> tantivy.Query:
    terms = [tantivy.Query.term_query(SCHEMA, field_name, value) for value in values]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, term) for term in terms])


def build_query(
    index: tantivy.Index, text: str, since: datetime | None = None, topics: list[str] | None = None,
    places: list[str] | None = None, sources: list[str] | None = None,
) -> tuple[tantivy.Query, tantivy.Query]:  # fmt: skip
    """(the whole query, its text part): the text (a title match weighs twice a body match) and every filter given:
    published on or after `since`, any of the topics (labels or codes), of the places, of the sources."""
    query = index.parse_query(normalise_query(text), ["title", "body"], field_boosts={"title": 2.0})
    parts = [(tantivy.Occur.Must, query)]
    if since is not None:
        start = int(since.replace(tzinfo=since.tzinfo or UTC).timestamp())
        published = tantivy.Query.range_query(SCHEMA, "published", tantivy.FieldType.Integer, start, 2**62)
        parts.append((tantivy.Occur.Must, published))
    if topics:
        codes = [t if t.startswith("medtop:") else t.lower() for t in topics]
        parts.append((tantivy.Occur.Must, term_set("topics", codes)))
    if places:
        parts.append((tantivy.Occur.Must, term_set("places", [p.upper() for p in places])))
    if sources:
        parts.append((tantivy.Occur.Must, term_set("source", sources)))
    return (tantivy.Query.boolean_query(parts) if len(parts) > 1 else query), query


def match_rows(rows: list[tuple], watches: list) -> dict[str, list[str]]:
    """For each watch (name, query, topics, places, sources), the ids of these article rows (ARTICLE_FIELDS) it
    matches: an in-memory index of just these articles, queried as the search index is."""
    index = tantivy.Index(SCHEMA)
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=1)
    for row in rows:
        writer.add_document(article_document(row))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    found = {}
    for watch in watches:
        query, _ = build_query(index, watch.query, None, watch.topics, watch.places, watch.sources)
        hits = searcher.search(query, max(1, len(rows))).hits
        found[watch.name] = [searcher.doc(address).get_first("article_id") for _, address in hits]
    return found


def search_articles(
    db: str | Path, text: str, since: datetime | None = None, limit: int = 10, topics: list[str] | None = None,
    places: list[str] | None = None, sources: list[str] | None = None,
) -> list[Hit]:  # fmt: skip
    """Articles matching `text` (tantivy query syntax: words, "phrases", +must, -not), best first, with the
    filters of build_query; a title match weighs twice a body match."""
    index = open_index(db, create=False)
    if index is None:
        return []
    index.reload()
    combined, query = build_query(index, text, since, topics, places, sources)
    searcher = index.searcher()
    snippets = tantivy.SnippetGenerator.create(searcher, query, SCHEMA, "body")
    snippets.set_max_num_chars(200)
    hits = []
    for score, address in searcher.search(combined, limit).hits:
        doc = searcher.doc(address)
        published = doc.get_first("published")
        hits.append(Hit(
            article_id=doc.get_first("article_id"), title=doc.get_first("title") or None,
            source=doc.get_first("source") or None,
            published_at=datetime.fromtimestamp(published, UTC) if published not in (None, UNKNOWN_DAY) else None,
            score=round(score, 3), snippet=mark_snippet(snippets.snippet_from_doc(doc)),
        ))  # fmt: skip
    if not hits:
        return hits
    with open_warehouse(db) as con:  # an article deleted since it was indexed is not shown
        kept = {row[0] for row in con.execute("select article_id from articles where article_id in"
                                              " (select unnest($ids))", {"ids": [h.article_id for h in hits]}
                                              ).fetchall()}  # fmt: skip
    return [h for h in hits if h.article_id in kept]


def mark_snippet(snippet) -> str:
    """The fragment with its matched words in [brackets]."""
    text, out, at = snippet.fragment(), [], 0
    for part in snippet.highlighted():
        out += [text[at : part.start], "[", text[part.start : part.end], "]"]
        at = part.end
    out.append(text[at:])
    return " ".join("".join(out).split())
