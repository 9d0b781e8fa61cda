"""Local inputs: find article files under paths, and read a batch of them on all cores."""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from tasks.extraction.extract_page import extract_page
from tasks.models import Batch, Skip
from tasks.reading.decode import UnreadableInput, decode_text
from tasks.reading.json_feed import is_json_feed
from tasks.reading.parse_feed import parse_feed_articles
from tasks.reading.read_json import parse_json_articles
from tasks.reading.read_text import parse_text_article
from tasks.running.pool import map_in_pool

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".warc": "warc",  # read as a stream by tasks/reading/warc.py, never whole
}
MAX_FILE_BYTES = 64 * 1024 * 1024
PART_BYTES = 512 * 1024  # a larger uncompressed JSON Lines file is read in parts, spread over the workers
LOG = logging.getLogger(__name__)


class FilePart(NamedTuple):
    """Whole lines of a JSON Lines file: bytes [start, end), the first of them numbered `first_line`."""

    path: str
    start: int
    end: int
    first_line: int


def file_format(path: Path) -> str | None:
    """The reader for a path by its suffix, looking through a trailing `.gz`."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def discover_files(paths: Iterable[str | Path]) -> tuple[list[str], list[Skip]]:
    """Every readable article file under the given files and folders (recursive, sorted, no dot-files)."""
    found: list[str] = []
    skips: list[Skip] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(
                    str(Path(root) / name)
                    for name in sorted(files)
                    if not name.startswith(".") and file_format(Path(name))
                )
        elif path.is_file():
            if file_format(path):
                found.append(str(path))
            else:
                skips.append(Skip(str(path), "unsupported file type"))
        else:
            skips.append(Skip(str(path), "no such file or folder"))
    return list(dict.fromkeys(found)), skips


def split_line_files(paths: list[str], part_bytes: int | None = None) -> list[str | FilePart]:
    """Cut large uncompressed JSON Lines files into parts at line ends; other files stay whole.

    A part is read and prepared on its own, so one big file uses every core, and the whole-file size cap
    applies to each part, not to the file.
    """
    part_bytes = part_bytes or PART_BYTES
    items: list[str | FilePart] = []
    for path in paths:
        if file_format(Path(path)) != "jsonl" or path.lower().endswith(".gz") or not os.path.isfile(path):
            items.append(path)  # only JSON Lines files are looked at on disk
            continue
        try:
            size = os.path.getsize(path)
            items.extend(cut_lines(path, size, part_bytes) if size > part_bytes else [path])
        except OSError:  # unreadable now: read whole, where the error becomes the file's counted skip
            items.append(path)
    return items


def cut_lines(path: str, size: int, part_bytes: int) -> list[str | FilePart]:
    parts: list[str | FilePart] = []
    with open(path, "rb") as stream:
        if stream.read(2) in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: lines are not cut at b"\n"
            return [path]
        start, line = 0, 1
        while start < size:
            stream.seek(start)
            data = stream.read(part_bytes)
            data += stream.readline() if len(data) == part_bytes else b""
            if not data:  # the file shrank while we read it
                break
            parts.append(FilePart(path, start, start + len(data), line))
            start += len(data)
            line += data.count(b"\n")
    return parts


def read_part(part: FilePart) -> Batch:
    with open(part.path, "rb") as stream:
        stream.seek(part.start)
        data = stream.read(part.end - part.start)
    return parse_json_articles(decode_text(data), part.path, lines=True, first_line=part.first_line)


def read_file(path: str | FilePart) -> Batch:
    """Read one file (or part) with the reader its suffix names; unusable input becomes a counted skip."""
    if isinstance(path, FilePart):
        part, path = path, path.path
    else:
        part = None
    try:
        batch = read_part(part) if part else read_by_format(path, load_bytes(Path(path)))
    except UnreadableInput as error:
        return Batch(skips=[Skip(path, str(error))])
    except (OSError, EOFError, zlib.error) as error:
        return Batch(skips=[Skip(path, f"cannot read file: {error}")])
    except Exception as error:  # a reader bug must cost one file, not the run
        LOG.exception("reading %s failed", path)
        return Batch(skips=[Skip(path, f"{type(error).__name__}: {error}", failed=True)])
    batch.read = len(batch.articles)
    return batch


def read_by_format(path: str, data: bytes) -> Batch:
    kind = file_format(Path(path))
    if not data.strip():
        raise UnreadableInput("empty file")
    if kind == "html":
        article = extract_page(data, path)
        article.identity_key = path
        return Batch(articles=[article])
    if kind == "feed" or (kind == "json" and is_json_feed(data)):  # a JSON Feed saved as .json is a feed
        return parse_feed_articles(data, path)
    text = decode_text(data)
    if kind == "txt":
        return Batch(articles=[parse_text_article(text, path)])
    return parse_json_articles(text, path, lines=kind == "jsonl")


def load_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableInput(f"file larger than {MAX_FILE_BYTES // 2**20} MiB")
    data = path.read_bytes()
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableInput(f"file larger than {MAX_FILE_BYTES // 2**20} MiB once decompressed")
    return data


def read_files(paths: list[str | FilePart], workers: int = 1) -> Batch:
    """Read files in order, spreading them over `workers` processes."""
    batch = Batch()
    for result in map_in_pool(read_file, paths, workers):
        batch.extend(result)
    return batch
