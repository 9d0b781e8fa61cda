"""WARC archives: which records become pages, the filters applied before extraction, and resuming at an offset."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest

from flows.backfill import backfill_flow
from flows.ingest import ingest_flow
from tasks.reading.warc import ArchiveFilter, archive_filter, read_archives
from tests.warcs import CAPTURED, Capture, story, write_warc
from warehouse.connect import open_warehouse

NO_FILTERS = ArchiveFilter()


def mixed_captures() -> list[Capture]:
    return [
        story(1),
        story(2, host="www.example.com"),
        story(3, host="other.org"),
        story(4, lang="de"),
        story(5, date=datetime(2026, 10, 1, tzinfo=UTC)),
        Capture("https://news.example.com/missing", b"<html><body>Not found</body></html>", status="404 Not Found"),
        Capture("https://news.example.com/logo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        Capture("https://news.example.com/untyped", story(6).body, content_type=None),
        Capture("https://news.example.com/fr", story(7).body.replace(b'lang="en"', b""), language="fr-FR"),
    ]


def read_all(path, filters=NO_FILTERS, pages=100):
    chunks = list(read_archives([str(path)], filters, {}, pages))
    return [p for c in chunks for p in c.pages], sum((c.counts for c in chunks), start=type(chunks[0].counts)())


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_only_html_responses_with_status_200_become_pages(tmp_path, name):
    pages, counts = read_all(write_warc(tmp_path / name, mixed_captures()))
    uris = [p.uri for p in pages]
    assert "https://news.example.com/missing" not in uris and "https://news.example.com/logo.png" not in uris
    assert "https://news.example.com/untyped" in uris  # no Content-Type, but the body is a page
    assert len(pages) == 7
    assert counts["not_ok"] == 1 and counts["not_html"] == 1
    assert counts["not_response"] == 1 + 9 + 0  # warcinfo and one request per response (no metadata: < 10)
    first = pages[0]
    assert first.uri == "https://news.example.com/warc/story-1" and first.fetched_at == CAPTURED
    assert first.html.startswith(b"<!DOCTYPE html>") and first.language == "en"
    assert {p.uri: p.language for p in pages}["https://news.example.com/fr"] == "fr"  # the header wins


def test_filters_choose_records_before_extraction(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", mixed_captures())
    filters = archive_filter(["Example.com"], ["en"], date(2026, 11, 1), date(2026, 12, 1))
    pages, counts = read_all(path, filters)
    assert [p.uri for p in pages] == [
        "https://news.example.com/warc/story-1", "https://www.example.com/warc/story-2",
        "https://news.example.com/untyped",
    ]  # fmt: skip
    assert counts["filtered_domain"] == 1  # other.org
    assert counts["filtered_language"] == 2  # lang="de", and Content-Language: fr
    assert counts["filtered_date"] == 1


def test_a_domain_filter_takes_subdomains_but_not_lookalikes():
    only = archive_filter(["example.com"])
    assert only.host_passes("https://example.com/a") and only.host_passes("https://a.b.example.com/x")
    assert not only.host_passes("https://badexample.com/a") and not only.host_passes("https://example.com.evil.net/")


@pytest.mark.parametrize(
    ("domains", "languages", "since", "until", "message"),
    [
        (["not a host"], None, None, None, "not a domain name"),
        (None, ["english"], None, None, "two-letter language code"),
        (None, None, date(2026, 2, 1), date(2026, 1, 1), "date range is empty"),
    ],
)
def test_bad_filters_are_refused_with_one_line(domains, languages, since, until, message):
    with pytest.raises(ValueError, match=message):
        archive_filter(domains, languages, since, until)


def test_filters_with_the_same_meaning_share_their_progress_key():
    assert archive_filter(["b.org", "A.com"], ["en"]).key() == archive_filter(["a.com", "b.org"], ["EN"]).key()
    assert archive_filter(["a.com"]).key() != archive_filter(["a.com"], ["en"]).key()


@pytest.mark.parametrize("name", ["big.warc.gz", "big.warc"])
def test_reading_resumes_at_the_mark_of_a_chunk_and_repeats_nothing(tmp_path, name):
    path = write_warc(tmp_path / name, [story(n) for n in range(25)])
    chunks = list(read_archives([str(path)], ArchiveFilter(), {}, pages=4))
    assert [len(c.pages) for c in chunks] == [4, 4, 4, 4, 4, 4, 1]
    assert chunks[-1].marks[-1].finished and not chunks[2].marks[-1].finished
    for stop in range(len(chunks) - 1):
        mark = chunks[stop].marks[-1]
        resumed = [p.uri for c in read_archives([str(path)], ArchiveFilter(), {mark.archive: mark}, 4) for p in c.pages]
        before = [p.uri for c in chunks[: stop + 1] for p in c.pages]
        assert before + resumed == [f"https://news.example.com/warc/story-{n}" for n in range(25)]


def test_a_gzip_bomb_inside_a_record_is_a_counted_skip_never_read_whole(tmp_path):
    bomb = gzip.compress(b"<html><body>" + b" " * (64 * 2**20) + b"</body></html>", compresslevel=1)
    captures = [story(1), Capture("https://news.example.com/bomb", bomb, encoding="gzip"), story(2)]
    pages, counts = read_all(write_warc(tmp_path / "bomb.warc.gz", captures))
    assert [p.uri for p in pages] == ["https://news.example.com/warc/story-1", "https://news.example.com/warc/story-2"]
    assert counts["too_large"] == 1


def test_a_warc_gzipped_as_one_stream_resumes_by_record_count(tmp_path):
    plain = write_warc(tmp_path / "plain.warc", [story(n) for n in range(25)])
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    chunks = list(read_archives([str(path)], ArchiveFilter(), {}, pages=4))
    assert sum(len(c.pages) for c in chunks) == 25 and chunks[-1].marks[-1].finished
    for stop in range(len(chunks) - 1):
        mark = chunks[stop].marks[-1]
        assert mark.offset == 0 and not mark.finished  # no record offset inside one gzip stream
        resumed = [p.uri for c in read_archives([str(path)], ArchiveFilter(), {mark.archive: mark}, 4) for p in c.pages]
        before = [p.uri for c in chunks[: stop + 1] for p in c.pages]
        assert before + resumed == [f"https://news.example.com/warc/story-{n}" for n in range(25)]


@pytest.mark.parametrize("keep", [0.5, 0.8, 0.97])
def test_a_gzipped_archive_cut_anywhere_is_never_marked_finished(tmp_path, keep):
    path = write_warc(tmp_path / "cut.warc.gz", [story(n) for n in range(8)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    chunks = list(read_archives([str(path)], ArchiveFilter(), {}, pages=100))
    assert not chunks[-1].marks[-1].finished and chunks[-1].errors
    path.write_bytes(data)  # the download completes: the rerun reads the rest, nothing twice
    mark = chunks[-1].marks[-1]
    before = [p.uri for c in chunks for p in c.pages]
    after = [p.uri for c in read_archives([str(path)], ArchiveFilter(), {mark.archive: mark}, 100) for p in c.pages]
    assert sorted(set(before + after)) == sorted(f"https://news.example.com/warc/story-{n}" for n in range(8))
    assert len(after) == 8 - len(before) or len(after) == 8 - len(before) + 1  # at most the cut record again


def test_a_truncated_archive_keeps_what_was_read_and_says_why(tmp_path):
    path = write_warc(tmp_path / "cut.warc.gz", [story(n) for n in range(6)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    chunks = list(read_archives([str(path)], ArchiveFilter(), {}, pages=100))
    pages = [p for c in chunks for p in c.pages]
    assert 2 <= len(pages) < 6
    assert any("archive unreadable" in reason for c in chunks for _, reason in c.errors)
    assert not chunks[-1].marks[-1].finished


# --- through the flows: filters, counts, provenance, repeats -------------------------------------------------------


def rows(db: str, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_reads_a_warc_with_filters_and_leaves_a_finished_archive_alone(tmp_path, db):
    path = write_warc(tmp_path / "crawl.warc.gz", mixed_captures())
    result = ingest_flow(paths=[str(path)], db=db, domains=["example.com"], languages=["en"],
                         since=date(2026, 11, 1), until=date(2026, 12, 1), workers=1)  # fmt: skip
    assert result["new"] == 3 and result["failed"] == 0
    extra = result["extra"]
    assert extra["archive_records"] == 1 + 2 * 9  # warcinfo, and a request and a response per capture
    assert extra["archive_filtered_domain"] == 1 and extra["archive_filtered_date"] == 1
    assert extra["archive_filtered_language"] == 2
    stored = rows(db, "select source_uri, fetched_at, input_format from articles order by source_uri")
    assert [r[0] for r in stored] == [
        "https://news.example.com/untyped", "https://news.example.com/warc/story-1",
        "https://www.example.com/warc/story-2",
    ]  # fmt: skip
    assert all(r[1] == CAPTURED and r[2] == "warc" for r in stored)
    progress = rows(db, "select finished, next_offset, records from archive_progress")
    assert progress == [(True, path.stat().st_size, 19)]

    again = ingest_flow(paths=[str(path)], db=db, domains=["example.com"], languages=["en"],
                        since=date(2026, 11, 1), until=date(2026, 12, 1), workers=1)  # fmt: skip
    assert again["read"] == 0 and again["extra"]["archives_already_read"] == 1
    wider = ingest_flow(paths=[str(path)], db=db, workers=1)  # other filters: read, and what is new is added
    assert wider["new"] == 4 and wider["duplicate"] == 3  # other.org, lang="de", October, Content-Language: fr
    assert wider["skipped"] == 2  # the 404 and the PNG are counted skips


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_over_a_folder_of_warcs_takes_capture_days_and_reads_finished_archives_again(tmp_path, db):
    folder = tmp_path / "warcs"
    folder.mkdir()
    write_warc(folder / "a.warc.gz", [story(n) for n in range(3)])
    write_warc(folder / "b.warc", [story(n, date=datetime(2026, 11, 25, tzinfo=UTC)) for n in range(3, 6)])
    first = backfill_flow(paths=[str(folder)], since=date(2026, 11, 24), until=date(2026, 11, 26), db=db, workers=1)
    assert first["new"] == 3  # b.warc's captures only
    assert sorted(r[0] for r in rows(db, "select source_uri from articles")) == [
        f"https://news.example.com/warc/story-{n}" for n in range(3, 6)
    ]
    again = backfill_flow(paths=[str(folder)], since=date(2026, 11, 24), until=date(2026, 11, 26), db=db, workers=1)
    assert again["read"] == 3 and again["new"] == 0 and again["extra"]["unchanged"] == 3


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        ("en-GB, fr", b"<html lang='de'>", "en"),
        ("english", b"<html>", None),  # not a code: undeclared, judged by its text after extraction
        (None, b'<!doctype html><html class="x" lang="pt-BR">', "pt"),
        (None, b'<html lang="eng">', None),
        (None, b"<html><body>no lang</body></html>", None),
    ],
)
def test_a_declared_language_is_an_iso_code_or_nothing(header, body, expected):
    from tasks.reading.warc import declared_language

    assert declared_language(header, body) == expected


@pytest.mark.usefixtures("prefect_harness")
def test_a_sources_folder_holding_a_warc_reads_it_as_an_archive(tmp_path, db):
    from flows.sources import sources_flow

    folder = tmp_path / "archive"
    folder.mkdir()
    write_warc(folder / "crawl.warc.gz", [story(n) for n in range(3)])
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "local"\npath = "archive"\n')
    result = sources_flow(sources_file=str(sources), db=db, workers=1)
    assert result["new"] == 3 and result["extra"]["archive_records"] == 7
    assert {r[0] for r in rows(db, "select input_format from articles")} == {"warc"}
