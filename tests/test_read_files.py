import shutil
from pathlib import Path

import pytest

from tasks.reading.read_files import discover_files, file_format, read_file, read_files


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.txt", "txt"), ("a.HTML", "html"), ("a.html.gz", "html"), ("a.htm", "html"), ("a.jsonl", "jsonl"),
     ("a.json", "json"), ("a.xml", "feed"), ("a.rss", "feed"), ("a.atom", "feed"), ("a.rdf", "feed"),
     ("a.jsonl.gz", "jsonl"), ("a.pdf", None), ("a.gz", None), ("README", None)],
)  # fmt: skip
def test_file_format(name, kind):
    assert file_format(Path(name)) == kind


def test_discover_is_recursive_sorted_and_skips_hidden(tmp_path, fixtures):
    shutil.copytree(fixtures / "text", tmp_path / "in" / "b")
    (tmp_path / "in" / "a.json").write_text("[]")
    (tmp_path / "in" / ".hidden").mkdir()
    (tmp_path / "in" / ".hidden" / "x.txt").write_text("hidden")
    (tmp_path / "in" / "notes.md").write_text("ignored")
    (tmp_path / "photo.png").write_bytes(b"png")
    files, skips = discover_files([tmp_path / "in", tmp_path / "photo.png", tmp_path / "missing"])
    names = [Path(f).relative_to(tmp_path / "in").as_posix() for f in files]
    assert names == ["a.json", "b/latin1.txt", "b/plain.txt", "b/seedlike.txt", "b/titled.txt"]
    assert sorted(s.reason for s in skips) == ["no such file or folder", "unsupported file type"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("empty.txt", "empty file"), ("image.txt", "binary data, not text"), ("words.xml", "not a feed"),
     ("not-a-feed.rss", "not a feed")],
)  # fmt: skip
def test_unreadable_files_become_named_skips(fixtures, name, reason):
    path = str(fixtures / "bad" / name)
    batch = read_file(path)
    assert batch.articles == []
    assert [s.source_uri for s in batch.skips] == [path]
    assert batch.skips[0].reason.startswith(reason) and not batch.skips[0].failed


def test_latin1_text_file_is_decoded(fixtures):
    (article,) = read_file(str(fixtures / "text" / "latin1.txt")).articles
    assert article.body.startswith("Café owners") and "été" in article.body


def test_corrupt_gzip_is_a_skip(tmp_path):
    path = tmp_path / "broken.html.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    batch = read_file(str(path))
    assert batch.articles == [] and batch.skips[0].reason.startswith("cannot read file")


def test_pool_reads_the_same_as_one_process(fixtures):
    files, _ = discover_files([fixtures])
    one = read_files(files, workers=1)
    two = read_files(files, workers=2)
    assert [(a.source_uri, a.body) for a in one.articles] == [(a.source_uri, a.body) for a in two.articles]
    assert [(s.source_uri, s.reason) for s in one.skips] == [(s.source_uri, s.reason) for s in two.skips]
    assert len(one.articles) >= 10
