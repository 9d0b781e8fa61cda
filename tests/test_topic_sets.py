"""The topic sets in benchmarks/data: well-formed, labelled with the taxonomy's top-level codes, and the dev sets
kept apart from the training set (a dev text that is also trained on would measure nothing)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tasks.tagging.tag import DEFAULT_TAXONOMY, build_tagger

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"


def read_rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@pytest.fixture(scope="module")
def top_codes() -> set[str]:
    tagger = build_tagger([DEFAULT_TAXONOMY], model="")  # the shipped taxonomy, whatever NEWSFLOW_TAXONOMY adds
    return {code for code, topic in tagger.topics.items() if not topic.parent}


def test_the_written_articles_are_full_labelled_news(top_codes):
    rows = read_rows("articles-dev.jsonl")
    assert all(set(r) == {"title", "body", "topics"} and len(r["topics"]) == 1 for r in rows)
    assert {r["topics"][0] for r in rows} == top_codes  # every top-level topic has articles
    assert all(120 <= len(r["body"].split()) <= 420 for r in rows)
    assert len({r["title"] for r in rows}) == len(rows)
    assert len(rows) == 408 and set(Counter(r["topics"][0] for r in rows).values()) == {24}


def test_no_dev_headline_is_a_training_headline():
    train = [shingles(r["title"]) for r in read_rows("topics-train.jsonl")]
    dev = [r["title"] for r in read_rows("headlines-dev.jsonl")] + [r["title"] for r in read_rows("articles-dev.jsonl")]
    for title in dev:
        own = shingles(title)
        for other in train:
            assert len(own & other) <= max(2, 0.5 * min(len(own), len(other))), title


def test_no_dev_text_is_in_the_training_set():
    train = [shingles(f"{r['title']} {r.get('body', '')}") for r in read_rows("topics-train.jsonl")]
    dev = [r["title"] for r in read_rows("headlines-dev.jsonl")]
    dev += [f"{r['title']} {r['body']}" for r in read_rows("articles-dev.jsonl")]
    for text in dev:
        own = shingles(text)
        for other in train:
            shared = len(own & other)
            assert shared <= max(3, 0.5 * min(len(own), len(other))), text[:80]  # a stock phrase is no copy
