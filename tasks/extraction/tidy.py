"""What extractors leave behind, removed by general line rules (no site, URL or page rules).

Measured on the extraction dev set (91 pages), on top of trafilatura in precision mode: the repeated
headline (18 pages), lines that are exactly a link's text (related-story headlines), end-of-article
boilerplate (newsletter, follow, filed under, source, copyright), hover cards inside links, words glued
together at link edges, leading bylines/datelines/reading time, a standfirst that only repeats the meta
description, and "Related:" / "SEE MORE:" cross-links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

# hover cards and tooltips nested in links leak their whole content into a paragraph
# elements with a class first, then the four tests: a third faster on the dev pages (1.04 vs 1.50 ms a page)
PRUNE_XPATH = [
    '//*[@class][contains(@class,"rollover") or contains(@class,"tooltip") or contains(@class,"popover")'
    ' or contains(@class,"hovercard")]'
]
TOKEN = re.compile(r"\w+")
WORD_CHAR = re.compile(r"\w")
SENTENCE_END = (".", "!", "?", "”", '"', "。", "！", "？")
MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)"
)
DATE = re.compile(
    r"(\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b" + MONTHS
    + r"\.?\s+\d{1,2}\b|\b\d{1,2}\s+" + MONTHS + r"\b|\b(19|20)\d{2}\b)",
    re.IGNORECASE,
)  # fmt: skip
BYLINE = re.compile(
    r"^(by|von|par|por|oleh|di)\s+\S|\b(updated|published|posted|last modified|"
    r"min(ute)?s? read|reading time|tempo de leitura|lesezeit)\b",
    re.IGNORECASE,
)
# end-of-article boilerplate whatever its punctuation: labels, copyright lines, a short credit, calls to follow
# or subscribe in the publisher's voice
TAIL_LABEL = re.compile(
    r"^\s*((filed under|tags?)\s*:|(copyright|©)\s+(©\s*|\(c\)\s*)?(\S+\s+){0,3}(19|20)\d{2}\b|©\s*(19|20)\d{2}\b"
    r"|you may also like\b|have a tip\b|source\s*:\s*\S+(\s+\S+){0,4}\s*$|follow (us|me)\b|follow\b.*\bhttps?://)"
    r"|\ball rights reserved\b|\bfollow (us|him|her|them|\w+) on (twitter|x|facebook|instagram|linkedin)\b"
    r"|\bsubscribe to our\b|\bsubscribing to our\b|\bsign up for our\b",
    re.IGNORECASE,
)
# phrases counted only on a line that does not end like a sentence ("Read more" is a link, "Don't miss the
# festival on Saturday." is a sentence of the article)
TAIL_PHRASE = re.compile(
    r"^\s*(related( articles| stories| posts| content| coverage)?|see more|read more|read next|more from|"
    r"don'?t miss|recommended( for you)?|share this|follow (him|her|them))\b"
    r"|\bnewsletters?\s*$|\bsubscribe to (the|[\w.]+['’]s)\b",
    re.IGNORECASE,
)
TAIL_SHARE = 0.25  # a tail line takes the lines after it only when they hold at most this share of the words before
CROSS_LINK = re.compile(
    r"^\s*(related|see more|read more|read also|also read|don'?t miss|watch|recommended)\s*([:|\-–—]|$)",
    re.IGNORECASE,
)
TAIL_LINES = 5
MAX_LEADING_BYLINES = 3
MIN_LINK_WORDS = 5
MAX_TITLE_WORDS = 30  # a longer "title" is a caption or a teaser set in an <h1>, not the headline


@dataclass(slots=True)
class PageFeatures:
    """Texts of the page that are not article text when they turn up as lines of it."""

    titles: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    link_texts: set[str] = field(default_factory=set)


def comparable(text: str) -> str:
    return " ".join(TOKEN.findall((text or "").lower()))


def read_page_features(tree: HtmlElement) -> PageFeatures:
    features = PageFeatures()
    for path in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content',
                 "//title/text()", "//h1"):  # fmt: skip
        for value in tree.xpath(path):
            text = comparable(value.text_content() if hasattr(value, "text_content") else str(value))
            if text and text.count(" ") < MAX_TITLE_WORDS:
                features.titles.append(text)
    for value in tree.xpath('//meta[@name="description"]/@content|//meta[@property="og:description"]/@content'):
        if text := comparable(str(value)):
            features.descriptions.append(text)
    # libxml2 drops the short links (most navigation: they cannot hold MIN_LINK_WORDS words) before Python sees them
    for link in tree.xpath(f"//a[string-length(normalize-space(.)) >= {2 * MIN_LINK_WORDS - 1}]"):
        text = comparable(link.text_content())
        if text.count(" ") + 1 >= MIN_LINK_WORDS:
            features.link_texts.add(text)
    return features


def space_link_edges(tree: HtmlElement) -> None:
    """Put a space where a link's edge glues two words together (`アプリ<a>Kindle</a>に`, `word<a>link</a>`)."""
    for link in tree.iter("a"):
        parent = link.getparent()
        if parent is None:
            continue
        previous = link.getprevious()
        before = (previous.tail if previous is not None else parent.text) or ""
        first = link.text or ""
        if before and first and WORD_CHAR.match(before[-1]) and WORD_CHAR.match(first[0]):
            link.text = " " + first
        tail = link.tail or ""
        if tail and WORD_CHAR.match(tail[0]):
            content = link.text_content()
            if content and WORD_CHAR.match(content[-1]):
                link.tail = " " + tail


def is_title_line(line: str, features: PageFeatures) -> bool:
    text = comparable(line)
    if text.count(" ") < 1:
        return False
    return any(text == title or (text in title and len(text) >= 0.6 * len(title)) for title in features.titles)


def is_byline(line: str) -> bool:
    line = line.strip()
    if len(line) > 100 or line.endswith(SENTENCE_END):
        return False
    return bool(DATE.search(line) or BYLINE.search(line))


RULES = ("title_line", "leading_byline", "standfirst", "cross_link", "tail", "link_text")


def tidy_extracted(text: str, features: PageFeatures, rules: frozenset[str] | tuple[str, ...] = RULES) -> str:
    """Drop the extractor's leftovers line by line; the article's own lines are kept in order. `rules` names the
    rules applied (all by default; benchmarks/extraction.py judges each out of fold)."""
    lines = [line for line in (text or "").split("\n") if line.strip()]
    if "title_line" in rules:
        lines = [line for line in lines if not is_title_line(line, features)]
    if "leading_byline" in rules:
        leading = 0
        while leading < min(MAX_LEADING_BYLINES, len(lines)) and is_byline(lines[leading]):
            leading += 1
        lines = lines[leading:]
    if "standfirst" in rules and lines and is_repeated_description(lines[0], features):
        lines = lines[1:]
    if "cross_link" in rules:
        lines = [line for line in lines if not CROSS_LINK.search(line)]
    if "tail" in rules:
        lines = cut_tail(lines)
    if "link_text" in rules:
        lines = [line for line in lines if not is_link_text(line, features)]
    return "\n".join(lines)


def is_repeated_description(line: str, features: PageFeatures) -> bool:
    """A standfirst that only repeats the meta description (a sentence of the article stays)."""
    return comparable(line) in features.descriptions and not line.rstrip().endswith(SENTENCE_END)


def is_tail_line(line: str) -> bool:
    return bool(TAIL_LABEL.search(line)) or (
        not line.rstrip().endswith(SENTENCE_END) and bool(TAIL_PHRASE.search(line))
    )


def cut_tail(lines: list[str]) -> list[str]:
    """At the first end-of-article boilerplate line among the last TAIL_LINES: cut there when little text
    follows (links, labels, an author's bio), else drop that line alone (the article goes on after it)."""
    for index in range(max(1, len(lines) - TAIL_LINES), len(lines)):
        if is_tail_line(lines[index]):
            before = sum(len(line.split()) for line in lines[:index])
            if sum(len(line.split()) for line in lines[index + 1 :]) <= TAIL_SHARE * before:
                return lines[:index]
            return lines[:index] + lines[index + 1 :]
    return lines


def is_link_text(line: str, features: PageFeatures) -> bool:
    """The line is exactly the text of a link of the page (a related-story headline)."""
    text = comparable(line)
    return text in features.link_texts and text.count(" ") + 1 >= MIN_LINK_WORDS
