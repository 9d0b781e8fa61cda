"""Which URL names a fetched page: its declared canonical URL (`<link rel=canonical>`, `og:url`, JSON-LD) only
when that is plausibly this article, else the URL it was fetched from.

A declared URL is refused when it points to another site (a different registrable domain: `www.paper.example`
and `amp.paper.example` are one site, `paper.example` and `other.example` are not), or to a home or section page
(`/`, `/news/`, `/world/europe`) rather than an article. A site that canonicalises every page to its home page
would otherwise collapse into one article. One syndication pattern is trusted across domains: a page served
from Google's AMP cache (`*.cdn.ampproject.org`) names its publisher's article. Any other syndicated copy keeps
the URL it was fetched from, and near-duplicate clustering joins it to the original's story.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# second-level labels under which registrations happen one level down (paper.co.uk, paper.com.au)
SHARED_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gob", "nic", "mil"}
SYNDICATION_HOSTS = (".cdn.ampproject.org",)  # caches that serve a publisher's page under their own host
SECTION_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)?$")  # "news", "world", "us-news": a section, not a story


def registrable_domain(host: str) -> str:
    """The site a host belongs to: the last two labels, or three under a shared second level (co.uk)."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SHARED_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_section_path(path: str) -> bool:
    """A home page or a section (at most two short words, no digits): `/`, `/news/`, `/sport/football`."""
    segments = [s for s in path.lower().split("/") if s]
    if not segments:
        return True
    if len(segments) > 2 or any(any(c.isdigit() for c in s) or "." in s for s in segments):
        return False
    return all(SECTION_WORD.match(s) and len(s) <= 24 for s in segments)


def choose_url(declared: str | None, fetched: str | None) -> str | None:
    """The declared canonical URL when it is plausibly this article; else the fetched URL (None for neither)."""
    if not declared:
        return fetched
    try:
        target, source = urlsplit(declared), urlsplit(fetched) if fetched else None
        target_host = target.hostname
    except ValueError:
        return fetched
    if target.scheme not in ("http", "https") or not target_host:
        return fetched
    if source is not None and source.hostname:
        syndicated = source.hostname.endswith(SYNDICATION_HOSTS)
        if registrable_domain(target_host) != registrable_domain(source.hostname) and not syndicated:
            return fetched
        if (target_host, target.path.rstrip("/")) == (source.hostname, source.path.rstrip("/")):
            return declared  # the page names itself
    if is_section_path(target.path) and not target.query:
        return fetched  # a home or section page names no article (None for a file: identity falls to the file)
    return declared
