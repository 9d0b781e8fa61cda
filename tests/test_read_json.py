from datetime import UTC, datetime
from itertools import pairwise

from tasks.reading.read_files import read_file


def test_jsonl_records_fields_and_counted_bad_lines(fixtures):
    path = str(fixtures / "json" / "articles.jsonl")
    batch = read_file(path)
    by_title = {a.title: a for a in batch.articles}
    ferry = by_title["Ferry fares frozen for a second year"]
    assert ferry.url.startswith("https://HarbourNews.example/city/ferry-fares?utm_source")
    assert ferry.published_at == datetime(2025, 2, 3, 10, tzinfo=UTC) and ferry.date_explicit
    assert ferry.authors == ["Ola Berg"] and ferry.source == "Harbour News"
    assert ferry.input_format == "json"
    library = by_title["Library extends opening hours"]
    assert (
        library.body == "The central library will open until 10pm on weekdays from March, the council said.\n\n"
        "Extra staff will be paid from the culture budget."
    )
    assert library.authors == ["Ines Moreau", "Li Wei"]
    archive = by_title["From the archive: the great flood"]
    assert archive.published_at == datetime(1953, 2, 1, tzinfo=UTC) and archive.date_explicit
    reasons = sorted((s.source_uri.rsplit("#", 1)[1], s.reason.split(":")[0]) for s in batch.skips)
    assert reasons == [("line3", "invalid JSON"), ("line4", "no body or html")]


def test_json_list_with_author_objects(fixtures):
    batch = read_file(str(fixtures / "json" / "list.json"))
    assert [a.authors for a in batch.articles] == [["Pia Koller"], ["Pia Koller"]]
    assert batch.articles[0].published_at == datetime(2025, 11, 22, 7, tzinfo=UTC)


def test_broken_json_file_is_one_skip(fixtures):
    batch = read_file(str(fixtures / "bad" / "broken.json"))
    assert batch.articles == [] and len(batch.skips) == 1
    assert batch.skips[0].reason.startswith("invalid JSON")


def test_a_large_jsonl_file_is_read_in_parts_with_the_same_articles_and_line_numbers(tmp_path):
    import json

    from tasks.reading.read_files import FilePart, split_line_files

    lines = []
    for number in range(1, 201):
        if number % 50 == 0:
            lines.append("{not json")
        else:
            body = f"Story {number}: the council met on Tuesday. " * 12
            lines.append(json.dumps({"url": f"https://example.org/{number}", "title": f"Story {number}", "body": body}))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parts = split_line_files([str(path)], part_bytes=4096)
    assert len(parts) > 5 and all(isinstance(p, FilePart) for p in parts)
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in pairwise(parts))
    whole = read_file(str(path))
    pieces = [read_file(part) for part in parts]
    assert [a.title for p in pieces for a in p.articles] == [a.title for a in whole.articles]
    assert len(whole.articles) == 196 and sum(p.read for p in pieces) == 196
    skipped = sorted(s.source_uri for p in pieces for s in p.skips)
    assert skipped == sorted(s.source_uri for s in whole.skips)
    assert {s.rsplit("#", 1)[1] for s in skipped} == {"line50", "line100", "line150", "line200"}


def test_small_and_compressed_files_stay_whole(tmp_path, fixtures):
    from tasks.reading.read_files import split_line_files

    small = str(fixtures / "json" / "articles.jsonl")
    gz = tmp_path / "x.jsonl.gz"
    gz.write_bytes(b"\x1f\x8b" + b"0" * 10000)
    assert split_line_files([small, str(gz)], part_bytes=10**6) == [small, str(gz)]
    assert split_line_files([str(gz)], part_bytes=64) == [str(gz)]
    assert len(split_line_files([small], part_bytes=64)) > 1


def test_an_unreadable_large_jsonl_file_stays_whole_and_becomes_a_counted_skip(tmp_path):
    import os

    import pytest

    from tasks.reading.read_files import split_line_files

    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = tmp_path / "locked.jsonl"
    path.write_text('{"title": "x", "body": "y"}\n' * 500)
    path.chmod(0)
    try:
        assert split_line_files([str(path)], part_bytes=1024) == [str(path)]
        batch = read_file(str(path))
        assert not batch.articles and batch.skips and "cannot read" in batch.skips[0].reason
    finally:
        path.chmod(0o600)
