"""Topic tagging with IPTC Media Topics: one Aho-Corasick pass over title and body, scored per topic."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import ahocorasick

from tasks.cleaning.words import spaced_bytes
from tasks.config import ConfigError, check_taxonomy_file, load_settings
from tasks.models import Article, TopicScore
from tasks.tagging.calibrate import (
    SHIPPED_CALIBRATION,
    CalibrationError,
    ScoreCalibration,
    calibrate_topics,
    load_score_calibration,
)
from tasks.tagging.embed import (
    MODEL_TAG,
    SHORT_WORDS,
    Prototypes,
    fuse_short,
    model_text,
    model_topics,
    prototypes_for,
    topic_probabilities,
)
from tasks.tagging.figurative import blank_figures
from tasks.tagging.head import HeadError, load_head

DEFAULT_TAXONOMY = Path(__file__).parent.parent / "data" / "taxonomy.toml"
SHIPPED_HEAD = Path(__file__).parent.parent / "data" / "topic-head.npz"
logger = logging.getLogger(__name__)
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_CHARS = 500
SATURATION = 4.0
MIN_SCORE = 0.25
MAX_TOPICS = 5
EXPLAIN_TERMS = 12
ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
# what a word list cannot say: a number scored ("scores 31", "scored two") is sport; the pattern runs only on a
# text holding its cue (most texts do not: a regex over every text would cost more than the whole lexicon pass).
# Each: (topic, name, weight, context only, a cue that must be in the folded text, the pattern)
PATTERNS = (
    ("medtop:15000000", "scores N", 2.5, False, "scor",
     re.compile(r"\b(?:scores|scored|scoring|score) (?:a )?(?:\d{1,3}|two|three|four|five)\b", re.IGNORECASE)),
)  # fmt: skip


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
    context: frozenset[int] = frozenset()  # term ids that count only beside other evidence for the topic
    roots: dict[str, str] = field(default_factory=dict)  # topic → its top-level topic
    min_score: float = MIN_SCORE
    head: Prototypes | None = None  # a trained topic head (NEWSFLOW_TOPIC_MODEL) instead of the prototypes
    patterns: tuple[tuple[int, float, str, re.Pattern], ...] = ()  # (term id, weight, cue, regex) of PATTERNS
    calibration: ScoreCalibration | None = None  # the shipped head's score map (tasks/tagging/calibrate.py)


TermEntry = tuple[str, str, float, bool]  # term, topic code, weight, context-only


def load_taxonomy_files(paths: list[Path]) -> tuple[str, dict[str, Topic], list[TermEntry]]:
    """Read taxonomy TOML files in order; later files add topics and terms. Returns version, topics, terms."""
    versions, topics, terms = [], {}, []
    for path in paths:
        data = check_taxonomy_file(Path(path))  # a misspelt key or a wrong type is a ConfigError naming its line
        versions.append(data.version or Path(path).stem)
        for entry in data.topic:
            code = entry.code
            topics.setdefault(code, Topic(code, entry.label or code, entry.parent or None))
            for weight_key, weight in (("terms", 1.0), ("strong", 2.5), ("weak", 0.5), ("context", 1.0)):
                terms.extend((term, code, weight, weight_key == "context") for term in getattr(entry, weight_key))
    return "+".join(versions), topics, terms


def normalise(text: str, fold: bool = True) -> str:
    """Punctuation and line breaks become spaces, with a space at both ends, so " term " matches whole words.

    Runs of spaces are left alone: a key needs one space on each side, and only word characters between.
    """
    # ASCII text takes str.translate's fast path; other text goes through bytes (tasks.cleaning.words), 3x the regex
    spaced = f" {text.translate(ASCII_SEPARATORS) if text.isascii() else spaced_bytes(text, lower=False).decode()} "
    return spaced.casefold() if fold else spaced


def build_tagger(paths: list[Path] | None = None, model: str | None = None, calibrated: bool = True) -> Tagger:
    """Compile the taxonomy: "elect*" matches word prefixes; a term with a capital letter keeps its case. `model`
    is a trained topic head's file (default: NEWSFLOW_TOPIC_MODEL, if set); a head comes with its score calibration
    unless `calibrated` is false (benchmarks/calibrate_topics.py fits the shipped head's, `newsflow topics train`
    yours)."""
    version, topics, terms = load_taxonomy_files(paths or taxonomy_paths())
    if model is None:  # NEWSFLOW_TOPIC_MODEL, else the shipped head; model="" is no head (the prototypes)
        model = load_settings().topic_model
        head = head_prototypes(model, topics) if model else shipped_head(topics)
        calibration = None if model or head is None or not calibrated else shipped_calibration(head, version)
    else:
        head, calibration = head_prototypes(model, topics), None
    if model and calibrated:
        calibration = own_calibration(model, version)
    entries: dict[tuple[bool, str], dict[int, float]] = defaultdict(dict)
    term_ids: dict[tuple[str, str], int] = {}
    owners: dict[tuple[str, bool, str], int] = {}
    context: set[int] = set()
    for term, code, weight, context_only in terms:
        prefix = term.endswith("*")
        word = term.rstrip("*").strip()
        keep_case = any(c.isupper() for c in word)
        key = " ".join(normalise(word, fold=not keep_case).split())
        if not key:
            continue
        term_id = term_ids.setdefault((code, word), len(term_ids))
        if context_only:
            context.add(term_id)
        for form in [key] if keep_case or prefix else inflections(key):
            pattern = f" {form}" if prefix else f" {form} "
            # one surface form counts once per topic ("hip-hop" and "hip hop"; "cinema"'s plural and "cinemas")
            owner = owners.setdefault((code, keep_case, pattern), term_id)
            weights = entries[(keep_case, pattern)]
            weights[owner] = max(weights.get(owner, 0.0), weight)
    folded, exact, keys = ahocorasick.Automaton(), ahocorasick.Automaton(), []
    for (keep_case, pattern), weights in entries.items():
        (exact if keep_case else folded).add_word(pattern, len(keys))
        keys.append(tuple(weights.items()))
    for automaton in (folded, exact):
        if len(automaton) == 0:
            automaton.add_word("\x00", len(keys))
            keys.append(())
        automaton.make_automaton()
    patterns = []
    for code, word, weight, context_only, cue, regex in PATTERNS:
        if code in topics:
            term_id = term_ids.setdefault((code, word), len(term_ids))
            patterns.append((term_id, weight, cue, regex))
            if context_only:
                context.add(term_id)
    # a word listed under a topic and under its subtopic counts once for the topic; a grouping topic with no
    # terms of its own (IPTC's "competition discipline") is skipped: its subtopics count for the topic above it
    own_words = {(code, word) for code, word in term_ids}
    scored_topics = {code for code, _ in term_ids} | {code for code, topic in topics.items() if not topic.parent}
    scored = [(code, word, tuple(t for t in ancestry(topics, code)
                                 if t == code or (t in scored_topics and (t, word) not in own_words)))
              for code, word in term_ids]  # fmt: skip
    model_version = (head.tag if head else MODEL_TAG) + (f"+{calibration.tag}" if calibration else "")
    return Tagger(version=f"{model_version}/{version}", topics=topics, folded=folded, exact=exact,
                  keys=keys, terms=scored, context=frozenset(context),
                  roots={code: ancestry(topics, code)[-1] for code in topics}, head=head,
                  patterns=tuple(patterns), calibration=calibration)  # fmt: skip


def shipped_calibration(head: Prototypes, version: str) -> ScoreCalibration | None:
    """The shipped head's score calibration (tasks/data/topic-calibration.json), when it was fitted for it and for
    this version of the shipped taxonomy (the first of `version`'s parts)."""
    try:
        return load_score_calibration(SHIPPED_CALIBRATION, head.tag, version.split("+", 1)[0])
    except CalibrationError as error:
        raise ConfigError(str(error)) from None


def own_calibration(model: str, version: str) -> ScoreCalibration | None:
    """The score map `newsflow topics train` fitted for a head of your own, when it was fitted with this taxonomy
    (tasks/tagging/calibrate_head.py); a head trained with other taxonomy files keeps fused scores, and the log
    says so."""
    score_map = load_head(model).score_map
    if score_map is not None and score_map.taxonomy != version:
        logger.warning("%s was calibrated with taxonomy %s, not %s: its topic scores are not calibrated (train it "
                       "again)", model, score_map.taxonomy, version)  # fmt: skip
        return None
    return score_map


def shipped_head(topics: dict[str, Topic]) -> Prototypes | None:
    """The head newsflow ships (`make train-topics`: trained on benchmarks/data/topics-train.jsonl), fused with the
    lexicon on every article as a head of your own is; None without its file. It knows the 17 IPTC top-level
    topics: topics a taxonomy adds of its own are scored by their terms (`newsflow topics train` teaches a head
    them)."""
    if not SHIPPED_HEAD.is_file():
        return None
    return head_prototypes(str(SHIPPED_HEAD), topics)


def head_prototypes(model: str | None, topics: dict[str, Topic]) -> Prototypes | None:
    """A trained head as the tagger's model; ConfigError when the file is unusable or names unknown topics."""
    if not model:
        return None
    try:
        head = load_head(model)
    except HeadError as error:
        raise ConfigError(str(error)) from None
    if unknown := [c for c in head.codes if c not in topics]:
        raise ConfigError(f"{model}: topics {', '.join(unknown[:3])} are not in the taxonomy (NEWSFLOW_TAXONOMY)")
    return Prototypes(head.codes, [topics[c].label for c in head.codes], head.weights, head.bias, 1.0, head.tag,
                      everywhere=True)  # fmt: skip


def ancestry(topics: dict[str, Topic], code: str) -> tuple[str, ...]:
    """A topic and every broader topic up to its top-level one; hits on a term count for all of them."""
    chain = [code]
    while (parent := topics[chain[-1]].parent) and parent in topics and parent not in chain:
        chain.append(parent)
    return tuple(chain)


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
    return [DEFAULT_TAXONOMY, *load_settings().taxonomy_files]


def cached_tagger(paths: tuple[str, ...]) -> Tagger:
    return tagger_for(paths, load_settings().topic_model)


@lru_cache(maxsize=4)
def tagger_for(paths: tuple[str, ...], model: str | None) -> Tagger:
    return build_tagger([Path(p) for p in paths], model)


def get_tagger() -> Tagger:
    return cached_tagger(tuple(str(p) for p in taxonomy_paths()))


def score_text(tagger: Tagger, title: str, body: str) -> list[TopicScore]:
    """Score every topic; title hits weigh 3×, the lead 1.5×; repeated terms count with diminishing returns."""
    cut = body.find(" ", LEAD_CHARS)
    cut = len(body) if cut < 0 else cut
    text = blank_figures(f"{title}\n{body}")
    spaced = normalise(text, fold=False)
    folded = spaced.casefold()
    # zones share their boundary space; a multi-word term across the lead's end is the only thing not seen
    title_end, lead_end = len(title) + 1, len(title) + 2 + cut
    zones = ((0, title_end + 1, TITLE_WEIGHT), (title_end, lead_end + 1, LEAD_WEIGHT), (lead_end, len(spaced), 1.0))
    hits: dict[int, float] = defaultdict(float)
    for automaton, haystack in ((tagger.folded, folded), (tagger.exact, spaced)):
        for start, end, position in zones:
            if end - start < 3:
                continue
            for key, count in Counter(map(itemgetter(1), automaton.iter(haystack, start, end))).items():
                for term_id, weight in tagger.keys[key]:
                    hits[term_id] += weight * position * count
    for term_id, weight, cue, regex in tagger.patterns:
        if cue not in folded:
            continue
        for match in regex.finditer(text):
            position = TITLE_WEIGHT if match.start() < title_end else LEAD_WEIGHT if match.start() < lead_end else 1.0
            hits[term_id] += weight * position
    return rank_topics(tagger, hits)


def rank_topics(tagger: Tagger, hits: dict[int, float]) -> list[TopicScore]:
    """Sum log(1 + weighted hits) per topic and its broader topics; score = saturation × strength vs the best.

    Context terms count only for a topic that some other term of it has already given evidence for.
    """
    core: dict[str, float] = defaultdict(float)
    extra: dict[str, float] = defaultdict(float)
    terms, context, log1p = tagger.terms, tagger.context, math.log1p
    strengths = {}
    for term_id, value in hits.items():
        strengths[term_id] = strength = log1p(value)
        bucket = extra if term_id in context else core
        for target in terms[term_id][2]:
            bucket[target] += strength
    if not core:
        return []
    raw = {code: value + extra.get(code, 0.0) for code, value in core.items()}
    best = max(raw.values())
    scores = {}
    for code, value in raw.items():
        score = (1 - math.exp(-value / SATURATION)) * math.sqrt(value / best)
        if score >= tagger.min_score:
            scores[code] = round(score, 4)
    # ties broken by code: a set's order (string hashes) changes from process to process
    top_level = sorted((c for c in scores if not tagger.topics[c].parent), key=lambda c: (-scores[c], c))[:MAX_TOPICS]
    keep = {code for code in scores if tagger.roots[code] in top_level}
    fired: dict[str, list[str]] = {code: [] for code in keep}
    open_topics = len(keep)
    for term_id in sorted(strengths, key=strengths.__getitem__, reverse=True):
        _, word, targets = terms[term_id]
        for target in targets:
            words = fired.get(target)
            if words is not None and len(words) < EXPLAIN_TERMS and word not in words:
                words.append(word)
                open_topics -= len(words) == EXPLAIN_TERMS
        if not open_topics:
            break
    ranked = sorted(keep, key=lambda c: (-scores[c], c))
    return [TopicScore(code, tagger.topics[code].label, scores[code], fired[code]) for code in ranked]


def tag_articles(articles: list[Article], tagger: Tagger | None = None) -> None:
    """Give every article its topics and the version of the tagger that produced them: the lexicon's topics; for a
    short text, fused with the embedding model's (tasks.tagging.embed); for a long one the lexicon finds no
    top-level topic in, the model's nearest topic; then, with the shipped head, its calibration
    (tasks.tagging.calibrate)."""
    tagger = tagger or get_tagger()
    short, silent, words = [], [], []
    for article in articles:
        article.topics = score_text(tagger, article.title or "", article.body)
        article.tagger_version = tagger.version
        words.append(len(article.body.split()))
        if words[-1] <= SHORT_WORDS:
            short.append(article)
        elif not any(not tagger.topics[t.topic].parent for t in article.topics):
            silent.append(article)
    if tagger.head is not None:  # a trained head (shipped, or yours) speaks on every article
        short, silent = articles, []
    if short:
        rows = topic_probabilities(prototypes_for(tagger), [model_text(a.title, a.body) for a in short])
        for article, row in zip(short, rows):
            article.topics = fuse_short(tagger, article.topics, article.title, article.body, row)
    for article, topic in zip(silent, model_topics(tagger, [(a.title, a.body) for a in silent])):
        article.topics.append(topic)
    if tagger.calibration is not None:
        for article, count in zip(articles, words):
            calibrate_topics(tagger.calibration, article.topics, tagger.roots, count)
