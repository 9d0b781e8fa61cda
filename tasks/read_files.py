"""Local inputs: find article files under paths, and read a batch of them on all cores."""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from tasks.decode import UnreadableInput, decode_text
from tasks.extract_page import extract_page
from tasks.models import Batch, Skip
from tasks.parse_feed import parse_feed_articles
from tasks.pool import map_in_pool
from tasks.read_json import parse_json_articles
from tasks.read_text import parse_text_article

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
}
MAX_FILE_BYTES = 64 * 1024 * 1024
LOG = logging.getLogger(__name__)


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


def read_file(path: str) -> Batch:
    """Read one file with the reader its suffix names; unusable input becomes a counted skip."""
    try:
        batch = read_by_format(path, load_bytes(Path(path)))
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
    if kind == "feed":
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


def read_files(paths: list[str], workers: int = 1) -> Batch:
    """Read files in order, spreading them over `workers` processes."""
    batch = Batch()
    for result in map_in_pool(read_file, paths, workers):
        batch.extend(result)
    return batch
