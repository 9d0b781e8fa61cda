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

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tantivy

from warehouse.connect import open_warehouse
from warehouse.layout import warehouse_paths

MARK = "indexed_through"  # the newest coalesce(updated_at, ingested_at) indexed, ISO 8601
HEAP_BYTES = 50_000_000
UNKNOWN_DAY = -(2**62)


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
    builder.add_integer_field("published", stored=True, indexed=True, fast=True)  # epoch seconds
    return builder.build()


SCHEMA = build_schema()


def open_index(db: str | Path, create: bool = True) -> tantivy.Index | None:
    path = warehouse_paths(db).search
    if not path.exists():
        if not create:
            return None
        path.mkdir(parents=True)
    return tantivy.Index(SCHEMA, path=str(path))


def read_mark(db: str | Path) -> datetime | None:
    mark = warehouse_paths(db).search / MARK
    return datetime.fromisoformat(mark.read_text().strip()) if mark.exists() else None


def refresh_index(db: str | Path, rebuild: bool = False) -> int:
    """Index the published file's articles loaded or rewritten since the last refresh (all with `rebuild`);
    returns how many were (re)indexed. An article indexed before is replaced, never doubled."""
    paths = warehouse_paths(db)
    if rebuild and paths.search.exists():
        shutil.rmtree(paths.search)
    if not paths.published.exists():
        return 0
    since = None if rebuild else read_mark(db)
    with open_warehouse(db) as con:
        rows = con.execute(
            "select a.article_id, a.title, a.body, a.source, a.published_at, coalesce(a.updated_at, a.ingested_at),"
            " (select list(t.topic) || list(lower(t.label)) from article_topics t where t.article_id = a.article_id)"
            " from articles a where $since is null or coalesce(a.updated_at, a.ingested_at) >= $since",
            {"since": since},
        ).fetchall()
    if not rows:
        open_index(db)
        return 0
    index = open_index(db)
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=1)
    for article_id, title, body, source, published, _, topics in rows:
        writer.delete_documents_by_term("article_id", article_id)
        writer.add_document(tantivy.Document(
            article_id=article_id, title=title or "", body=body, source=source or "",
            topics=[t for t in topics or [] if t], published=int(published.timestamp()) if published else UNKNOWN_DAY,
        ))  # fmt: skip
    writer.commit()
    writer.wait_merging_threads()
    newest = max(row[5] for row in rows)
    (paths.search / MARK).write_text(newest.isoformat())
    return len(rows)


def forget_in_index(db: str | Path, ids: list[str]) -> None:
    """Remove deleted articles from the index (a refresh only ever adds)."""
    index = open_index(db, create=False)
    if index is None or not ids:
        return
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=1)
    for article_id in ids:
        writer.delete_documents_by_term("article_id", article_id)
    writer.commit()
    writer.wait_merging_threads()


def search_articles(
    db: str | Path, text: str, since: datetime | None = None, topic: str | None = None, source: str | None = None,
    limit: int = 10,
) -> list[Hit]:  # fmt: skip
    """Articles matching `text` (tantivy query syntax: words, "phrases", +must, -not), best first; a title match
    weighs twice a body match."""
    index = open_index(db, create=False)
    if index is None:
        return []
    index.reload()
    query = index.parse_query(text, ["title", "body"], field_boosts={"title": 2.0})
    filters = [(tantivy.Occur.Must, query)]
    if since is not None:
        start = int(since.replace(tzinfo=since.tzinfo or UTC).timestamp())
        filters.append((tantivy.Occur.Must, tantivy.Query.range_query(SCHEMA, "published", tantivy.FieldType.Integer,
                                                                      start, 2**62)))  # fmt: skip
    if topic:
        filters.append(
            (
                tantivy.Occur.Must,
                tantivy.Query.term_query(SCHEMA, "topics", topic.lower() if not topic.startswith("medtop:") else topic),
            )
        )
    if source:
        filters.append((tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "source", source)))
    combined = tantivy.Query.boolean_query(filters) if len(filters) > 1 else query
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
    return hits


def mark_snippet(snippet) -> str:
    """The fragment with its matched words in [brackets]."""
    text, out, at = snippet.fragment(), [], 0
    for part in snippet.highlighted():
        out += [text[at : part.start], "[", text[part.start : part.end], "]"]
        at = part.end
    out.append(text[at:])
    return " ".join("".join(out).split())
