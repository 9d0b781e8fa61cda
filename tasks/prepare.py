"""Everything per article before the load — read, clean, identify, tag — run where the article is."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from tasks.clean import clean_articles
from tasks.identity import assign_identity
from tasks.models import Batch
from tasks.pool import map_in_pool, warm_pool
from tasks.read_files import read_file
from tasks.tag import cached_tagger, tag_articles, taxonomy_paths


def prepare_articles(batch: Batch, now: datetime, taxonomy: tuple[str, ...] | None = None) -> Batch:
    """Clean, identify and tag a batch; an article with no text left becomes a skip."""
    cleaned, _ = clean_articles(batch, now)
    assign_identity(cleaned.articles)
    tag_articles(cleaned.articles, cached_tagger(taxonomy or current_taxonomy()))
    return cleaned


def prepare_file(path: str, now: datetime, taxonomy: tuple[str, ...]) -> Batch:
    return prepare_articles(read_file(path), now, taxonomy)


def prepare_files(paths: list[str], now: datetime, workers: int = 1, taxonomy: tuple[str, ...] | None = None) -> Batch:
    """Read and prepare files over `workers` processes; the taxonomy is passed, not inherited."""
    job = partial(prepare_file, now=now, taxonomy=taxonomy or current_taxonomy())
    batch = Batch()
    for result in map_in_pool(job, paths, workers):
        batch.extend(result)
    return batch


def warm_up(taxonomy: tuple[str, ...]) -> None:
    """Build the tagger in a worker before its first batch."""
    cached_tagger(taxonomy)


def start_workers(workers: int) -> None:
    """Fork the reader processes and build their taggers ahead of the first batch."""
    warm_pool(workers, partial(warm_up, current_taxonomy()))


def current_taxonomy() -> tuple[str, ...]:
    return tuple(str(Path(p)) for p in taxonomy_paths())
