"""Topic tagging with IPTC Media Topics: one Aho-Corasick pass over title and body, scored per topic."""

from __future__ import annotations

import math
import os
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from tasks.models import Article, TopicScore

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "taxonomy.toml"
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_CHARS = 500
SATURATION = 4.0
MIN_SCORE = 0.25
MAX_TOPICS = 5
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœšžß'-")


@dataclass(slots=True)
class Topic:
    code: str
    label: str
    parent: str | None = None


@dataclass(slots=True)
class Tagger:
    """A compiled taxonomy: two automatons (case-folded terms, and case-kept acronyms) and the topics."""

    version: str
    topics: dict[str, Topic]
    folded: ahocorasick.Automaton
    exact: ahocorasick.Automaton
    min_score: float = MIN_SCORE


def load_taxonomy_files(paths: list[Path]) -> tuple[str, dict[str, Topic], list[tuple[str, str, float]]]:
    """Read taxonomy TOML files in order; later files add topics and terms. Returns version, topics, terms."""
    versions, topics, terms = [], {}, []
    for path in paths:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        versions.append(str(data.get("version", Path(path).stem)))
        for entry in data.get("topic", []):
            code = entry["code"]
            topics.setdefault(code, Topic(code, entry.get("label", code), entry.get("parent") or None))
            for weight_key, weight in (("terms", 1.0), ("strong", 2.5), ("weak", 0.5)):
                terms.extend((term, code, weight) for term in entry.get(weight_key, []))
    return "+".join(versions), topics, terms


def build_tagger(paths: list[Path] | None = None) -> Tagger:
    """Compile the taxonomy into automatons: "elect*" matches word prefixes, Capitalised terms keep case."""
    version, topics, terms = load_taxonomy_files(paths or taxonomy_paths())
    folded, exact = ahocorasick.Automaton(), ahocorasick.Automaton()
    entries: dict[tuple[bool, str], list[tuple[str, float, str, bool]]] = defaultdict(list)
    for term, code, weight in terms:
        prefix = term.endswith("*")
        word = term.rstrip("*").strip()
        keep_case = any(c.isupper() for c in word)
        key = word if keep_case else word.casefold()
        for form in [key] if prefix or keep_case else inflections(key):
            entries[(keep_case, form)].append((code, weight, word, prefix))
    for (keep_case, form), values in entries.items():
        (exact if keep_case else folded).add_word(form, (len(form), tuple(values)))
    for automaton in (folded, exact):
        if len(automaton) == 0:
            automaton.add_word("\x00", (1, ()))
        automaton.make_automaton()
    return Tagger(version=version, topics=topics, folded=folded, exact=exact)


def inflections(word: str) -> list[str]:
    """A term and its regular English plural (and -ies, -es) forms, so "election" finds "elections"."""
    last = word.rsplit(" ", 1)[-1]
    forms = [word]
    if not last[-1:].isalpha() or len(last) < 3:
        return forms
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        forms.append(word[:-1] + "ies")
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(word + "es")
    else:
        forms.append(word + "s")
    return forms


def taxonomy_paths() -> list[Path]:
    """The shipped taxonomy, then any files named in NEWSFLOW_TAXONOMY (os.pathsep-separated)."""
    extra = [Path(p) for p in os.environ.get("NEWSFLOW_TAXONOMY", "").split(os.pathsep) if p]
    return [DEFAULT_TAXONOMY, *extra]


@lru_cache(maxsize=4)
def cached_tagger(paths: tuple[str, ...]) -> Tagger:
    return build_tagger([Path(p) for p in paths])


def get_tagger() -> Tagger:
    return cached_tagger(tuple(str(p) for p in taxonomy_paths()))


def score_text(tagger: Tagger, title: str, body: str) -> list[TopicScore]:
    """Score every topic; title hits weigh 3×, the lead 1.5×; repeated terms count with diminishing returns."""
    text = f"{title}\n\n{body}"
    title_end, lead_end = len(title), len(title) + LEAD_CHARS
    hits: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for automaton, haystack in ((tagger.folded, text.casefold()), (tagger.exact, text)):
        if len(haystack) != len(text):
            haystack = text.lower()  # casefold changed lengths (ß → ss): positions must line up
        for end, (length, values) in automaton.iter(haystack):
            start = end - length + 1
            if start > 0 and haystack[start - 1].lower() in WORD_CHARS:
                continue
            after = haystack[end + 1 : end + 2].lower()
            position = TITLE_WEIGHT if start < title_end else LEAD_WEIGHT if start < lead_end else 1.0
            for code, weight, word, prefix in values:
                if not prefix and after and after in WORD_CHARS and after not in "'-":
                    continue
                hits[code][word] += weight * position
    return rank_topics(tagger, hits)


def rank_topics(tagger: Tagger, hits: dict[str, dict[str, float]]) -> list[TopicScore]:
    raw: dict[str, float] = {}
    fired: dict[str, list[str]] = {}
    for code, words in hits.items():
        top = tagger.topics[code].parent or code
        for target in {code, top}:
            for word, value in words.items():
                raw[target] = raw.get(target, 0.0) + math.log1p(value)
                fired.setdefault(target, [])
                if word not in fired[target]:
                    fired[target].append(word)
    if not raw:
        return []
    best = max(raw.values())
    scores = []
    for code, value in raw.items():
        score = (1 - math.exp(-value / SATURATION)) * math.sqrt(value / best)
        if score >= tagger.min_score:
            topic = tagger.topics[code]
            scores.append(TopicScore(code, topic.label, round(score, 4), fired[code][:12]))
    scores.sort(key=lambda s: -s.score)
    top_level = [s for s in scores if not tagger.topics[s.topic].parent][:MAX_TOPICS]
    keep = {s.topic for s in top_level}
    return [s for s in scores if s.topic in keep or tagger.topics[s.topic].parent in keep]


def tag_articles(articles: list[Article], tagger: Tagger | None = None) -> None:
    """Give every article its topics and the taxonomy version that produced them."""
    tagger = tagger or get_tagger()
    for article in articles:
        article.topics = score_text(tagger, article.title or "", article.body)
        article.tagger_version = tagger.version
