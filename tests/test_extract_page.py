import gzip
from datetime import UTC, datetime

from tasks.extraction.extract_page import extract_page
from tasks.models import Batch
from tasks.reading.read_files import read_file
from tasks.running.prepare import prepare_articles

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_page_text_and_metadata(fixtures):
    article = extract_page((fixtures / "html" / "orchard.html").read_bytes(), "orchard.html")
    assert article.title == "Orchard growers try robots to pick apples"
    assert article.authors == ["Marta Velasquez", "Joel Ek"]
    assert article.published_at == datetime(2025, 9, 14, 5, 45, tzinfo=UTC)
    assert article.date_explicit
    assert article.url == "https://valleyfarm.example/news/2025/09/orchard-robots?utm_source=rss"
    assert article.language == "en"
    assert article.source == "Valley Farm News"
    assert "Technology" in article.categories and "robots" in article.categories
    cleaned = prepare_articles(Batch(articles=[article]), NOW)
    body = cleaned.articles[0].body
    assert body.startswith("Apple growers in the valley are testing picking robots")
    assert "suction grippers" in body and "saving a trip to the packing shed" in body
    for leftover in (
        "Read more",
        "Subscribe",
        "Share on Facebook",
        "Cider makers expect",
        "Great article",
        "All rights reserved",
    ):
        assert leftover not in body


def test_page_without_metadata_falls_back_to_title_and_h1(fixtures):
    article = extract_page((fixtures / "html" / "bare.htm").read_bytes(), "bare.htm")
    assert article.title == "Night trains return to the northern line"
    assert article.authors == [] and article.url is None
    assert "sleeping cars" in article.body


def test_gzip_page_is_read_through_the_file_reader(fixtures):
    batch = read_file(str(fixtures / "html" / "orchard-copy.html.gz"))
    assert not batch.skips
    (article,) = batch.articles
    assert article.title == "Orchard growers test robots to pick apples"
    assert "suction grippers" in article.body


def test_page_with_no_article_text_is_skipped(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>")
    cleaned = prepare_articles(read_file(str(path)), NOW)
    assert cleaned.articles == []
    assert [s.source_uri for s in cleaned.skips] == [str(path)]


def test_declared_charset_is_honoured(tmp_path):
    text = (
        "<html><head><meta charset='windows-1252'><title>Caf\u00e9</title></head><body><article>"
        + (
            "<p>Le caf\u00e9 de la gare a rouvert ses portes apr\u00e8s deux ans de travaux, "
            "\u00e0 la joie des habitants.</p>" * 3
        )
        + "</article></body></html>"
    )
    path = tmp_path / "cafe.html.gz"
    path.write_bytes(gzip.compress(text.encode("cp1252")))
    (article,) = read_file(str(path)).articles
    assert "caf\u00e9 de la gare" in article.body and "apr\u00e8s" in article.body
