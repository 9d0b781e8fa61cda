"""Sitemaps and Google News sitemaps to entries, screened as feeds are (a sitemap is a classic XML-bomb vector).

A `<urlset>` gives an entry per `<url>`: its `<loc>`, and from `<news:news>` the title, the publication's name and
language, and `publication_date`. A `<sitemapindex>` gives the locations of the sitemaps it lists.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from tasks.cleaning.dates import parse_datetime
from tasks.cleaning.language import normalise_language
from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import FeedEntry, UnsafeFeed, screen_feed

MAX_CHILDREN = 50  # sitemaps an index may make us fetch in one run
MAX_URLS = 50_000  # the protocol's own limit per sitemap


@dataclass(slots=True)
class Sitemap:
    entries: list[FeedEntry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # an index's sitemaps
    publication: str | None = None  # news:name of the first news entry
    unreadable: list[str] = field(default_factory=list)


def is_sitemap(data: bytes) -> bool:
    head = data.lstrip()[:2048]
    return b"<urlset" in head or b"<sitemapindex" in head


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """A gzipped sitemap (`.xml.gz` served as a file, not as Content-Encoding), refused past `cap` bytes
    decompressed: the HTTP seam's body cap holds for what is inside the gzip too."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = stream.read(cap + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise UnreadableInput(f"gzipped sitemap cannot be read: {error}") from None
    if len(inner) > cap:
        raise UnreadableInput(f"gzipped sitemap larger than {cap} bytes once decompressed; refused")
    return inner


def parse_sitemap(data: bytes, cap: int) -> Sitemap:
    """Screen and parse a sitemap or sitemap index (gzipped or not); UnreadableInput when it is neither."""
    data = gunzip_capped(data, cap)
    screen_feed(data)
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeFeed(f"unsafe XML refused: {type(error).__name__}") from error
    except (ParseError, ValueError, LookupError) as error:  # LookupError: an encoding Python does not know
        raise UnreadableInput(f"not a sitemap: {error}") from None
    kind = local(root.tag)
    if kind == "sitemapindex":  # newest first where <lastmod> says (the cap on children keeps the news)
        listed = [(text_of(c, "loc"), parse_datetime(text_of(c, "lastmod"))) for c in root if local(c.tag) == "sitemap"]
        listed = [(loc, when) for loc, when in listed if loc and loc.startswith(("http://", "https://"))]
        listed.sort(key=lambda pair: -pair[1].timestamp() if pair[1] else float("inf"))
        return Sitemap(children=[loc for loc, _ in listed])
    if kind != "urlset":
        raise UnreadableInput(f"not a sitemap: the root element is <{kind}>")
    sitemap, seen = Sitemap(), set()
    for number, node in enumerate((n for n in root if local(n.tag) == "url"), start=1):
        if number > MAX_URLS:
            sitemap.unreadable.append(f"entries after {MAX_URLS}: left out (the protocol's limit)")
            break
        try:
            entry, publication = read_url(node)
        except ValueError as error:
            sitemap.unreadable.append(f"entry {number}: {error}")
            continue
        if entry.key not in seen:
            seen.add(entry.key)
            sitemap.entries.append(entry)
            sitemap.publication = sitemap.publication or publication
    return sitemap


def read_url(node: Element) -> tuple[FeedEntry, str | None]:
    """One `<url>`: the entry, and its publication's name. The news title stands in as the entry's text until
    the page is fetched (the headline is what a run keeps if the page never comes)."""
    loc = text_of(node, "loc")
    if not loc or not loc.startswith(("http://", "https://")):
        raise ValueError(f"no http(s) <loc>: {loc!r}")
    news = next((child for child in node if local(child.tag) == "news"), None)
    title = published = publication = language = None
    if news is not None:
        title = text_of(news, "title")
        published = parse_datetime(text_of(news, "publication_date"))
        outlet = next((child for child in news if local(child.tag) == "publication"), None)
        if outlet is not None:
            publication = text_of(outlet, "name")
            language = normalise_language(text_of(outlet, "language"))
    entry = FeedEntry(key=loc, title=title, link=loc, authors=[], published_at=published, categories=[],
                      text=title or "", language=language)  # fmt: skip
    return entry, publication


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(node: Element, name: str) -> str | None:
    for child in node:
        if local(child.tag) == name:
            return " ".join((child.text or "").split()) or None
    return None
