"""The `contains()` guards put in front of trafilatura's regex tests select exactly the elements the original
XPaths select, and every string a regex matches holds one of the literals it is guarded by."""

import random
import re

import pytest
import trafilatura.xpaths
from lxml.etree import XPath
from lxml.html import fromstring

from tasks.extraction.regex_guards import (
    ORIGINAL_PATHS,
    RE_TEST,
    REGEXP_NS,
    guard_regex_tests,
    install_regex_guards,
    required_literals,
)

TAGS = ["div", "section", "aside", "ol", "ul", "span", "p", "article", "main", "details", "list", "item", "a"]
SEPARATORS = ["", "-", " ", "_", "__"]


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("hidden", ["hidden"]),
        ("^shar|social", ["shar", "social"]),
        ("[Cc]omment(?!ary)|comol", ["omment", "comol"]),
        ("^(?:comol|disqus_thread)", ["comol", "disqus_thread"]),
        ("infinite-?scroll", ["infinite"]),
        ("(?:abc|de)xyzw", ["xyzw"]),
        ("(^|\\s)link(\\s|$)", ["link"]),
        ("a|bc", None),  # a branch with no literal of two characters
        ("(?i)abc", None),  # case ignored: contains() would turn away ABC
        ("x(?i:abc)yz", ["yz"]),
        ("[ab]+", None),
        ("(", None),
    ],
)
def test_the_literals_every_match_must_hold(pattern, literals):
    assert required_literals(pattern) == literals


def original_xpaths() -> list[XPath]:
    """trafilatura's list XPaths that test a regex, as trafilatura wrote them (not as installed here)."""
    found = []
    for value in vars(trafilatura.xpaths).values():
        if isinstance(value, list) and value and all(isinstance(item, XPath) for item in value):
            paths = [ORIGINAL_PATHS.get(id(item), item.path) for item in value]
            found += [XPath(path, namespaces={"re": REGEXP_NS}) for path in paths if "re:test" in path]
    return found


def vocabulary() -> list[str]:
    """Word pieces of every pattern trafilatura tests ids and classes with, and their look-alikes."""
    pieces = set()
    for path in [x.path for x in original_xpaths()]:
        for match in RE_TEST.finditer(path):
            pieces.update(re.findall(r"[A-Za-z][\w-]*", match.group(2)))
    return sorted(pieces | {"commentary", "Comment", "content", "main", "hidden", "display:none", "nav", "x"})


def attribute_value(rng: random.Random, words: list[str]) -> str:
    parts = [rng.choice(words) for _ in range(rng.randint(1, 3))]
    value = rng.choice(SEPARATORS).join(part.capitalize() if rng.random() < 0.2 else part for part in parts)
    return value.strip("-") if rng.random() < 0.5 else value


def synthetic_page(seed: int, elements: int = 1500) -> str:
    """Nested elements whose ids, classes and styles are made of the patterns' own pieces: many match a
    pattern, many come close."""
    rng, words, html, depth = random.Random(seed), vocabulary(), ["<html><body>"], 0
    for _ in range(elements):
        tag = rng.choice(TAGS)
        names = [n for n in ("class", "id", "style", "role") if rng.random() < (0.7 if n == "class" else 0.25)]
        rng.shuffle(names)  # which of id and class comes first decides what re:test(@id|@class, …) reads
        attributes = "".join(f' {n}="{attribute_value(rng, words)}"' for n in names)
        html.append(f"<{tag}{attributes}>{'<h1>t</h1>' if rng.random() < 0.05 else ''}text {rng.random():.3f}")
        if depth < 12 and rng.random() < 0.55:
            depth += 1
        else:
            html.append(f"</{tag}>")
            while depth and rng.random() < 0.3:
                html.append("</div>" if rng.random() < 0.5 else "</section>")
                depth -= 1
    return "".join(html) + "</body></html>"


def test_a_string_a_pattern_matches_always_holds_one_of_its_literals():
    rng, words, checked = random.Random(7), vocabulary(), 0
    patterns = {m.group(2) for x in original_xpaths() for m in RE_TEST.finditer(x.path) if not m.group(3)}
    for pattern in patterns:
        literals = required_literals(pattern)
        if literals is None:
            continue
        for _ in range(1000):
            value = attribute_value(rng, words)
            if re.search(pattern, value):
                checked += 1
                assert any(literal in value for literal in literals), (pattern, value)
    assert checked > 1500  # the strings reach the patterns


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_guarded_xpath_selects_the_elements_the_original_selects(seed):
    tree = fromstring(synthetic_page(seed))
    rewritten = matched = 0
    for original in original_xpaths():
        guarded = XPath(guard_regex_tests(original.path), namespaces={"re": REGEXP_NS})
        rewritten += guarded.path != original.path
        expected = [tree.getroottree().getpath(e) for e in original(tree)]
        assert [tree.getroottree().getpath(e) for e in guarded(tree)] == expected, original.path
        matched += bool(expected)
    assert rewritten >= 15 and matched >= 15  # most are guarded, and most select something on the page


def test_extraction_runs_with_the_guards_installed():
    import tasks.extraction.extract_page  # noqa: F401  (installs them)

    prune = trafilatura.xpaths.RAW_TREE_PRUNE_XPATH[0].path
    assert "(@class and (contains(@class, 'mvp-post-add-') or contains(@class, 'infinite')) and re:test(@class" in prune
    assert install_regex_guards() == 0  # a second install changes nothing
