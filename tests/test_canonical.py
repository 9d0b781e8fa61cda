"""A declared canonical URL names the article only when it is plausibly this article."""

from datetime import UTC, datetime

import pytest

from tasks.extraction.canonical import choose_url, is_section_path, registrable_domain
from tasks.extraction.extract_page import extract_page
from tasks.loading.load import load_articles
from tasks.models import Batch
from warehouse.connect import open_warehouse

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)

FETCHED = "https://www.paper.example/2026/11/30/harbour-plan-divides-residents"


@pytest.mark.parametrize(
    ("declared", "fetched", "chosen"),
    [
        # same site, an article path: the declared URL wins (tracking-free, the publisher's own)
        ("https://www.paper.example/2026/11/30/harbour-plan", FETCHED, "https://www.paper.example/2026/11/30/harbour-plan"),
        ("https://paper.example/news/harbour-plan-divides-residents-a1234", FETCHED,
         "https://paper.example/news/harbour-plan-divides-residents-a1234"),
        ("https://amp.paper.example/2026/11/30/harbour-plan", FETCHED, "https://amp.paper.example/2026/11/30/harbour-plan"),
        # another site: the fetched URL
        ("https://aggregator.example/2026/11/30/harbour-plan", FETCHED, FETCHED),
        ("https://paper.example.evil.example/2026/x-y-z", FETCHED, FETCHED),
        # a home or section page: the fetched URL
        ("https://www.paper.example/", FETCHED, FETCHED),
        ("https://www.paper.example", FETCHED, FETCHED),
        ("https://www.paper.example/news/", FETCHED, FETCHED),
        ("https://www.paper.example/sport/football", FETCHED, FETCHED),
        # a page that names itself is itself, whatever its path
        ("https://www.paper.example/news", "https://www.paper.example/news/", "https://www.paper.example/news"),
        # the AMP cache names its publisher's page
        ("https://www.paper.example/2026/11/30/harbour-plan", "https://www-paper-example.cdn.ampproject.org/c/s/x",
         "https://www.paper.example/2026/11/30/harbour-plan"),
        # nothing declared, or nonsense declared
        (None, FETCHED, FETCHED),
        ("javascript:void(0)", FETCHED, FETCHED),
        ("https:///no-host", FETCHED, FETCHED),
        # a local file (nothing fetched): an article URL is kept, a home page is no identity at all
        ("https://paper.example/2026/11/30/harbour-plan", None, "https://paper.example/2026/11/30/harbour-plan"),
        ("https://paper.example/", None, None),
    ],
)  # fmt: skip
def test_choose_url(declared, fetched, chosen):
    assert choose_url(declared, fetched) == chosen


@pytest.mark.parametrize(
    ("host", "site"),
    [("www.paper.example", "paper.example"), ("paper.example", "paper.example"), ("news.bbc.co.uk", "bbc.co.uk"),
     ("www.smh.com.au", "smh.com.au"), ("a.b.c.example.org", "example.org")],
)  # fmt: skip
def test_registrable_domain(host, site):
    assert registrable_domain(host) == site


@pytest.mark.parametrize(
    ("path", "section"),
    [("/", True), ("", True), ("/news/", True), ("/world/europe", True), ("/us-news", True),
     ("/2026/11/30/story", False), ("/news/harbour-plan-divides-residents", False), ("/a/b/c", False),
     ("/story.html", False), ("/news/12345", False)],
)  # fmt: skip
def test_is_section_path(path, section):
    assert is_section_path(path) is section


PAGE = """<html><head><title>{title}</title><link rel="canonical" href="https://www.paper.example/"></head>
<body><article><h1>{title}</h1><p>{text} The council met on Tuesday evening to discuss the plan in detail,
and residents from every ward spoke for and against it for more than three hours.</p>
<p>The vote is expected next month, after a second consultation with the harbour's businesses.</p></article>
</body></html>"""


def test_a_site_that_canonicalises_every_page_to_its_home_page_keeps_its_articles_apart():
    pages = [("Harbour plan divides residents", "The harbour plan split the room."),
             ("Ferry timetable changes", "The ferry company announced a new timetable.")]  # fmt: skip
    urls = [f"https://www.paper.example/2026/11/30/story-{n}" for n in range(2)]
    articles = [extract_page(PAGE.format(title=t, text=x), source_uri=u, url=u) for (t, x), u in zip(pages, urls)]
    assert [a.url for a in articles] == urls  # not both "https://www.paper.example/"


SHARED = "https://www.paper.example/2026/11/30/latest-story"
STORY_PAGE = """<html><head><title>{title}</title><link rel="canonical" href="{canonical}"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""
STORIES = {
    "harbour": [
        "The harbour plan split the room when the council met on Tuesday evening to discuss it in detail.",
        "Residents from every ward spoke for and against the plan for more than three hours before the break.",
        "The vote is expected next month, after a second consultation with the harbour's fishing businesses.",
    ],
    "ferry": [
        "The ferry company announced a new winter timetable that cuts the early sailing to the islands.",
        "Commuters who rely on the first boat said the change would leave them unable to reach work on time.",
        "The company said fuel costs and a shortage of crew left it with no choice but to reduce the service.",
    ],
}


def story_article(story: str, fetched: str, canonical: str = SHARED, extra: str = ""):
    from tasks.running.prepare import prepare_articles

    paragraphs = "".join(f"<p>{line}</p>" for line in STORIES[story] + ([extra] if extra else []))
    html = STORY_PAGE.format(title=story.title(), canonical=canonical, paragraphs=paragraphs)
    article = extract_page(html, source_uri=fetched, url=fetched)
    return prepare_articles(Batch(articles=[article], read=1), NOW).articles[0]


def stored_urls(db: str) -> dict[str, str]:
    with open_warehouse(db) as con:
        return dict(con.execute("select url, title from articles").fetchall())


def test_a_canonical_url_shared_by_unrelated_stories_is_not_their_identity(db):
    """A template that gives every story one canonical URL: the second, unrelated story keeps its fetched URL
    (in the same batch and against the stored one); an edited version of the first still shares it."""
    harbour = story_article("harbour", "https://www.paper.example/2026/11/30/harbour-plan")
    ferry = story_article("ferry", "https://www.paper.example/2026/11/30/ferry-timetable")
    assert harbour.url == ferry.url == SHARED  # each page on its own looks plausible
    counts = load_articles(db, [harbour, ferry], "run-1", NOW)
    assert counts.new == 2
    assert stored_urls(db) == {SHARED: "Harbour", "https://www.paper.example/2026/11/30/ferry-timetable": "Ferry"}

    update = story_article("harbour", "https://www.paper.example/2026/12/01/harbour-plan-update",
                           extra="This article was updated with the date of the vote.")  # fmt: skip
    ferry_again = story_article("ferry", "https://www.paper.example/2026/12/01/ferry-winter")
    counts = load_articles(db, [update, ferry_again], "run-2", NOW)
    assert update.url == SHARED  # related: the same article, updated, keeps the shared URL
    assert ferry_again.url == "https://www.paper.example/2026/12/01/ferry-winter"  # unrelated to the holder
    assert counts.new == 0 and counts.duplicate == 2  # the ferry story again, by its content
    with open_warehouse(db) as con:
        sightings = sorted(r[0] for r in con.execute("select url from sightings").fetchall())
    assert sightings == sorted([SHARED, SHARED, "https://www.paper.example/2026/11/30/ferry-timetable",
                                "https://www.paper.example/2026/12/01/ferry-winter"])  # fmt: skip


def test_a_declared_canonical_url_that_no_other_body_holds_stays_the_identity(db):
    page = story_article("ferry", "https://www.paper.example/amp/ferry", canonical="https://www.paper.example/ferry-1")
    load_articles(db, [page], "run-1", NOW)
    assert stored_urls(db) == {"https://www.paper.example/ferry-1": "Ferry"}
