from datetime import UTC, datetime

import pytest

from tasks.reading.authors import split_authors
from tasks.reading.read_text import derive_title, handle_to_name, infer_source, parse_text_article


def test_seed_format_header_body_and_signature(fixtures):
    text = (fixtures / "text" / "seedlike.txt").read_text()
    article = parse_text_article(text, "seedlike.txt")
    assert article.published_at == datetime(2024, 3, 18, tzinfo=UTC)
    assert article.date_explicit
    assert article.authors == ["Ilse Brandt", "Tom Okoro"]
    assert article.body.startswith("Delegations from Norway and Canada")
    assert article.body.endswith("before the end of the year.")
    assert "--" not in article.body and "Follow us" not in article.body and "date 2024" not in article.body
    assert article.source == "PolarPost"
    assert article.title.startswith("Delegations from Norway and Canada met in Oslo")


def test_title_line_is_taken_and_wrapped_lines_joined(fixtures):
    article = parse_text_article((fixtures / "text" / "titled.txt").read_text(), "titled.txt")
    assert article.title == "Lighthouse keeper's diaries go on display"
    first = article.body.split("\n\n")[0]
    assert first.endswith("arrival of the first radio in 1923.")  # two wrapped lines, one paragraph
    assert article.published_at is None and article.source is None


def test_plain_text_without_header(fixtures):
    article = parse_text_article((fixtures / "text" / "plain.txt").read_text(), "plain.txt")
    assert article.authors == []
    assert article.title == "Engineers finished repairs to the old stone bridge over the river Tamm on Friday…"


@pytest.mark.parametrize(
    ("handle", "name"),
    [("AzerNewsAz", "AzerNews"), ("BBCWorld", "BBCWorld"), ("ReutersUK", "Reuters"), ("nytimes", "nytimes"),
     ("CNN", "CNN"), ("PolarPostNo", "PolarPost"), ("AbcAu", "AbcAu")],
)  # fmt: skip
def test_handle_to_name(handle, name):
    assert handle_to_name(handle) == name


@pytest.mark.parametrize(
    ("signature", "source"),
    [
        ("Follow us on Twitter @AzerNewsAz", "AzerNews"),
        ("Source: Harbour Times", "Harbour Times"),
        ("Follow Harbour Times on Facebook", "Harbour Times"),
        ("© 2021 Mountain Post", "Mountain Post"),
        ("Thanks for reading", None),
        ("", None),
    ],
)
def test_infer_source(signature, source):
    assert infer_source(signature) == source


@pytest.mark.parametrize(
    ("byline", "names"),
    [("By Vafa Ismayilova", ["Vafa Ismayilova"]), ("A. Smith and B. Jones", ["A. Smith", "B. Jones"]),
     ("Ann Lee, Bo Chan & Cy Dee", ["Ann Lee", "Bo Chan", "Cy Dee"]), ("", [])],
)  # fmt: skip
def test_split_authors(byline, names):
    assert split_authors(byline) == names


def test_derive_title_cuts_long_sentences_at_a_word():
    body = "Short lead sentence here. Then more text follows."
    assert derive_title(body) == "Short lead sentence here"
    long = "word " * 60
    title = derive_title(long)
    assert title.endswith("…") and len(title) <= 111 and " wor…" not in title
