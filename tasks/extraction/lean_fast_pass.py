"""trafilatura's fast pass without the two tree copies it makes and never reads.

`trafilatura.extract(tree)` copies the caller's tree once (so the caller's tree is never changed), then, in
`_prepare_tree`, copies that copy again before cleaning it, and copies the cleaned tree as a backup. The second copy
keeps the raw tree for the stages that read it after cleaning: the external extractors (not in the fast pass), the
baseline rescue (not when favouring precision) and the recall escalation (only in balanced focus). The backup feeds
the external extractors and the comment-forum branch (only with comments). So in a fast pass that favours precision
and leaves comments out, neither copy is read again, and cleaning trafilatura's own copy in place gives the same
text. newsflow extracts that way (tasks/extraction/extract_page.py); every other call goes to trafilatura's own
function. On the ingest benchmark's pages, in one process, this took the extraction call (parse included) from 10.3
to 9.6 ms a page.

The patched function is internal to trafilatura, and the reasoning above reads the code that calls it, so the patch is
made only where the source of the three functions is the one it was checked against (trafilatura 2.3.1); elsewhere
trafilatura runs as shipped. tests/test_lean_fast_pass.py compares the texts.
"""

from __future__ import annotations

import hashlib
import inspect

import trafilatura.core
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

SHIPPED = trafilatura.core._prepare_tree
CHECKED_SOURCE = "c2fedb1ea041becbce7d0f7cf79ca949f7dc11d6f3e57713d6a530feaea7c81d"  # sha256, see source_digest


def lean_prepare_tree(tree: HtmlElement, options: Extractor, url: str | None) -> tuple[HtmlElement, HtmlElement | None]:
    """The cleaned, converted tree; no backup, and `tree` (trafilatura's own copy) cleaned in place, when neither
    would be read again."""
    if options.fast and options.focus == "precision" and not options.comments:
        return convert_tags(tree_cleaning(tree, options), options, url), None
    return SHIPPED(tree, options, url)


def source_digest() -> str | None:
    """sha256 of the source of trafilatura's tree preparation and of the two functions that read its results."""
    core = trafilatura.core
    try:
        source = "".join(inspect.getsource(f) for f in (SHIPPED, core.trafilatura_sequence, core._extract_and_compare))
    except (AttributeError, OSError, TypeError):
        return None
    return hashlib.sha256(source.encode()).hexdigest()


def install_lean_fast_pass() -> bool:
    """Put lean_prepare_tree in trafilatura's place; False where trafilatura's code is not the code checked."""
    if trafilatura.core._prepare_tree is lean_prepare_tree:
        return True
    if source_digest() != CHECKED_SOURCE:
        return False
    trafilatura.core._prepare_tree = lean_prepare_tree
    return True
