"""Topic tagging with IPTC Media Topics: one Aho-Corasick pass over title and body, scored per topic."""

from __future__ import annotations

import math
import os
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import ahocorasick

from tasks.models import Article, TopicScore
from tasks.words import spaced_bytes

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "taxonomy.toml"
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_CHARS = 500
SATURATION = 4.0
MIN_SCORE = 0.25
MAX_TOPICS = 5
ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


@dataclass(slots=True)
class Topic:
    code: str
    label: str
    parent: str | None = None


@dataclass(slots=True)
class Tagger:
    """A compiled taxonomy: automatons over space-normalised text (case-folded terms; case-kept acronyms)."""

    version: str
    topics: dict[str, Topic]
    folded: ahocorasick.Automaton
    exact: ahocorasick.Automaton
    keys: list[tuple[tuple[int, float], ...]]  # automaton value → (term id, weight) pairs it counts for
    terms: list[tuple[str, str, tuple[str, ...]]]  # term id → (topic, term, topics it scores for)
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


def normalise(text: str, fold: bool = True) -> str:
    """Punctuation and line breaks become spaces, with a space at both ends, so " term " matches whole words.

    Runs of spaces are left alone: a key needs one space on each side, and only word characters between.
    """
    # ASCII text takes str.translate's fast path; other text goes through bytes (tasks.words), 3x the regex
    spaced = f" {text.translate(ASCII_SEPARATORS) if text.isascii() else spaced_bytes(text, lower=False).decode()} "
    return spaced.casefold() if fold else spaced


def build_tagger(paths: list[Path] | None = None) -> Tagger:
    """Compile the taxonomy: "elect*" matches word prefixes; a term with a capital letter keeps its case."""
    version, topics, terms = load_taxonomy_files(paths or taxonomy_paths())
    entries: dict[tuple[bool, str], dict[int, float]] = defaultdict(dict)
    term_ids: dict[tuple[str, str], int] = {}
    for term, code, weight in terms:
        prefix = term.endswith("*")
        word = term.rstrip("*").strip()
        keep_case = any(c.isupper() for c in word)
        key = " ".join(normalise(word, fold=not keep_case).split())
        if not key:
            continue
        term_id = term_ids.setdefault((code, word), len(term_ids))
        for form in [key] if keep_case or prefix else inflections(key):
            entries[(keep_case, f" {form}" if prefix else f" {form} ")][term_id] = weight
    folded, exact, keys = ahocorasick.Automaton(), ahocorasick.Automaton(), []
    for (keep_case, pattern), weights in entries.items():
        (exact if keep_case else folded).add_word(pattern, len(keys))
        keys.append(tuple(weights.items()))
    for automaton in (folded, exact):
        if len(automaton) == 0:
            automaton.add_word("\x00", len(keys))
            keys.append(())
        automaton.make_automaton()
    scored = [(code, word, tuple(dict.fromkeys([code, topics[code].parent or code]))) for code, word in term_ids]
    return Tagger(version=version, topics=topics, folded=folded, exact=exact, keys=keys, terms=scored)


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
    cut = body.find(" ", LEAD_CHARS)
    cut = len(body) if cut < 0 else cut
    hits: dict[int, float] = defaultdict(float)
    for text, position in ((title, TITLE_WEIGHT), (body[:cut], LEAD_WEIGHT), (body[cut:], 1.0)):
        if not text:
            continue
        spaced = normalise(text, fold=False)
        for automaton, haystack in ((tagger.folded, spaced.casefold()), (tagger.exact, spaced)):
            for key, count in Counter(map(itemgetter(1), automaton.iter(haystack))).items():
                for term_id, weight in tagger.keys[key]:
                    hits[term_id] += weight * position * count
    return rank_topics(tagger, hits)


def rank_topics(tagger: Tagger, hits: dict[int, float]) -> list[TopicScore]:
    """Sum log(1 + weighted hits) per topic (and its parent); score = saturation × strength relative to the best."""
    raw: dict[str, float] = defaultdict(float)
    fired: dict[str, list[str]] = defaultdict(list)
    for term_id, value in sorted(hits.items(), key=lambda item: -item[1]):
        _, word, targets = tagger.terms[term_id]
        strength = math.log1p(value)
        for target in targets:
            raw[target] += strength
            fired[target].append(word)
    if not raw:
        return []
    best = max(raw.values())
    scores = []
    for code, value in raw.items():
        score = (1 - math.exp(-value / SATURATION)) * math.sqrt(value / best)
        if score >= tagger.min_score:
            topic = tagger.topics[code]
            scores.append(TopicScore(code, topic.label, round(score, 4), list(dict.fromkeys(fired[code]))[:12]))
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
