import time
import tracemalloc
from datetime import UTC, datetime

import pytest

from tasks.reading.decode import UnreadableInput
from tasks.reading.parse_feed import UnsafeFeed, parse_feed, parse_feed_articles


def test_rss2_entries_content_and_duplicate_guids(fixtures):
    batch = parse_feed_articles((fixtures / "feeds" / "rss2.xml").read_bytes(), "rss2.xml")
    titles = [a.title for a in batch.articles]
    assert titles == ["Council votes to rebuild the old market hall", "Rowing club wins regional title"]
    hall = batch.articles[0]
    assert hall.body.startswith("The town council voted on Monday")  # full content, not the summary
    assert hall.authors == ["Amir Haddad"] and hall.source == "River Town Gazette"
    assert hall.published_at == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert hall.categories == ["Politics"] and hall.url == "https://rivertown.example/news/market-hall"
    assert batch.articles[1].body.startswith("The rowing club's eight")  # escaped HTML summary
    assert [s.reason for s in batch.skips] == ["feed entry has no content or summary"]


def test_atom_and_rss1(fixtures):
    atom = parse_feed_articles((fixtures / "feeds" / "atom.atom").read_bytes(), "atom.atom").articles
    assert atom[0].authors == ["Dr Sofia Lind"] and "water vapour" in atom[0].body
    rdf = parse_feed((fixtures / "feeds" / "rss1.rdf").read_bytes(), "rss1.rdf")
    assert rdf.version == "rss10" and rdf.entries[0].title == "Town wins award for cleanest beach"


def test_latin1_feed_is_decoded(fixtures):
    (article,) = parse_feed_articles((fixtures / "feeds" / "latin1.xml").read_bytes(), "latin1.xml").articles
    assert article.title == "Fête de la musique à Montélimar"
    assert article.source == "Le Journal du Café"


def test_entity_blowup_is_refused_fast_in_bounded_memory():
    entity = "A" * 50_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{entity}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><description>{"&big;" * 50_000}'
        "</description></item></channel></rss>"
    ).encode()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeFeed):
        parse_feed(data, "bomb.xml")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 20 * 2**20  # the expansion would be 2.5 GB


def test_external_entity_is_refused():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>&x;</channel></rss>'
    )
    with pytest.raises(UnsafeFeed):
        parse_feed(data, "xxe.xml")


def test_html_page_is_not_a_feed(fixtures):
    with pytest.raises(UnreadableInput, match="not a feed"):
        parse_feed((fixtures / "bad" / "not-a-feed.rss").read_bytes(), "not-a-feed.rss")


def test_feed_bytes_are_never_opened_as_a_path(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>Secret</title></channel></rss>')
    with pytest.raises(UnreadableInput):
        parse_feed(str(secret).encode(), "x")


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Harbour Times",
    "home_page_url": "https://harbour.example/",
    "authors": [{"name": "Newsroom Desk"}],
    "items": [
        {"id": "https://harbour.example/1", "url": "https://harbour.example/1", "title": "Ferry timetable cut",
         "content_html": "<p>The ferry company <b>cut</b> the winter timetable.</p><p>Commuters were angry.</p>",
         "date_published": "2026-11-30T08:00:00+01:00", "tags": ["transport", "islands"],
         "authors": [{"name": "Kim Lee"}]},
        {"id": 2, "title": "Harbour plan", "content_text": "Residents argued about the harbour plan for hours.",
         "summary": "Residents argued."},
        "not an item",
    ],
}  # fmt: skip


def test_a_json_feed_is_read_item_by_item():
    import json

    feed = parse_feed(json.dumps(JSON_FEED).encode(), "https://harbour.example/feed.json", "application/feed+json")
    assert feed.title == "Harbour Times" and feed.version == "json1.1" and feed.link == "https://harbour.example/"
    first, second = feed.entries
    assert first.key == "https://harbour.example/1" and first.authors == ["Kim Lee"]
    assert first.text == "The ferry company cut the winter timetable.\n\nCommuters were angry."
    assert first.published_at == datetime(2026, 11, 30, 7, tzinfo=UTC) and first.categories == ["transport", "islands"]
    assert second.key == "2" and second.authors == ["Newsroom Desk"] and second.link is None
    assert second.text == "Residents argued about the harbour plan for hours."  # the longer of text and summary
    assert feed.unreadable == ["entry 3: ValueError: an item is not an object"]


def test_json_that_is_not_a_json_feed_is_not_a_feed():
    with pytest.raises(UnreadableInput, match="not a feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "x.json")
    with pytest.raises(UnreadableInput, match="not a feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [', "x.json")


def test_a_json_feed_file_in_a_folder_is_read_as_a_feed(tmp_path):
    import json

    from tasks.reading.read_files import read_file

    path = tmp_path / "feed.json"
    path.write_text(json.dumps(JSON_FEED))
    batch = read_file(str(path))
    assert [a.title for a in batch.articles] == ["Ferry timetable cut", "Harbour plan"]
    assert batch.articles[0].input_format == "feed"
