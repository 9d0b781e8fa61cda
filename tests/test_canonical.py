"""A declared canonical URL names the article only when it is plausibly this article."""

import pytest

from tasks.canonical import choose_url, is_section_path, registrable_domain
from tasks.extract_page import extract_page

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
