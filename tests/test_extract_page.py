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


def review_paragraph(number: int) -> str:
    return (f"<p>Paragraph {number} of the review says the console runs games in native resolution, holds its frame "
            "rate in busy scenes and stays quiet under load, which matters in a living room where the fan noise of "
            "older machines was a common complaint among owners.</p>")  # fmt: skip


def test_an_article_in_blocks_precision_mode_drops_is_not_truncated():
    # trafilatura's precision mode discards a block whose class ends in "bottom" (page furniture, usually); here
    # every block after the first is one, so precision alone keeps the first block's 5 paragraphs of 25 (over
    # 1,000 characters, so its fallback extractors are not asked)
    lead = "".join(review_paragraph(n) for n in range(5))
    blocks = "".join(
        f'<div class="article-block pad-bottom">{review_paragraph(2 * i + 5)}{review_paragraph(2 * i + 6)}</div>'
        for i in range(10)
    )
    page = (f"<html><head><title>Console review</title></head><body><header><a href='/'>Home</a></header>"
            f"<article><div class='article-block'>{lead}</div>{blocks}</article></body></html>")  # fmt: skip
    article = extract_page(page, "review.html")
    assert [f"Paragraph {n} " in article.body for n in range(25)] == [True] * 25
    assert "/balanced/" in article.extractor  # the row says which pass found the text


def test_a_precision_text_that_is_not_truncated_stays_precise():
    # the page's paragraph text (comments included) is over three times the precision text, so the balanced pass
    # is asked; it finds the 'pad-bottom' block too, but under three times as much: precision's text stays
    lead = "".join(review_paragraph(n) for n in range(6))
    extra = "".join(review_paragraph(n) for n in range(6, 10))
    comments = "".join(
        f"<li class='comment'><p>Reader {n} wrote that the fan on the unit bought last spring is louder than the "
        "review says, and that the shop would not take it back.</p><a href='/reply'>Reply</a></li>"
        for n in range(60)
    )
    page = (f"<html><body><article><div class='article-block'>{lead}</div>"
            f"<div class='article-block pad-bottom'>{extra}</div></article>"
            f"<section id='comments' class='comments'><ol>{comments}</ol></section></body></html>")  # fmt: skip
    article = extract_page(page, "review.html")
    assert [f"Paragraph {n} " in article.body for n in range(10)] == [True] * 6 + [False] * 4
    assert "/precision/" in article.extractor and "Reader" not in article.body


def test_a_page_whose_paragraphs_are_mostly_comments_keeps_the_precise_text():
    article = "".join(review_paragraph(n) for n in range(3))
    comments = "".join(
        f"<li class='comment'><p>Reader {n} wrote that the fan on the unit bought last spring is louder than the "
        "review says, and that the shop would not take it back.</p><a href='/reply'>Reply</a></li>"
        for n in range(40)
    )
    page = (f"<html><body><article>{article}</article>"
            f"<section id='comments' class='comments'><ol>{comments}</ol></section></body></html>")  # fmt: skip
    body = extract_page(page, "review.html").body
    assert [f"Paragraph {n} " in body for n in range(3)] == [True] * 3
    assert "Reader" not in body
