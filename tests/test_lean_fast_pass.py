"""trafilatura's fast pass without its two unread tree copies gives trafilatura's own text (lean_fast_pass)."""

import random
from pathlib import Path

import pytest
import trafilatura
import trafilatura.core
from lxml.html import tostring
from trafilatura.utils import load_html

from tasks.extraction import extract_page as page_module
from tasks.extraction import lean_fast_pass
from tasks.extraction.lean_fast_pass import SHIPPED, install_lean_fast_pass, lean_prepare_tree

FIXTURES = Path(__file__).parent / "fixtures"
WORDS = ("harbour council budget river school vote minister storm market trial league museum court bridge"
         " farmers report police energy hospital festival").split()  # fmt: skip
NEWSFLOW = {"include_comments": False, "favor_precision": True, "config": page_module.CONFIG,
            "prune_xpath": page_module.PRUNE_XPATH}  # fmt: skip


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])


def links(rng: random.Random, count: int) -> str:
    return "".join(f'<li><a href="/s/{rng.randint(1, 999)}">{sentence(rng)[:30]}</a></li>' for _ in range(count))


def article_page(seed: int) -> str:
    """A news page with the parts trafilatura's stages treat apart: navigation, the story (paragraphs, lists,
    quotes, a table, a figure), comments, related links, a forum's JSON-LD, a footer; each part present or not."""
    rng = random.Random(seed)
    parts = [f"<nav class='menu'><ul>{links(rng, rng.randint(3, 12))}</ul></nav>"] if rng.random() < 0.8 else []
    story = [f"<h1>{sentence(rng)}</h1>"]
    for _ in range(rng.choice([1, 2, 4, 8, 15])):
        kind = rng.random()
        if kind < 0.6:
            story.append(f"<p>{' '.join(sentence(rng) for _ in range(rng.randint(1, 5)))}</p>")
        elif kind < 0.7:
            story.append(f"<ul>{''.join(f'<li>{sentence(rng)}</li>' for _ in range(3))}</ul>")
        elif kind < 0.8:
            story.append(f"<blockquote>{sentence(rng)}</blockquote>")
        elif kind < 0.9:
            story.append(f"<table><tr><td>{sentence(rng)}</td><td>{rng.randint(1, 99)}</td></tr></table>")
        else:
            story.append(f"<figure><img src='/i.jpg'><figcaption>{sentence(rng)}</figcaption></figure>")
    wrapper = rng.choice(["article", "div class='story-body'", "main", "div"])
    parts.append(f"<{wrapper}>{''.join(story)}</{wrapper.split()[0]}>")
    if rng.random() < 0.5:
        comments = "".join(f"<div class='comment'><p>{sentence(rng)}</p></div>" for _ in range(rng.randint(1, 6)))
        parts.append(f"<div id='comments' class='comments-area'>{comments}</div>")
    if rng.random() < 0.5:
        parts.append(f"<aside class='related'><ul>{links(rng, 5)}</ul></aside>")
    if rng.random() < 0.3:
        parts.append(f"<div class='tooltip'>{sentence(rng)}</div><div class='share-buttons'>Share</div>")
    head = "<title>t</title>"
    if rng.random() < 0.2:
        head += '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
    return f"<html><head>{head}</head><body>{''.join(parts)}<footer>{sentence(rng)}</footer></body></html>"


def pages() -> list[str]:
    found = [article_page(seed) for seed in range(40)]
    found += [p.read_text() for p in [FIXTURES / "html" / "orchard.html", FIXTURES / "web" / "article.html"]]
    return found


@pytest.fixture
def shipped(monkeypatch):
    """Call to run trafilatura as shipped, for the rest of the test."""
    return lambda: monkeypatch.setattr(trafilatura.core, "_prepare_tree", SHIPPED)


def test_the_lean_pass_is_installed_with_the_extractor():
    assert trafilatura.core._prepare_tree is lean_prepare_tree
    assert install_lean_fast_pass() is True  # again: nothing more to do


@pytest.mark.parametrize(
    "options",
    [
        {"fast": True, **NEWSFLOW},  # newsflow's fast pass: the lean path
        {"fast": False, **NEWSFLOW},  # newsflow's fallback: trafilatura's own path
        {"fast": True},  # the defaults, fast: trafilatura's own path
        {"fast": True, "favor_precision": True, "include_comments": True},
    ],
)
def test_every_page_gives_the_text_trafilatura_gives(options, shipped):
    lean = [trafilatura.extract(load_html(page), **options) for page in pages()]
    shipped()
    expected = [trafilatura.extract(load_html(page), **options) for page in pages()]
    assert lean == expected
    assert sum(bool(text) for text in expected) >= 35  # the pages have text to find


def test_the_callers_tree_is_left_as_it_was():
    for page in pages()[:10]:
        tree = load_html(page)
        before = tostring(tree)
        assert page_module.extract_main_text(tree, None)[0]
        assert tostring(tree) == before


def test_only_the_fast_precision_pass_without_comments_skips_the_backup():
    tree = load_html(article_page(1))
    options = trafilatura.settings.Extractor(fast=True, precision=True, comments=False)
    assert lean_prepare_tree(tree, options, None)[1] is None
    for changed in ({"fast": False}, {"precision": False}, {"comments": True}):
        options = trafilatura.settings.Extractor(**{"fast": True, "precision": True, "comments": False, **changed})
        assert lean_prepare_tree(load_html(article_page(1)), options, None)[1] is not None, changed


def test_a_trafilatura_whose_code_changed_runs_as_shipped(monkeypatch, shipped):
    shipped()
    monkeypatch.setattr(lean_fast_pass, "source_digest", lambda: "another trafilatura")
    assert install_lean_fast_pass() is False
    assert trafilatura.core._prepare_tree is SHIPPED
