"""Identity of an article: canonical URL, content hash of the normalised body, a stable article id."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tasks.cleaning.words import text_words
from tasks.models import Article

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
                   "igshid", "_ga", "_gl", "ocid", "cmpid", "ito", "__twitter_impression", "s_cid"}  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, fragment or tracking parameters (utm_*, fbclid, …)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def content_hash(body: str) -> str:
    """SHA-256 of the body's words (runs of letters and digits), case-folded: spacing, punctuation and case
    do not change it (tasks.cleaning.words)."""
    words = text_words(unicodedata.normalize("NFKC", body).casefold())
    return hashlib.sha256(b" ".join(words)).hexdigest()


def article_id_for(canonical: str | None, body_hash: str, identity_key: str | None = None) -> str:
    """16 hex digits from the canonical URL, else the reader's identity key (file, GUID), else the content hash."""
    if canonical:
        key = f"url:{canonical}"
    elif identity_key:
        key = f"key:{identity_key}"
    else:
        key = f"hash:{body_hash}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def assign_identity(articles: list[Article]) -> None:
    """Canonical URL, content hash and id; an article read back from the warehouse keeps its id."""
    for article in articles:
        article.canonical_url = canonical_url(article.url)
        article.content_hash = content_hash(article.body)
        article.article_id = article.article_id or article_id_for(
            article.canonical_url, article.content_hash, article.identity_key
        )
