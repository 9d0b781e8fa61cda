"""HTML fragments (feed content, JSON `html` fields) to plain paragraphs with lxml."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

BLOCKS = {
    "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "tr", "table", "figure", "figcaption", "header", "footer", "dd", "dt", "hr", "br", "main",
}  # fmt: skip
DROP = {"script", "style", "noscript", "iframe", "object", "embed", "form", "button", "svg", "template"}
SPACES = re.compile(r"\s+")
BREAK = "\x00"


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, one paragraph per block element, separated by blank lines."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return SPACES.sub(" ", re.sub(r"<[^>]+>", " ", fragment)).strip()
    parts: list[str] = []
    skipping: etree._Element | None = None
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if skipping is None and tag in DROP:
                skipping = element
            if skipping is None:
                if tag in BLOCKS:
                    parts.append(BREAK)
                if element.text and tag:
                    parts.append(element.text)
            continue
        if skipping is element:
            skipping = None
        elif skipping is not None:
            continue
        elif tag in BLOCKS:
            parts.append(BREAK)
        if element.tail and element is not root:
            parts.append(element.tail)
    paragraphs = (SPACES.sub(" ", piece).strip() for piece in "".join(parts).split(BREAK))
    return "\n\n".join(p for p in paragraphs if p)
