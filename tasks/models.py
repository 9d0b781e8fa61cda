"""The records that flow between stages: articles, skips and the batch that carries both."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass(slots=True)
class TopicScore:
    """One topic given to an article, with the terms that made it fire."""

    topic: str
    label: str
    score: float
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PageOutcome:
    """What became of the page behind a feed entry: fetched, feed_only, pending (a transient failure, retried on
    later runs), failed, disallowed (robots.txt), blocked (a challenge, consent wall, JavaScript shell or
    paywall teaser came instead of the article) or gave_up (pending after the last allowed attempt)."""

    status: str
    url: str | None  # the entry's link
    attempt: int = 1
    error: str | None = None

    @property
    def is_retry(self) -> bool:
        """A later attempt at a pending page: its article is stored already, and this rewrites it."""
        return self.attempt > 1


@dataclass(slots=True)
class Article:
    """One article as read, then filled in by cleaning, identity and tagging."""

    source_uri: str
    body: str
    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    date_explicit: bool = False  # the input states the date in a field of its own
    date_source: str | None = None  # where published_at came from: json_ld, meta, time, htmldate, feed, record, header
    language: str | None = None
    source: str | None = None
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    input_format: str = ""
    extractor: str = ""
    identity_key: str | None = None  # what names the article when it has no URL: its file, or feed GUID
    feed_key: str | None = None  # the feed (as the sources file names it) and entry this article came from
    entry_key: str | None = None
    fetched_at: datetime | None = None  # web articles: when fetched, and the raw store's copies of feed and page
    raw_feed_id: str | None = None
    raw_page_id: str | None = None
    url_declared: bool = False  # `url` is the page's declared canonical URL, not the one it was read from
    page: PageOutcome | None = None  # web articles: the fetch of the page behind the entry
    location: str | None = None  # the record inside its file (`file.jsonl#line3`), named when it is skipped
    # filled by later stages
    canonical_url: str | None = None
    content_hash: str | None = None
    article_id: str | None = None
    topics: list[TopicScore] = field(default_factory=list)
    tagger_version: str | None = None
    cluster_id: str | None = None
    places: list[tuple[str, int]] = field(default_factory=list)  # (ISO 3166-1 alpha-2, mentions)
    places_version: str | None = None
    shingles: np.ndarray | None = None  # near-duplicate fingerprint: shingle hashes and LSH band keys
    bands: np.ndarray | None = None


@dataclass(slots=True)
class Skip:
    """An input that gave no article, and why; counted and named in the run summary."""

    source_uri: str
    reason: str
    failed: bool = False  # True for an unexpected error rather than unusable input


@dataclass(slots=True)
class Batch:
    """Articles and skips; `read` counts the articles the readers produced, before any were dropped."""

    articles: list[Article] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    read: int = 0
    filtered: int = 0  # dropped by a filter the run asked for (an archive's --language), not a skip

    def extend(self, other: Batch) -> None:
        self.articles.extend(other.articles)
        self.skips.extend(other.skips)
        self.read += other.read
        self.filtered += other.filtered
