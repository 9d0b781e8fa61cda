"""Cleaning: Unicode NFC, entities, whitespace and paragraphs, boilerplate lines, plausible dates."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime

from tasks.cleaning.dates import check_published
from tasks.cleaning.language import detect_language, normalise_language
from tasks.models import Article

MIN_BODY_CHARS = 40  # below this a text is not an article, unless it is a titled story with a URL (a brief)
MAX_BOILERPLATE_CHARS = 160
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone half of a UTF-16 pair (from a JSON "\\ud800" escape): no text
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ODD_SPACE = r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
SPACES = re.compile(rf"(?:{ODD_SPACE}| (?= |{ODD_SPACE}))[ {ODD_SPACE[1:-1]}]*")  # not single plain spaces
BLANK_LINES = re.compile(r"\n\s*\n")
SOCIAL = r"(?:twitter|x|facebook|instagram|linkedin|telegram|youtube|tiktok|threads|whatsapp|bluesky|mastodon)"
BOILERPLATE = re.compile(
    "|".join(
        [
            rf"(?:follow|like|join|find)\s+(?:us|me)\s*(?:on|at|:)?\s*(?:{SOCIAL}|@|social\s+media|google\s+news).*",
            rf"{SOCIAL}\s*:?\s*@\w+\.?",
            r"(?:click\s+(?:here\s+)?to\s+)?share\s+(?:this|on|via|the\s+story|the\s+article)\b.*",
            r"(?:share|tweet|email|e-mail|print|pin|whatsapp|facebook|twitter|linkedin|reddit|copy\s+link)"
            r"(?:\s*[|/·•,]?\s*(?:share|tweet|email|e-mail|print|pin|whatsapp|facebook|twitter|linkedin|"
            r"reddit|copy\s+link))*\s*",
            r"subscribe\b.{0,120}",
            r"sign\s+up\s+(?:for|to)\b.*(?:newsletter|alerts?|updates|briefing).*",
            r"(?:get|receive)\s+(?:our|the)\s+.{0,40}newsletter.*",
            r"read\s+more\b\s*(?:[:.…»>›-].*)?",
            r"(?:related|see\s+also|also\s+read|read\s+also|more\s+from|recommended|more\s+stories)"
            r"(?:\s+(?:articles?|stories|content|news|coverage|links?|reading))?\s*(?:[:»>›|-].{0,100})?",
            r"click\s+here\b.*",
            r"advertisement|sponsored(?:\s+content)?|story\s+continues\s+below(?:\s+advertisement)?",
            r"(?:all\s+rights\s+reserved|copyright\s+©?\s*\d{4}|©\s*\d{4}).{0,100}",
            r"(?:continue\s+reading|loading|skip\s+(?:to\s+)?(?:main\s+)?content|back\s+to\s+top)\s*[.…»>›]*",
        ]
    ),
    re.IGNORECASE,
)


def clean_text(text: str) -> tuple[str, int]:
    """Normalise text into NFC paragraphs separated by blank lines; return it and the boilerplate count."""
    text = normalise_characters(text)
    paragraphs, dropped = [], 0
    for paragraph in split_blocks(text):
        if is_boilerplate(paragraph):
            dropped += 1
        else:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs), dropped


def normalise_characters(text: str) -> str:
    if "&" in text:
        text = ENTITY.sub(lambda m: html.unescape(m[0]), text)
    if not text.isascii():
        text = SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = INVISIBLE.sub("", text)
    return SPACES.sub(" ", text)


def split_blocks(text: str) -> list[str]:
    """Paragraphs: blocks between blank lines with wrapped lines joined; without blank lines, each line."""
    if BLANK_LINES.search(text):
        blocks = (" ".join(line.strip() for line in block.split("\n")) for block in BLANK_LINES.split(text))
    else:
        blocks = (line for line in text.split("\n"))
    return [" ".join(block.split()) for block in blocks if block.strip()]


def is_boilerplate(paragraph: str) -> bool:
    return len(paragraph) <= MAX_BOILERPLATE_CHARS and BOILERPLATE.fullmatch(paragraph.strip(" .")) is not None


def clean_inline(text: str | None) -> str | None:
    """Titles, names and sources: entities, NFC, one line of single spaces."""
    if not text:
        return None
    return " ".join(normalise_characters(text).split()) or None


def clean_article(article: Article, now: datetime) -> int:
    """Clean one article in place; return how many boilerplate paragraphs it lost."""
    article.body, dropped = clean_text(article.body)
    article.title = clean_inline(article.title)
    article.source = clean_inline(article.source)
    article.description = clean_inline(article.description)
    article.authors = list(dict.fromkeys(name for a in article.authors if (name := clean_inline(a))))
    article.categories = list(dict.fromkeys(c for raw in article.categories if (c := clean_inline(raw))))
    article.published_at = check_published(article.published_at, article.date_explicit, now, article.fetched_at)
    if article.published_at is None:
        article.date_source = None
    article.language = normalise_language(article.language) or detect_language(article.body)
    return dropped


NO_TEXT = "no article text after cleaning"


def has_article_text(article: Article) -> bool:
    return len(article.body) >= (1 if article.title and article.url else MIN_BODY_CHARS)
