"""Pages that are not the article (bot challenge, consent wall, JavaScript shell, paywall teaser) never become
articles: a file is a counted skip, a fetched page leaves its entry with the feed's text, counted `blocked`."""

import pytest

from tasks.extraction.blocked import BlockedPage
from tasks.extraction.extract_page import extract_page
from tasks.reading.read_files import read_file

CHALLENGE = """<!DOCTYPE html><html><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"></head><body><div class="main-wrapper"><div class="main-content">
<h1>www.paper.example</h1><h2>Checking if the site connection is secure</h2>
<p>www.paper.example needs to review the security of your connection before proceeding.</p>
<div id="challenge-stage"></div><noscript><p>Enable JavaScript and cookies to continue</p></noscript>
</div></div><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b"></script></body></html>"""

CONSENT = """<html><head><title>Before you continue</title>
<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="onetrust-1"></script>
</head><body><div id="onetrust-consent-sdk"><h2>We value your privacy</h2>
<p>We and our 842 partners store and access information on your device, such as cookies, to show you
personalised ads and content, to measure them and to develop our services.</p>
<p>You can accept all, reject all, or manage your privacy settings at any time.</p>
<button>Accept all</button><button>Reject all</button><a href="#">Manage your privacy preferences</a>
</div></body></html>"""

JS_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paper</title>
<script defer src="/static/js/main.4f2a.js"></script></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>"""

PAYWALL = """<html><head><title>Harbour plan divides residents | Paper</title>
<script src="https://experience.tinypass.com/xbuilder/experience/load?aid=abc"></script></head><body><article>
<h1>Harbour plan divides residents</h1><p>Residents of the harbour district packed a public meeting on Tuesday
about the plan to rebuild the old quay.</p>
<div class="paywall"><p>Subscribe to continue reading. This article is only available to subscribers.</p>
<p>Already a subscriber? Sign in.</p></div></article></body></html>"""

ARTICLE_ABOUT_CAPTCHAS = (
    "<html><head><title>Why websites ask if you are a robot</title>"
    "<script src='https://www.google.com/recaptcha/api.js'></script></head><body><article>"
    "<h1>Why websites ask if you are a robot</h1>"
    + "".join(
        f"<p>Paragraph {n}: researchers studied how often people are asked to verify you are human puzzles, and "
        "found that a security check costs the average user several seconds a day, while the cookie banners that "
        "ask you to accept all cost even more time across a year of browsing the web.</p>"
        for n in range(12)
    )
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    ("html", "kind"),
    [(CHALLENGE, "challenge"), (CONSENT, "consent"), (JS_SHELL, "javascript"), (PAYWALL, "paywall")],
)
def test_pages_that_are_not_the_article_are_recognised(html, kind):
    with pytest.raises(BlockedPage) as raised:
        extract_page(html, source_uri="page.html", url="https://www.paper.example/2026/12/01/harbour")
    assert raised.value.kind == kind


def test_an_article_about_captchas_and_cookie_banners_is_an_article():
    article = extract_page(ARTICLE_ABOUT_CAPTCHAS, source_uri="a.html", url="https://www.paper.example/robots")
    assert "Paragraph 11" in article.body


def test_a_blocked_page_in_a_folder_is_a_counted_skip(tmp_path):
    path = tmp_path / "challenge.html"
    path.write_text(CHALLENGE)
    batch = read_file(str(path))
    assert batch.articles == [] and len(batch.skips) == 1
    assert batch.skips[0].reason == "blocked page: a bot challenge, not an article" and not batch.skips[0].failed


TRAFFIC_BRIEF = """<html><head><title>Roadworks on the ring road</title></head><body><article>
<h1>Roadworks on the ring road</h1><p>Drivers should expect unusual traffic on the ring road this weekend while
crews resurface the northern section. The council said diversions would be signposted and that buses would run
to their normal timetable, with short delays at the junctions near the hospital.</p></article></body></html>"""
AIRPORT = ("<html><head><title>Airport queues</title></head><body><article><h1>Airport queues grow</h1>"
           "<p>Passengers waited two hours at the security check on Friday as new scanners were installed, and the "
           "airport apologised for the delays during the busiest weekend of the summer.</p></article>"
           "<form class='comments'><div class='g-recaptcha' data-sitekey='x'></div></form></body></html>")  # fmt: skip


@pytest.mark.parametrize("html", [TRAFFIC_BRIEF, AIRPORT])
def test_a_short_article_that_uses_such_words_is_an_article(html):
    article = extract_page(html, source_uri="brief.html", url="https://www.paper.example/2026/12/01/brief")
    assert article.body and "blocked" not in article.body
