"""RSS, Atom and JSON Feed documents to entries and articles, screened before feedparser sees them."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from tasks.extraction.html_text import html_to_text
from tasks.models import Article, Batch, Skip
from tasks.reading.decode import UnreadableInput
from tasks.reading.json_feed import is_json_feed, parse_json_feed

ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
FEED_EXTRACTOR = f"feedparser-{feedparser.__version__}"


class UnsafeFeed(UnreadableInput):
    """The feed declares entities or external references; it is refused unparsed."""


@dataclass(slots=True)
class FeedEntry:
    key: str
    title: str | None
    link: str | None
    authors: list[str]
    published_at: datetime | None
    categories: list[str]
    text: str
    language: str | None = None  # declared for the entry (a news sitemap's publication language)


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    version: str
    entries: list[FeedEntry] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # entries that could not be read, and why


def screen_feed(data: bytes) -> None:
    """Refuse entity declarations and external references (billion laughs, XXE) before parsing."""
    if data.lstrip()[:1] in (b"{", b"["):
        return  # JSON Feed: no entities to expand
    sample = data.decode("utf-16", errors="ignore").encode() if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
    if ENTITY_DECLARATION.search(sample):
        raise UnsafeFeed("feed declares XML entities; refused")
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeFeed(f"unsafe XML refused: {type(error).__name__}") from error
    except (ParseError, ValueError, LookupError):
        pass  # not well-formed (or an unknown encoding): feedparser's loose parser may still read it


def parse_feed(data: bytes, location: str, content_type: str | None = None) -> ParsedFeed:
    """Screen, then parse with feedparser from a byte stream (never a string it could open as a path); a JSON Feed
    with tasks.reading.json_feed."""
    if is_json_feed(data):
        return parse_json_feed(data)
    screen_feed(data)
    headers = {"content-location": location}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    if not parsed.version and not parsed.entries:
        reason = getattr(parsed.get("bozo_exception"), "args", [""])
        raise UnreadableInput(f"not a feed{': ' + str(reason[0])[:120] if reason and reason[0] else ''}")
    feed = parsed.feed
    result = ParsedFeed(title=clean(feed.get("title")), link=feed.get("link"), version=parsed.version or "")
    seen: set[str] = set()
    for number, raw in enumerate(parsed.entries, start=1):
        try:
            entry = read_entry(raw)
        except Exception as error:  # one malformed entry costs itself, not its feed
            result.unreadable.append(f"entry {number}: {type(error).__name__}: {error}")
            continue
        if entry.key in seen:
            continue  # the same item twice in one feed
        seen.add(entry.key)
        result.entries.append(entry)
    return result


def read_entry(raw: feedparser.FeedParserDict) -> FeedEntry:
    text = entry_text(raw)
    link = raw.get("link") or None
    title = clean(raw.get("title"))
    key = raw.get("id") or raw.get("guid") or link or entry_hash(title, text)
    authors = [a.get("name", "").strip() for a in raw.get("authors", []) if a.get("name")]
    if not authors and raw.get("author"):
        authors = [raw["author"].strip()]
    return FeedEntry(
        key=str(key).strip(),
        title=title,
        link=link,
        authors=[a for a in authors if a],
        published_at=struct_to_datetime(raw.get("published_parsed") or raw.get("updated_parsed")),
        categories=[t.get("term") for t in raw.get("tags", []) if t.get("term")][:20],
        text=text,
    )


def entry_hash(title: str | None, text: str) -> str:
    """The key of an entry with neither id nor link."""
    return "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]


def entry_text(raw: feedparser.FeedParserDict) -> str:
    """The longer of the entry's full content and its summary, as plain paragraphs."""
    candidates = [c.get("value") for c in raw.get("content", []) if hasattr(c, "get")] + [raw.get("summary")]
    best = max((c for c in candidates if isinstance(c, str)), key=len, default="")
    return html_to_text(best) if best else ""


def struct_to_datetime(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def clean(text: str | None) -> str | None:
    return " ".join(html_to_text(text).split()) or None if text else None


def entry_to_article(entry: FeedEntry, feed_title: str | None, source_uri: str) -> Article:
    """An article from the entry's own content and metadata."""
    return Article(
        source_uri=source_uri,
        body=entry.text,
        title=entry.title,
        url=entry.link,
        authors=entry.authors,
        published_at=entry.published_at,
        date_explicit=entry.published_at is not None,
        date_source="feed" if entry.published_at is not None else None,
        source=feed_title,
        categories=entry.categories,
        language=entry.language,
        input_format="feed",
        extractor=FEED_EXTRACTOR,
        identity_key=f"{source_uri}#{entry.key}",
    )


def parse_feed_articles(data: bytes, source_uri: str) -> Batch:
    """Each entry of a feed file becomes an article from its own content or summary."""
    feed = parse_feed(data, source_uri)
    batch = Batch()
    for entry in feed.entries:
        if entry.text.strip():
            batch.articles.append(entry_to_article(entry, feed.title, source_uri))
        else:
            batch.skips.append(Skip(f"{source_uri}#{entry.key}", "feed entry has no content or summary"))
    batch.skips.extend(
        Skip(f"{source_uri}#{reason.split(':', 1)[0]}", reason, failed=True) for reason in feed.unreadable
    )
    if not feed.entries and not feed.unreadable:
        batch.skips.append(Skip(source_uri, "feed has no entries"))
    return batch
