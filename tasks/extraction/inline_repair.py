"""Two repairs to the page tree before trafilatura's precision pass, each for a way that pass cuts article text.

Both are about page structure, not words, and were found on fundus's parser test pages (benchmarks/fundus_pages.py),
a dev set the rules had never seen; each leaves the 91 dev pages and the Readability pages as they were or better.

- **Empty inline elements.** Precision mode deletes an empty element together with the text that follows it, so
  `<p><b>1925-40:</b> <b></b>“Howard Harding Jones …”</p>` comes out as "1925-40:", and a `<strong></strong>` left
  by a site's renderer cuts a quotation at "I". An empty `b`, `em`, `i`, `q`, `span` or `strong` is dropped here
  and the text after it kept. Empty blocks are left to trafilatura.
- **Links set in a sentence.** Precision mode deletes a block whose text is mostly link text, which is right for
  a related-story headline and wrong for `<p>It also <a>co-ordinates military plans and carries out joint
  exercises</a>.</p>`, a one-sentence paragraph in its own wrapper. A link inside a `<p>` loses its tag (its text
  stays) when that paragraph holds at least one word outside its links, runs to at least PROSE_CHARS characters
  and ends like a sentence. A paragraph that is only links, a list item, a link alone in a block, a short label
  and a line without a sentence's end keep their links, and trafilatura judges them as before.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

EMPTY_INLINE = ("b", "em", "i", "q", "span", "strong")
PROSE_CHARS = 40
SENTENCE_END = (".", "!", "?", "”", '"', "’", ")", "。", "！", "？")
WORD = re.compile(r"\w+")


def repair_inline(tree: HtmlElement) -> None:
    """Both repairs, in place."""
    drop_empty_inline(tree)
    unlink_prose_links(tree)


def drop_empty_inline(tree: HtmlElement) -> None:
    """Drop empty inline elements, keeping the text after them."""
    for element in [e for e in tree.iter(*EMPTY_INLINE) if e.text is None and len(e) == 0]:
        if element.getparent() is not None:
            element.drop_tree()  # lxml joins the element's tail to the text before it


def unlink_prose_links(tree: HtmlElement) -> None:
    """Drop the tags of links inside paragraphs that are sentences, keeping the links' text."""
    for paragraph in tree.iter("p"):
        links = list(paragraph.iter("a"))
        if links and is_prose(paragraph, links):
            for link in links:
                link.drop_tag()


def is_prose(paragraph: HtmlElement, links: list[HtmlElement]) -> bool:
    text = paragraph.text_content().strip()
    if len(text) < PROSE_CHARS or not text.endswith(SENTENCE_END):
        return False
    linked = sum(len(WORD.findall(link.text_content())) for link in links)
    return len(WORD.findall(text)) > linked
