"""A declared canonical URL names one article. When it is already held by an unrelated body (a site whose
template gives every story the same canonical URL), the article takes the URL it was fetched from instead, so
that two different stories are never merged into one.

Related means the same content hash, or one story by the near-duplicate measure (`tasks.dedup.cluster`): a corrected
or updated version of the same article keeps sharing its URL.
"""

from __future__ import annotations

from collections.abc import Callable

from tasks.dedup.cluster import near_duplicate_threshold, story_similarity
from tasks.dedup.identity import article_id_for, canonical_url
from tasks.dedup.minhash import shingle_hashes
from tasks.models import Article

# the stored holders of these URLs: canonical URL → (article_id, content_hash, body)
HolderLookup = Callable[[list[str]], dict[str, tuple[str, str, str]]]


def is_related(article: Article, digest: str, body: str, threshold: float) -> bool:
    if article.content_hash == digest:
        return True
    mine = article.shingles if article.shingles is not None else shingle_hashes(article.body)
    return story_similarity(mine, shingle_hashes(body), threshold) is not None


def fall_back_to_fetched_url(article: Article) -> None:
    """Identity from where the page was read (its source URI when that is a web address, else its file)."""
    derived = article.article_id == article_id_for(article.canonical_url, article.content_hash, article.identity_key)
    fetched = article.source_uri if article.source_uri.startswith(("http://", "https://")) else None
    article.url, article.url_declared = fetched, False
    article.canonical_url = canonical_url(fetched)
    if derived:  # an id given by a backfill or a retry stays
        article.article_id = article_id_for(article.canonical_url, article.content_hash, article.identity_key)


def separate_shared_canonicals(articles: list[Article], stored_holders: HolderLookup) -> int:
    """Give an article whose declared canonical URL is held by an unrelated body (stored, or earlier in this
    batch) the URL it was fetched from; returns how many moved."""
    declared = [a for a in articles if a.url_declared and a.canonical_url]
    if not declared:
        return 0
    threshold = near_duplicate_threshold()
    holders = dict(stored_holders(sorted({a.canonical_url for a in declared})))
    for article in articles:  # earlier articles of the batch hold their URLs for later ones
        if article.canonical_url and article.canonical_url not in holders:
            holders[article.canonical_url] = (article.article_id, article.content_hash, article.body)
    moved = 0
    for article in declared:
        holder, digest, body = holders[article.canonical_url]
        if body is article.body or (holder == article.article_id and article.page and article.page.is_retry):
            continue  # the batch's first holder of the URL, or a pending page upgrading its own article
        if is_related(article, digest, body, threshold):
            continue
        fall_back_to_fetched_url(article)
        moved += 1
    return moved
