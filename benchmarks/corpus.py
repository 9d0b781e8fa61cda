"""A deterministic corpus of realistic news pages for benchmarks: same seed, same bytes."""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "by",
    "at",
    "from",
    "it",
    "his",
    "an",
    "were",
    "are",
    "which",
    "this",
    "be",
    "or",
    "has",
    "had",
    "not",
    "but",
    "they",
    "their",
    "its",
    "have",
    "one",
    "been",
    "who",
    "also",
    "after",
    "new",
    "more",
    "than",
    "first",
    "two",
    "over",
    "into",
    "year",
    "years",
    "when",
    "would",
    "about",
    "government",
    "minister",
    "council",
    "city",
    "police",
    "court",
    "company",
    "market",
    "shares",
    "bank",
    "prices",
    "growth",
    "report",
    "officials",
    "people",
    "country",
    "state",
    "national",
    "public",
    "local",
    "health",
    "hospital",
    "school",
    "students",
    "workers",
    "union",
    "strike",
    "election",
    "party",
    "vote",
    "president",
    "parliament",
    "law",
    "plan",
    "policy",
    "budget",
    "tax",
    "energy",
    "oil",
    "gas",
    "climate",
    "weather",
    "storm",
    "rain",
    "flood",
    "team",
    "match",
    "season",
    "league",
    "players",
    "coach",
    "goal",
    "win",
    "victory",
    "final",
    "cup",
    "club",
    "fans",
    "stadium",
    "research",
    "scientists",
    "study",
    "data",
    "technology",
    "software",
    "users",
    "phone",
    "internet",
    "online",
    "security",
    "military",
    "troops",
    "border",
    "talks",
    "peace",
    "agreement",
    "deal",
    "trade",
    "exports",
    "investors",
    "profit",
    "revenue",
    "quarter",
    "analysts",
    "forecast",
    "inflation",
    "rates",
    "economy",
    "film",
    "music",
    "festival",
    "museum",
    "artist",
    "book",
    "award",
    "director",
    "church",
    "community",
    "families",
    "children",
    "residents",
    "village",
    "region",
    "province",
    "capital",
    "spokesman",
    "statement",
    "week",
    "month",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
]
NAMES = [
    "Anna Berg",
    "Luis Ortega",
    "Mei Chen",
    "Omar Haddad",
    "Sara Novak",
    "Tom Reilly",
    "Ines Duarte",
    "Kofi Mensah",
]
SITES = ["Daily Ledger", "Harbour Post", "Valley Times", "Metro Herald", "Coast Courier", "Northern Star"]
SECTIONS = ["News", "World", "Business", "Sport", "Culture", "Science", "Health", "Opinion", "Weather", "Travel"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 30))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", ", officials said.", "."])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def page_chrome(rng: random.Random, site: str) -> dict[str, str]:
    """What surrounds an article on a real news site: styles, state scripts, icons, menus, cards, footer.

    Real pages in the public extraction benchmark weigh 114 KiB (median) to 182 KiB (mean); most of it is this.
    """
    css = "".join(
        f".c{n} {{ margin: {n % 7}px; padding: {n % 5}px {n % 3}px; color: #{n * 2654435761 % 0xFFFFFF:06x}; }}\n"
        for n in range(rng.randint(300, 1500))
    )
    state = json.dumps(
        {
            "props": {"related": [{"id": rng.randint(1, 10**6), "title": sentence(rng), "summary": paragraph(rng)}
                                  for _ in range(rng.randint(20, 70))]},
            "config": {"ads": [{"slot": f"ad-{n}", "sizes": [[300, 250], [728, 90]]} for n in range(30)]},
        }
    )  # fmt: skip
    icons = "".join(
        f'<symbol id="i{n}" viewBox="0 0 24 24"><path d="M{n} 2l{n % 9} 4-3 {n % 5}z"/></symbol>' for n in range(60)
    )
    menu = "".join(
        f'<li class="menu-item"><a href="/{s.lower()}">{s}</a><ul class="sub">'
        + "".join(f'<li><a href="/{s.lower()}/{n}">{rng.choice(WORDS).title()} {n}</a></li>' for n in range(12))
        + "</ul></li>"
        for s in SECTIONS
    )
    cards = "".join(
        f'<div class="card"><a href="/story-{rng.randint(1, 99999)}"><img src="/i/{n}.jpg" alt="">'
        f"<h3>{html.escape(sentence(rng)[:80])}</h3></a><p>{html.escape(sentence(rng))}</p>"
        f'<span class="time">{rng.randint(1, 59)} min ago</span></div>'
        for n in range(rng.randint(8, 24))
    )
    footer = "".join(f'<a href="/page-{n}">{rng.choice(WORDS).title()} {n}</a> ' for n in range(80))
    return {"css": css, "state": state, "icons": icons, "menu": menu, "cards": cards, "footer": footer}


def make_page(index: int, rng: random.Random) -> str:
    """One news page: head metadata, navigation, article, sidebars, comments, footer, scripts."""
    site = rng.choice(SITES)
    host = site.lower().replace(" ", "") + ".example"
    title = sentence(rng).rstrip(".")[:90]
    author = rng.choice(NAMES)
    published = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 600))
    url = f"https://{host}/{published:%Y/%m/%d}/story-{index}"
    paragraphs = [paragraph(rng) for _ in range(rng.randint(8, 18))]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published.isoformat(),
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": site},
    }
    chrome = page_chrome(rng, site)
    related = "".join(f'<li><a href="/story-{rng.randint(1, 9999)}">{sentence(rng)[:70]}</a></li>' for _ in range(8))
    comments = "".join(
        f'<div class="comment"><span class="user">{rng.choice(NAMES)}</span><p>{sentence(rng)}</p></div>'
        for _ in range(rng.randint(0, 6))
    )
    body = []
    for number, text in enumerate(paragraphs):
        body.append(f"<p>{html.escape(text)}</p>")
        if number == 2:
            body.append('<figure><img src="/img/1.jpg" alt=""><figcaption>Photo: agency</figcaption></figure>')
        if number == 5:
            body.append('<div class="ad">Advertisement</div>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{published.isoformat()}">
<meta name="author" content="{author}">
<script type="application/ld+json">{json.dumps(ld)}</script>
<style>{chrome["css"]}</style>
<script>window.__STATE__ = {chrome["state"]};</script>
</head>
<body>
<svg style="display:none">{chrome["icons"]}</svg>
<div class="cookie-banner">We use cookies to improve your experience.
<button>Accept</button> <button>Settings</button></div>
<header class="site-header"><div class="logo">{site}</div><nav class="nav"><ul>{chrome["menu"]}</ul></nav>
<form class="search"><input name="q"><button>Search</button></form></header>
<main>
<article class="story">
<h1>{html.escape(title)}</h1>
<div class="byline">By {author} | {published:%d %B %Y %H:%M}</div>
<div class="share">Share on Facebook Share on Twitter Email</div>
{"".join(body)}
<div class="tags"><a href="/tag/a">{rng.choice(SECTIONS)}</a> <a href="/tag/b">{rng.choice(SECTIONS)}</a></div>
</article>
<aside class="related"><h2>Most read</h2><ol>{related}</ol></aside>
<section class="more"><h2>More stories</h2>{chrome["cards"]}</section>
<div class="newsletter"><h3>Sign up for our newsletter</h3>
<form><input name="email"><button>Subscribe</button></form></div>
<section class="comments"><h3>Comments</h3>{comments}</section>
</main>
<footer><div class="links">{chrome["footer"]}</div><p>&copy; 2025 {site}. All rights reserved.</p></footer>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"event": "page"}});</script>
</body>
</html>
"""


def write_corpus(folder: Path, pages: int, seed: int = 2026) -> list[Path]:
    """Write `pages` HTML files into `folder` (deterministic for a given seed)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(pages):
        path = folder / f"page-{index:05d}.html"
        path.write_text(make_page(index, rng), encoding="utf-8")
        paths.append(path)
    return paths
