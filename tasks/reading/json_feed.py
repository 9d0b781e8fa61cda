"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1) to feed entries: feedparser 6.0 has no JSON parser."""

from __future__ import annotations

import json

from tasks.cleaning.dates import parse_datetime
from tasks.cleaning.language import normalise_language
from tasks.extraction.html_text import html_to_text
from tasks.reading.decode import UnreadableInput, decode_text

VERSION_PREFIX = "https://jsonfeed.org/version/"


def is_json_feed(data: bytes) -> bool:
    """A JSON object that names a JSON Feed version near its start."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" and b"jsonfeed.org/version" in head


def parse_json_feed(data: bytes):
    """The feed's entries (tasks.reading.parse_feed.ParsedFeed); an item that cannot be read is counted in
    `unreadable`, never its feed's failure."""
    from tasks.reading.parse_feed import FeedEntry, ParsedFeed, clean, entry_hash

    try:
        document = json.loads(decode_text(data))
    except ValueError as error:
        raise UnreadableInput(f"not a feed: invalid JSON ({str(error)[:80]})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(VERSION_PREFIX):
        raise UnreadableInput("not a feed: JSON without a JSON Feed version")
    items = document.get("items")
    if not isinstance(items, list):
        raise UnreadableInput("not a feed: a JSON Feed without an items list")
    feed_authors = names(document)
    result = ParsedFeed(title=clean(text_of(document.get("title"))), link=text_of(document.get("home_page_url")),
                        version=f"json{document['version'].removeprefix(VERSION_PREFIX)}")  # fmt: skip
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise ValueError("an item is not an object")
            link = text_of(item.get("url")) or text_of(item.get("external_url"))
            title = clean(text_of(item.get("title")))
            html = text_of(item.get("content_html"))
            candidates = [html_to_text(html) if html else "", text_of(item.get("content_text")) or "",
                          html_to_text(text_of(item.get("summary")) or "")]  # fmt: skip
            body = max(candidates, key=len)
            key = text_of(item.get("id")) or link or entry_hash(title, body)
            raw_tags = item.get("tags")
            tags = (
                [t.strip() for t in raw_tags if isinstance(t, str) and t.strip()] if isinstance(raw_tags, list) else []
            )
        except (ValueError, TypeError, AttributeError) as error:
            result.unreadable.append(f"entry {number}: {type(error).__name__}: {error}")
            continue
        if key in seen:
            continue
        seen.add(key)
        published = parse_datetime(text_of(item.get("date_published")) or text_of(item.get("date_modified")))
        language = normalise_language(text_of(item.get("language")) or text_of(document.get("language")))
        result.entries.append(FeedEntry(key=key, title=title, link=link, authors=names(item) or feed_authors,
                                        published_at=published, categories=tags[:20], text=body,
                                        language=language))  # fmt: skip
    return result


def text_of(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def names(node: dict) -> list[str]:
    """`authors` (1.1) or `author` (1.0) names."""
    people = node.get("authors") if isinstance(node.get("authors"), list) else [node.get("author")]
    found = [text_of(p.get("name")) for p in people if isinstance(p, dict)]
    return [n for n in found if n]
