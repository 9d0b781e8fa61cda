"""Every published_at says where it came from, and no date is later than the page's fetch."""

from datetime import UTC, datetime

import pytest

from tasks.extraction.extract_page import extract_page
from tasks.fetching.fetch_pages import PageJob, PageResult
from tasks.loading.load import load_articles
from tasks.models import Batch
from tasks.reading.parse_feed import FeedEntry
from tasks.running.prepare import article_from_page, prepare_articles
from warehouse.connect import open_warehouse

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
TEXT = "".join(f"<p>The harbour council met again on Tuesday to discuss part {n} of the rebuilding plan.</p>"
               for n in range(8))  # fmt: skip
JSON_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-11-20T08:00:00Z"}</script>'
)
META = '<meta property="article:published_time" content="2026-11-21T08:00:00Z">'
TIME = '<time datetime="2026-11-22T08:00:00Z">22 November</time>'


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Harbour plan</title>{head}</head><body><article>{body}{TEXT}</article></body></html>"


@pytest.mark.parametrize(
    ("html", "url", "source", "day"),
    [
        (page(JSON_LD + META, TIME), "https://paper.example/harbour", "json_ld", 20),  # the best source wins
        (page(META, TIME), "https://paper.example/harbour", "meta", 21),
        (page(body=TIME), "https://paper.example/harbour", "time", 22),
        (page(), "https://paper.example/2026/11/23/harbour", "htmldate", 23),  # the date in the URL
        (page(), "https://paper.example/harbour", None, None),
    ],
)
def test_a_page_date_names_its_source(html, url, source, day):
    article = extract_page(html, source_uri=url, url=url)
    assert article.date_source == source
    assert (article.published_at.day if article.published_at else None) == day


def result_for(html: str | None, entry_date: datetime | None, fetched_at: datetime) -> PageResult:
    url = "https://paper.example/harbour"
    text = "Short summary of the harbour plan, with enough words to be an article of its own."
    entry = FeedEntry(key="g1", title="Harbour plan", link=url, authors=[], published_at=entry_date, categories=[],
                      text=text)  # fmt: skip
    job = PageJob(source="p", feed_key="f", feed_title="F", feed_url="https://paper.example/feed", entry=entry,
                  entry_key="g1", fetch=True)  # fmt: skip
    return PageResult(job, url=url, html=html, status=200, fetched_at=fetched_at, page_status="fetched")


def test_the_feed_fills_a_missing_date_and_replaces_one_later_than_the_fetch():
    fetched = datetime(2026, 11, 25, 9, tzinfo=UTC)
    entry_date = datetime(2026, 11, 24, 18, tzinfo=UTC)
    filled = article_from_page(result_for(page(), entry_date, fetched))
    assert (filled.published_at, filled.date_source) == (entry_date, "feed")
    future = page('<meta property="article:published_time" content="2026-11-26T08:00:00Z">')
    replaced = article_from_page(result_for(future, entry_date, fetched))
    assert (replaced.published_at, replaced.date_source) == (entry_date, "feed")
    alone = article_from_page(result_for(future, None, fetched))
    assert (alone.published_at, alone.date_source) == (None, None)


def test_the_date_source_is_stored_and_kept_by_a_dateless_copy(db):
    article = extract_page(page(JSON_LD), source_uri="https://paper.example/harbour", url="https://paper.example/h")
    load_articles(db, prepare_articles(Batch(articles=[article], read=1), NOW).articles, "run-1", NOW)
    with open_warehouse(db) as con:
        assert con.execute("select published_at, date_source from articles").fetchall() == [
            (datetime(2026, 11, 20, 8, tzinfo=UTC), "json_ld")
        ]
    dateless = extract_page(page(), source_uri="https://paper.example/harbour", url="https://paper.example/h")
    prepared = prepare_articles(Batch(articles=[dateless], read=1), NOW).articles
    load_articles(db, prepared, "run-2", NOW, refresh=True)
    with open_warehouse(db) as con:
        assert con.execute("select date_source from articles").fetchone()[0] == "json_ld"
