"""Bylines to author names: the one splitter every reader uses."""

from __future__ import annotations

import re

BY_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|door|av|af):?\s+", re.IGNORECASE)
URLISH = re.compile(r"^(?:https?:|www\.|/)|\.(?:com|org|net)\b|@")
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
NOT_NAMES = {"staff", "admin", "editor", "editorial", "news", "desk", "team", "reporter", "correspondent"}
MAX_AUTHORS = 10


def split_authors(raw: str | list[str]) -> list[str]:
    """Split bylines ("By A, B and C") into names; drop URLs, e-mail addresses, desks and repeats."""
    names: list[str] = []
    for text in [raw] if isinstance(raw, str) else raw:
        text = BY_PREFIX.sub("", " ".join(text.split()))
        for name in AUTHOR_SPLIT.split(text):
            name = name.strip(" .,:;|-")
            if 2 < len(name) <= 60 and not URLISH.search(name) and name.lower() not in NOT_NAMES and name not in names:
                names.append(name)
    return names[:MAX_AUTHORS]
