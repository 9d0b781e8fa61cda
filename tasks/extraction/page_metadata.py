"""A page's own metadata — JSON-LD, OpenGraph, meta tags, <link rel=canonical> — read from one lxml tree.

trafilatura's metadata pass costs about 11 ms a page here (most of a page's extraction budget), so
newsflow reads the few fields it stores directly, and asks htmldate only when the page names no date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml.html import HtmlElement

from tasks.cleaning.dates import parse_datetime
from tasks.cleaning.language import normalise_language
from tasks.reading.authors import URLISH, split_authors

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "scholarlyarticle", "techarticle", "liveblogposting",
    "report", "socialmediaposting", "posting", "askpublicnewsarticle",
}  # fmt: skip
DATE_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "article.published", "published_time", "publishdate", "publish-date", "pubdate", "date", "dc.date",
    "dc.date.issued", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "cxenseparse:recs:publishtime", "article_date_original", "originalpublicationdate", "datecreated",
    "og:updated_time", "article:modified_time", "datemodified", "lastmod",
)  # fmt: skip
TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "headline", "parsely-title", "sailthru.title")
AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "byline")
SITE_KEYS = ("og:site_name", "application-name", "publisher", "twitter:site", "dc.publisher")
DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")
SECTION_KEYS = ("article:section", "parsely-section", "section", "category")
TAG_KEYS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")
LANG_KEYS = ("content-language", "og:locale", "language", "dc.language", "inlanguage")
TITLE_SUFFIX = re.compile(r"\s+[|–—·:»-]\s+[^|–—·:»-]{2,60}$")


@dataclass(slots=True)
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    date_from_metadata: bool = False
    date_source: str | None = None  # json_ld, meta or time
    url: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    categories: list[str] = field(default_factory=list)


def read_page_metadata(tree: HtmlElement, base_url: str | None = None) -> PageMeta:
    """Read title, authors, date, canonical URL, language, site name and sections from a parsed page."""
    metas = collect_meta(tree)
    ld = find_json_ld_article(tree)
    meta = PageMeta()
    meta.title = clean_title(
        first(metas, ("og:title",)) or as_text(ld.get("headline")) or h1_text(tree)
        or first(metas, TITLE_KEYS) or title_text(tree),
        first(metas, ("og:site_name",)),
    )  # fmt: skip
    meta.authors = split_authors(json_ld_names(ld.get("author")) or meta_authors(metas) or rel_authors(tree))
    meta.published_at, meta.date_source = read_published(ld, metas, tree)
    meta.date_from_metadata = meta.published_at is not None
    meta.url = absolute(canonical_href(tree) or first(metas, ("og:url",)) or json_ld_url(ld), base_url)
    meta.language = normalise_language(
        tree.get("lang") or tree.get("xml:lang") or first(metas, LANG_KEYS) or as_text(ld.get("inLanguage"))
    )
    meta.site_name = read_site_name(metas, ld)
    meta.description = first(metas, DESCRIPTION_KEYS) or as_text(ld.get("description"))
    meta.categories = collect_categories(metas, ld)
    return meta


def collect_meta(tree: HtmlElement) -> dict[str, list[str]]:
    """Every <meta> name/property/itemprop (lower-cased) with its contents, in page order."""
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key is None:
            if element.get("http-equiv", "").lower() == "content-language" and content:
                found.setdefault("content-language", []).append(content)
            continue
        if content and content.strip():
            found.setdefault(key.strip().lower(), []).append(content.strip())
    for element in tree.xpath("//*[@itemprop='datePublished' or @itemprop='author'][not(self::meta)]"):
        key = element.get("itemprop").lower()
        value = element.get("datetime") or element.get("content") or element.text_content()
        if value and value.strip():
            found.setdefault(key, []).append(value.strip())
    return found


def first(metas: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if values := metas.get(key):
            return values[0]
    return None


def find_json_ld_article(tree: HtmlElement) -> dict:
    """The first schema.org Article-like object in the page's JSON-LD, or {}."""
    fallback: dict = {}
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for item in walk_json_ld(data):
            types = item.get("@type")
            names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
            if names & ARTICLE_TYPES:
                return item
            if not fallback and "webpage" in names and item.get("headline"):
                fallback = item
    return fallback


def walk_json_ld(data: object, depth: int = 0):
    """Yield every JSON-LD object, descending into lists, @graph and mainEntity."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from walk_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                yield from walk_json_ld(data[key], depth + 1)


def as_text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def json_ld_names(value: object) -> list[str]:
    """Names from a JSON-LD author/publisher: a string, an object with a name, or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def json_ld_url(ld: dict) -> str | None:
    page = ld.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    for value in (ld.get("url"), page):
        if isinstance(value, str) and value.startswith("http"):
            return value
    return None


def read_site_name(metas: dict[str, list[str]], ld: dict) -> str | None:
    publisher = json_ld_names(ld.get("publisher"))
    name = first(metas, SITE_KEYS[:1]) or (publisher[0] if publisher else None) or first(metas, SITE_KEYS[1:])
    return (name.lstrip("@").strip() or None) if name else None


def meta_authors(metas: dict[str, list[str]]) -> list[str]:
    for key in AUTHOR_KEYS:
        values = [v for v in metas.get(key, []) if not URLISH.search(v)]
        if values:
            return values
    return []


def rel_authors(tree: HtmlElement) -> list[str]:
    names = [a.text_content().strip() for a in tree.xpath("//a[@rel='author']")[:5]]
    return [n for n in names if n]


def h1_text(tree: HtmlElement) -> str | None:
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if 10 <= len(text) <= 300:
            return text
    return None


def title_text(tree: HtmlElement) -> str | None:
    element = tree.find(".//title")
    return " ".join(element.text_content().split()) if element is not None else None


def clean_title(title: str | None, site_name: str | None) -> str | None:
    """Collapse whitespace and drop a " | Site Name" tail."""
    if not title:
        return None
    title = " ".join(title.split())
    match = TITLE_SUFFIX.search(title)
    if match and len(title) - len(match[0]) >= 15:
        tail = match[0].strip(" |–—·:»-").lower()
        if (site_name and (tail in site_name.lower() or site_name.lower() in tail)) or "." in tail:
            title = title[: match.start()]
    return title or None


def read_published(ld: dict, metas: dict[str, list[str]], tree: HtmlElement) -> tuple[datetime | None, str | None]:
    """The publication date and where it came from, best source first: JSON-LD, meta tags, a <time> element."""
    for source, text in (("json_ld", as_text(ld.get("datePublished"))), ("meta", first(metas, DATE_KEYS)),
                         ("time", time_datetime(tree))):  # fmt: skip
        if text and (parsed := parse_datetime(text)) is not None:
            return parsed, source
    return None, None


def time_datetime(tree: HtmlElement) -> str | None:
    for element in tree.xpath("//time[@datetime][1]"):
        return element.get("datetime")
    return None


def canonical_href(tree: HtmlElement) -> str | None:
    for link in tree.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href").strip() or None
    return None


def absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    if url.startswith("//"):
        return "https:" + url
    if base and not url.startswith(("http://", "https://")):
        return urljoin(base, url)
    return url if url.startswith(("http://", "https://")) else None


def collect_categories(metas: dict[str, list[str]], ld: dict) -> list[str]:
    values: list[str] = []
    for key in SECTION_KEYS + TAG_KEYS:
        for value in metas.get(key, []):
            values.extend(value.split(",") if key in TAG_KEYS else [value])
    section = ld.get("articleSection")
    values.extend(section if isinstance(section, list) else [section] if isinstance(section, str) else [])
    seen: list[str] = []
    for value in values:
        value = value.strip() if isinstance(value, str) else ""
        if value and len(value) <= 60 and value not in seen:
            seen.append(value)
    return seen[:20]
