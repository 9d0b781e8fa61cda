"""Feed discovery: the feeds a site's home page declares (`<link rel="alternate">`) and the sitemaps its
robots.txt lists, fetched through the polite client."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from tasks.fetching.polite import PoliteClient, origin_of

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",  # not plain application/json: WordPress declares its REST API so
    "application/rdf+xml": "RSS 1.0",
    "application/xml": "XML",
    "text/xml": "XML",
}


@dataclass(slots=True)
class Found:
    title: str
    url: str
    kind: str  # RSS, Atom, JSON Feed, RSS 1.0, XML, or sitemap


@dataclass(slots=True)
class Discovery:
    found: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def declared_feeds(page: bytes, base: str) -> list[Found]:
    """The page's `<link rel="alternate" type="…feed type…" href>`, resolved against the page (or its <base>)."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    base = urljoin(base, (tree.xpath("//base/@href") or [""])[0])
    found, seen = [], set()
    for link in tree.xpath("//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        if "alternate" not in rels or kind is None:
            continue
        url = urljoin(base, link.get("href").strip())
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            found.append(Found(" ".join((link.get("title") or "").split()), url, kind))
    return found


def discover_sources(client: PoliteClient, url: str) -> Discovery:
    """What a site declares: its home page's feeds, then its robots.txt sitemaps."""
    result = Discovery()
    try:
        response = client.get(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
    except Exception as error:  # the seam's FetchError, RobotsBlocked: a problem to report, not a crash
        result.problems.append(f"{url}: {error}")
    else:
        if response.status == 200:
            result.found.extend(declared_feeds(response.body, response.url or url))
        else:
            result.problems.append(f"{url}: HTTP {response.status}")
    sitemaps = client.sitemaps_for(origin_of(url))
    result.found.extend(Found("", s, "sitemap") for s in sitemaps if s not in {f.url for f in result.found})
    return result
