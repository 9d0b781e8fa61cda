"""Everything per article before the load — read, clean, identify, tag — run where the article is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from tasks.cleaning.clean import NO_TEXT, clean_article, has_article_text
from tasks.cleaning.dates import as_utc
from tasks.cleaning.language import detect_language, normalise_language
from tasks.dedup.cluster import fingerprint
from tasks.dedup.identity import assign_identity
from tasks.extraction.blocked import BlockedPage
from tasks.extraction.extract_page import extract_page
from tasks.fetching.fetch_pages import PageResult
from tasks.models import Article, Batch, PageOutcome, Skip
from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import entry_to_article
from tasks.reading.read_files import FilePart, read_file
from tasks.reading.warc import ArchivePage
from tasks.running.pool import map_in_pool, warm_pool
from tasks.tagging.embed import prototypes_for
from tasks.tagging.places import place_articles
from tasks.tagging.tag import cached_tagger, tag_articles, taxonomy_paths

T = TypeVar("T")
PAGE_VS_FEED = 0.5  # a page giving less than half the feed's text (a paywall, a teaser) loses to the feed


def prepare_articles(batch: Batch, now: datetime, taxonomy: tuple[str, ...] | None = None) -> Batch:
    """Clean, identify, tag and fingerprint each article of a batch. An article with no text left is a skip; one
    that any stage fails on is a failed skip naming the stage and the error, and the rest of the batch goes on."""
    tagger = cached_tagger(taxonomy or current_taxonomy())
    prepared = Batch(skips=list(batch.skips), read=batch.read)
    for article in batch.articles:
        stage = "cleaning"
        try:
            clean_article(article, now)
            if not has_article_text(article):
                prepared.skips.append(Skip(article.location or article.source_uri, NO_TEXT))
                continue
            stage = "identity"
            assign_identity([article])
            stage = "tagging"
            tag_articles([article], tagger)
            place_articles([article])
            stage = "fingerprint"
            fingerprint(article)
        except Exception as error:  # one bad record costs itself, never its batch
            reason = f"{stage} failed: {type(error).__name__}: {error}"
            prepared.skips.append(Skip(article.location or article.source_uri, reason, failed=True))
            continue
        prepared.articles.append(article)
    return prepared


def prepare_file(path: str | FilePart, now: datetime, taxonomy: tuple[str, ...]) -> Batch:
    return prepare_articles(read_file(path), now, taxonomy)


def prepare_files(
    paths: list[str | FilePart], now: datetime, workers: int = 1, taxonomy: tuple[str, ...] | None = None
) -> Batch:
    """Read and prepare files over `workers` processes; the taxonomy is passed, not inherited."""
    return gather(partial(prepare_file, now=now, taxonomy=taxonomy or current_taxonomy()), paths, workers)


def gather(job: Callable[[T], Batch], items: list[T], workers: int) -> Batch:
    """One batch of what `job` made of each item, in order, over `workers` processes."""
    batch = Batch()
    for result in map_in_pool(job, items, workers):
        batch.extend(result)
    return batch


def warm_up(taxonomy: tuple[str, ...]) -> None:
    """Build the tagger and its topic prototypes in a worker before its first batch."""
    prototypes_for(cached_tagger(taxonomy))


def start_workers(workers: int) -> None:
    """Fork the reader processes and build their taggers ahead of the first batch."""
    warm_pool(workers, partial(warm_up, current_taxonomy()))


def current_taxonomy() -> tuple[str, ...]:
    return tuple(str(Path(p)) for p in taxonomy_paths())


def article_from_page(result: PageResult) -> Article:
    """The page's article with the entry's metadata filling its gaps; the entry's own content when the page
    could not be fetched or read, or gave much less text than the feed did."""
    job = result.job
    entry = job.entry
    feed_article = entry_to_article(entry, job.feed_title, job.feed_url)
    article = feed_article
    page_status, page_error = result.page_status, result.error
    if result.html:
        try:
            page = extract_page(result.html, source_uri=result.url or entry.link, url=result.url or entry.link)
        except BlockedPage as blocked:  # the entry keeps the feed's text; counted `blocked` on its feed
            page, page_status, page_error = None, "blocked", str(blocked)
        except UnreadableInput:
            page = None
        if page is not None and len(page.body) >= PAGE_VS_FEED * len(feed_article.body):
            article = page
            article.title = article.title or entry.title
            article.authors = article.authors or entry.authors
            fetched = result.fetched_at
            if article.published_at is not None and fetched is not None and as_utc(article.published_at) > fetched:
                article.published_at, article.date_source = None, None  # a page date after its fetch is wrong
            if article.published_at is None and entry.published_at is not None:
                article.published_at, article.date_explicit, article.date_source = entry.published_at, True, "feed"
            article.categories = article.categories or entry.categories
    article.source = job.source
    article.url = article.url or entry.link
    article.feed_key, article.entry_key = job.feed_key, job.entry_key
    article.identity_key = f"{job.feed_key}#{job.entry_key}"
    article.fetched_at = result.fetched_at or job.feed_fetched_at
    article.raw_feed_id = job.feed_raw_id
    article.raw_page_id = result.raw.raw_id if result.raw else None
    article.article_id = job.article_id
    if page_status is not None:
        article.page = PageOutcome(page_status, entry.link, job.attempt, page_error)
    return article


def prepare_page(result: PageResult, now: datetime, taxonomy: tuple[str, ...]) -> Batch:
    try:
        article = article_from_page(result)
    except Exception as error:  # a bad page costs one entry, not the run
        return Batch(skips=[Skip(result.job.entry.link or result.job.feed_url, f"{type(error).__name__}: {error}",
                                 failed=True)])  # fmt: skip
    if not article.body.strip():
        return Batch(skips=[Skip(result.job.entry.link or result.job.feed_url, "entry has no content")])
    return prepare_articles(Batch(articles=[article], read=1), now, taxonomy)


def prepare_pages(results: list[PageResult], now: datetime, workers: int = 1,
                  taxonomy: tuple[str, ...] | None = None) -> Batch:  # fmt: skip
    """Extract, clean, identify and tag fetched pages over `workers` processes."""
    return gather(partial(prepare_page, now=now, taxonomy=taxonomy or current_taxonomy()), results, workers)


def article_from_archive(page: ArchivePage) -> Article:
    """An archived page's article: extracted as a fetched page is, the record's target URI its source and its
    capture date its fetch time."""
    article = extract_page(page.html, source_uri=page.uri, url=page.uri)
    article.input_format = "warc"
    article.fetched_at = page.fetched_at
    article.identity_key = page.uri
    return article


def prepare_archive_page(page: ArchivePage, now: datetime, taxonomy: tuple[str, ...],
                         languages: tuple[str, ...] = ()) -> Batch:  # fmt: skip
    """Extract and prepare one archived page; a page that declared no language is kept only when its text is in
    one of `languages` (when given)."""
    try:
        article = article_from_archive(page)
    except BlockedPage as blocked:
        return Batch(skips=[Skip(page.uri, f"blocked page: {blocked}")])
    except UnreadableInput as error:
        return Batch(skips=[Skip(page.uri, str(error))])
    except Exception as error:  # a bad page costs itself, not its batch
        return Batch(skips=[Skip(page.uri, f"extraction failed: {type(error).__name__}: {error}", failed=True)])
    if languages and page.language is None:
        article.language = normalise_language(article.language) or detect_language(article.body)
        if article.language not in languages:
            return Batch(filtered=1)
    return prepare_articles(Batch(articles=[article], read=1), now, taxonomy)


def prepare_archive_pages(
    pages: list[ArchivePage], now: datetime, workers: int = 1, taxonomy: tuple[str, ...] | None = None,
    languages: tuple[str, ...] = (),
) -> Batch:  # fmt: skip
    """Extract, clean, identify and tag archived pages over `workers` processes."""
    job = partial(prepare_archive_page, now=now, taxonomy=taxonomy or current_taxonomy(), languages=languages)
    return gather(job, pages, workers)
