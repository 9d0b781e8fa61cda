from datetime import UTC, datetime

import pytest

from tasks.cleaning.clean import clean_article, clean_text, is_boilerplate
from tasks.cleaning.dates import check_published, parse_datetime
from tasks.models import Article

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Cafe\u0301 ope\u0301ra", "Café opéra"),  # NFC
        ("Tom &amp; Jerry &eacute;t&eacute; &#8212; &#x2019;", "Tom & Jerry été — ’"),  # entities
        ("one  two\t three\u00a0four", "one two three four"),  # spaces
        ("a\r\nb\rc", "a\n\nb\n\nc"),  # line endings; lines are paragraphs when no blank lines
        ("para one\nwrapped\n\n\n\npara two", "para one wrapped\n\npara two"),  # paragraphs
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
        ("ctrl\x07char", "ctrlchar"),
        ("Body.\n\nFollow us on Twitter @AzerNewsAz", "Body."),
        ("Body.\n\nShare this article\n\nRead more: Other story\n\nSubscribe to our newsletter", "Body."),
        ("Body.\n\nShare | Tweet | Email\n\nAdvertisement\n\nRelated stories", "Body."),
        ("Body.\n\n© 2024 Daily Planet. All rights reserved.", "Body."),
        ("Read more about the plan in the council's report, which runs to 300 pages.",
         "Read more about the plan in the council's report, which runs to 300 pages."),
        ("Recommended daily intake is five grams.", "Recommended daily intake is five grams."),
        ("Join us at the festival on Saturday.", "Join us at the festival on Saturday."),
        ("Subscribers rose 20% to 4 million.", "Subscribers rose 20% to 4 million."),
    ],
)  # fmt: skip
def test_clean_text(raw, clean):
    assert clean_text(raw)[0] == clean


def test_boilerplate_is_only_short_lines():
    long_line = "Follow us on Twitter for updates. " + "This sentence is part of the story. " * 10
    assert not is_boilerplate(long_line)
    assert is_boilerplate("Follow us on Facebook")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-05-31", datetime(2021, 5, 31, tzinfo=UTC)),
        ("2021-05-31T10:00:00Z", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("2021-05-31T12:00:00+02:00", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("2021-05-31 10:00:00", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("Mon, 31 May 2021 10:00:00 GMT", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("Mon, 31 May 2021 06:00:00 EDT", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("Mon May 31 12:00:00 CEST 2021", datetime(2021, 5, 31, 10, tzinfo=UTC)),  # a zone RFC 2822 lacks
        ("Mon, 31 May 2021 20:00:00 AEST", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("Mon, 31 May 2021 15:45:00 NPT", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("Mon, 31 May 2021 10:00:00 IST", datetime(2021, 5, 31, 10, tzinfo=UTC)),  # ambiguous: taken as UTC
        ("Mon, 31 May 2021 12:00:00 +0200 (CEST)", datetime(2021, 5, 31, 10, tzinfo=UTC)),  # the offset wins
        ("2021/5/31", datetime(2021, 5, 31, tzinfo=UTC)),
        ("1622455200", datetime(2021, 5, 31, 10, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("value", "explicit", "kept"),
    [
        (datetime(2026, 11, 29, 6, tzinfo=UTC), False, True),  # within a day ahead
        (datetime(2026, 11, 30, tzinfo=UTC), True, False),  # more than a day ahead
        (datetime(1989, 12, 31, tzinfo=UTC), False, False),  # guessed and before 1990
        (datetime(1953, 2, 1, tzinfo=UTC), True, True),  # the input says so
        (datetime(2000, 1, 1), False, True),  # naive means UTC
    ],
)
def test_check_published(value, explicit, kept):
    assert (check_published(value, explicit, NOW) is not None) == kept


def test_clean_article_fields():
    article = Article(
        source_uri="x", body="Body text that is long enough to be an article body, surely.",
        title="  A  title &amp; more ", authors=["Ann", " Ann ", "Bo"], language="EN-gb",
        published_at=datetime(2030, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    clean_article(article, NOW)
    assert article.title == "A title & more"
    assert article.authors == ["Ann", "Bo"]
    assert article.language == "en"
    assert article.published_at is None


def test_language_is_detected_when_undeclared():
    article = Article(source_uri="x", body="Die Bundesregierung hat am Montag beschlossen, die Steuern zu senken.")
    clean_article(article, NOW)
    assert article.language == "de"
