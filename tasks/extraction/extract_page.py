"""An HTML page to an article: one lxml parse, trafilatura for the main text, the page's own metadata."""

from __future__ import annotations

import logging

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import use_config
from trafilatura.utils import load_html

from tasks.cleaning.dates import parse_datetime
from tasks.extraction.blocked import SHORT_WORDS, BlockedPage, blocked_kind
from tasks.extraction.canonical import choose_url
from tasks.extraction.inline_repair import repair_inline
from tasks.extraction.lean_fast_pass import install_lean_fast_pass
from tasks.extraction.page_metadata import read_page_metadata
from tasks.extraction.regex_guards import install_regex_guards
from tasks.extraction.tidy import (
    PRUNE_XPATH,
    PageFeatures,
    read_page_features,
    space_link_edges,
    tidy_extracted,
)
from tasks.models import Article
from tasks.reading.decode import UnreadableInput

EXTRACTION_RULES = "newsflow-3"  # bumped when newsflow's extraction or tidy rules change what a page yields
EXTRACTOR = f"trafilatura-{trafilatura.__version__}/precision/{EXTRACTION_RULES}"
BALANCED = f"trafilatura-{trafilatura.__version__}/balanced/{EXTRACTION_RULES}"  # a truncated precision pass, replaced
FALLBACK_BELOW = 1000  # characters: a fast pass that finds less than this pays for the fallback extractors
TRUNCATED = 3  # a precision pass under a third of the page's paragraph text asks trafilatura's balanced pass
PARAGRAPH_TEXT = etree.XPath("//p//text()", smart_strings=False)
CONFIG = use_config()
CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)
install_regex_guards()  # the same matches, less extraction time (tasks/extraction/regex_guards.py)
install_lean_fast_pass()  # the same text without two tree copies (tasks/extraction/lean_fast_pass.py)


def extract_page(data: bytes | str, source_uri: str, url: str | None = None) -> Article:
    """Parse the page once; take the main text from trafilatura and the fields from the page's metadata."""
    tree = load_html(data)
    if tree is None:
        raise UnreadableInput("not an HTML page")
    meta = read_page_metadata(tree, url)
    page_url = choose_url(meta.url, url)  # the declared canonical URL only when it is plausibly this article
    text, features, extractor = untidy_main_text(tree, page_url)
    body = tidy_extracted(text, features)
    if len(body.split()) <= SHORT_WORDS and (kind := blocked_kind(data, body or visible_text(tree), meta.title)):
        raise BlockedPage(kind)
    if not body.strip():
        raise UnreadableInput("no article text found in the page")
    published_at, date_source = meta.published_at, meta.date_source
    if published_at is None:
        published_at = parse_datetime(find_date(tree, url=url, extensive_search=False, original_date=True))
        date_source = "htmldate" if published_at is not None else None
    return Article(
        source_uri=source_uri,
        body=body,
        title=meta.title,
        url=page_url,
        authors=meta.authors,
        published_at=published_at,
        date_explicit=meta.date_from_metadata,
        date_source=date_source,
        language=meta.language,
        source=meta.site_name,
        description=meta.description,
        categories=meta.categories,
        input_format="html",
        extractor=extractor,
        url_declared=page_url is not None and page_url != url,
    )


def visible_text(tree: HtmlElement, limit: int = 20_000) -> str:
    """The page's text outside scripts and styles, noscript messages included (for a page the extractor found
    nothing in)."""
    parts = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join(" ".join(parts).split())[:limit]


def untidy_main_text(tree: HtmlElement, url: str | None) -> tuple[str, PageFeatures, str]:
    """The extractor's main text before tidying, the page features the tidy rules compare lines with, and the
    extractor that found the text (EXTRACTOR, or BALANCED)."""
    features = read_page_features(tree)
    space_link_edges(tree)
    repair_inline(tree)
    text, extractor = extract_main_text(tree, url)
    return text or "", features, extractor


def extract_main_text(tree: HtmlElement, url: str | None) -> tuple[str | None, str]:
    """trafilatura in precision mode, fast pass first; only a short result pays for its fallback extractors, and
    only a truncated one for the balanced pass.

    On the extraction dev set the fallbacks (readability, jusText) changed one page in 91, a page whose fast
    pass found under 250 characters; skipping them elsewhere halves extraction time.

    Precision mode drops whole blocks whose wrapper's class looks like page furniture (`flush-bottom`,
    `pad-bottom`): an article set in several such blocks comes out as its first paragraph. So when the result
    holds under a third of the text of the page's paragraphs, trafilatura's balanced fast pass is asked too, and
    its text is taken when it is three times as long (a truncation, not a few more lines of boilerplate).
    Returns the text and the extractor that found it.
    """
    options = {"url": url, "include_comments": False, "config": CONFIG, "prune_xpath": PRUNE_XPATH}
    body = trafilatura.extract(tree, fast=True, favor_precision=True, **options)
    if body is None or len(body) < FALLBACK_BELOW:
        body = trafilatura.extract(tree, favor_precision=True, **options) or body
    if body and len(body) * TRUNCATED < paragraph_chars(tree):
        balanced = trafilatura.extract(tree, fast=True, **options)
        if balanced and len(balanced) >= TRUNCATED * len(body):
            return balanced, BALANCED
    return body, EXTRACTOR


def paragraph_chars(tree: HtmlElement) -> int:
    """Characters of text in the page's <p> elements, navigation and comments included: an upper bound."""
    return sum(len(text.strip()) for text in PARAGRAPH_TEXT(tree))
