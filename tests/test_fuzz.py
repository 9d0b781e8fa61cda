"""Property-based fuzzing (hypothesis) of every reader and of the prepare-and-load path: random bytes, random
JSON, mutated real pages and feeds, invalid Unicode, huge fields and deep nesting. The invariant: every input is
either loaded or a counted skip, and unusable input is a plain skip, never a failure (a failure means a bug).

`make test` runs a bounded budget (profile "ci"); `make fuzz` runs the "fuzz" profile, far longer.
"""

import gzip
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.loading.load import load_articles
from tasks.models import Article, Batch
from tasks.reading.read_files import read_file
from tasks.running.prepare import prepare_articles
from warehouse.connect import open_warehouse

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SAMPLES = Path(__file__).parent.parent / "samples"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SUFFIXES = [".txt", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom", ".txt.gz", ".html.gz", ".jsonl.gz"]
WORK = Path(tempfile.mkdtemp(prefix="newsflow-fuzz-"))
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=400)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(ANY_TEXT, inner, max_size=5),
    max_leaves=30,
)
FIELDS = ["url", "title", "body", "html", "published_at", "authors", "source", "language", "categories"]
RECORD = st.dictionaries(st.sampled_from(FIELDS) | ANY_TEXT, JSON | ANY_TEXT, max_size=8)


def written(name: str, data: bytes) -> Path:
    path = WORK / name
    if name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def check(batch: Batch) -> None:
    assert batch.articles or batch.skips, "an input vanished: neither an article nor a skip"
    failures = [(s.source_uri, s.reason) for s in batch.skips if s.failed]
    assert not failures, failures


@given(st.sampled_from(SUFFIXES), st.binary(max_size=3000))
def test_random_bytes_are_read_or_skipped(suffix, data):
    check(read_file(str(written(f"random{suffix}", data))))


@given(st.lists(RECORD | JSON, min_size=1, max_size=6))
def test_random_json_lines_are_each_an_article_or_a_skip(records):
    lines = [json.dumps(record) for record in records]
    batch = read_file(str(written("records.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))))
    check(batch)
    assert len(batch.articles) + len(batch.skips) >= 1


@given(st.integers(min_value=1, max_value=200))
def test_deep_nesting_is_a_skip_not_a_crash(depth):
    check(read_file(str(written("deep.json", ("[" * depth * 50 + "]" * depth * 50).encode()))))


def mutate(data: bytes, draw) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"<",
                        b">",
                        b"&",
                        b"&#0;",
                        b"\x00",
                        b"\xff\xfe",
                        b"]]>",
                        b"<![CDATA[",
                        b'<!ENTITY a "b">',
                        b"\xed\xa0\x80",
                        b"</",
                        "é".encode(),
                    ]
                )
            )
        elif kind == "delete" and data:
            del data[at : at + draw(st.integers(min_value=1, max_value=50))]
    return bytes(data)


REAL = sorted(p for folder in ("html", "feeds", "json", "text", "seed") for p in (SAMPLES / folder).iterdir())


@given(st.sampled_from(REAL), st.data())
def test_mutated_real_pages_and_feeds(sample, data):
    raw = gzip.decompress(sample.read_bytes()) if sample.suffix == ".gz" else sample.read_bytes()
    name = sample.name.removesuffix(".gz")
    check(read_file(str(written(f"mutated-{name}", mutate(raw, data.draw)))))


@given(ANY_TEXT, st.text(max_size=20) | ANY_TEXT, st.none() | ANY_TEXT, st.lists(ANY_TEXT, max_size=3),
       st.integers(min_value=1, max_value=3))  # fmt: skip
def test_any_article_is_prepared_and_loaded_or_skipped(title, body, url, authors, repeat):
    article = Article(source_uri="fuzz.txt", title=title, body=body * repeat * 20, url=url, authors=authors)
    prepared = prepare_articles(Batch(articles=[article], read=1), NOW)
    assert len(prepared.articles) + len(prepared.skips) == 1
    db = WORK / "fuzz.duckdb"
    loaded = load_articles(db, prepared.articles, "fuzz", NOW)  # what preparation lets through always loads
    assert loaded.new + loaded.duplicate == len(prepared.articles)  # as a new article, or a sighting of one
    if prepared.articles:
        with open_warehouse(db) as con:
            found = con.execute(
                "select count(*) from articles where content_hash = ? or url = ?",
                [prepared.articles[0].content_hash, prepared.articles[0].canonical_url],
            ).fetchone()[0]
        assert found >= 1  # fmt: skip


def test_a_huge_field_is_read():
    body = "The council met again. " * 200_000  # 4.6 MB of text in one field
    batch = read_file(str(written("huge.jsonl", json.dumps({"title": "Long", "body": body}).encode())))
    check(batch)
    assert len(batch.articles) == 1
