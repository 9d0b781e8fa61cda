"""A topic for the texts the lexicon finds nothing in (headlines, teasers, feed-only entries): the top-level topic
whose prototype is nearest in wordllama's static embedding space.

Each top-level topic's prototype is the mean embedding of its label, its subtopics' labels and all their lexicon
terms (the taxonomy, user topics included): no training data, nothing downloaded. wordllama 0.4 ships its 16 MB
model (l2_supercat, 256 dimensions) inside its wheel; it is loaded from there, offline, once per process.
The similarities become probabilities with a softmax whose temperature is fitted out of fold on the headline dev
set (benchmarks/headlines.py); the row's terms are the words of the text nearest the chosen prototype.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tasks.models import TopicScore
from tasks.tagging.figurative import blank_figures
from tasks.tagging.head import softmax

TEMPERATURE = 0.05  # benchmarks/headlines.py: fitted on one half of the dev set, checked on the other
MODEL_WEIGHT = 0.75  # a short text's top-level score: (lexicon + weight × model) / (1 + weight); fitted likewise
SHORT_WORDS = 80  # up to this many words of body a text is short: headlines, teasers, one-paragraph entries
TEXT_CHARS = 400  # the title and the start of the body
EXPLAIN_WORDS = 4
WORD_CACHE = 20_000  # about 1 KiB a word
WORD = re.compile(r"[^\W\d_]{3,}")
MODEL_TAG = "wordllama-0.4-l2_supercat_256"


@dataclass(slots=True)
class Prototypes:
    """The model's topics: logits = embedding · matrixᵀ + bias, divided by the temperature. The default model's
    rows are unit prototypes of the top-level topics; a trained head's (tasks/tagging/head.py) are its weights."""

    codes: list[str]
    labels: list[str]
    matrix: np.ndarray  # one row per topic
    bias: np.ndarray | None = None
    temperature: float = TEMPERATURE
    tag: str = MODEL_TAG
    everywhere: bool = False  # a trained head speaks on every article, not only on short and silent ones


@lru_cache(maxsize=1)
def load_model():
    """wordllama's bundled model, never a download (its default looks for the tokenizer where the wheel has none)."""
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def embed_rows(texts: list[str]) -> np.ndarray:
    """The unit embedding of each text, one row per text."""
    return unit_rows(load_model().embed(texts, norm=True))


def build_prototypes(tagger) -> Prototypes:
    """The mean embedding of each top-level topic's labels and terms (context-only terms left out)."""
    texts: dict[str, list[str]] = {}
    for code, topic in tagger.topics.items():
        texts.setdefault(tagger.roots[code], []).append(topic.label)
    for term_id, (code, word, _) in enumerate(tagger.terms):
        if term_id not in tagger.context:
            texts.setdefault(tagger.roots[code], []).append(word)
    codes = sorted(c for c in texts if not tagger.topics[c].parent)
    matrix = np.stack([embed_rows(texts[c]).mean(axis=0) for c in codes])
    return Prototypes(codes, [tagger.topics[c].label for c in codes], unit_rows(matrix))


_prototypes: dict[str, Prototypes] = {}


def prototypes_for(tagger) -> Prototypes:
    if tagger.head is not None:
        return tagger.head
    if tagger.version not in _prototypes:
        _prototypes[tagger.version] = build_prototypes(tagger)
    return _prototypes[tagger.version]


def topic_probabilities(prototypes: Prototypes, texts: list[str]) -> np.ndarray:
    """One row of topic probabilities per text."""
    embedded = embed_rows(texts)
    logits = embedded @ prototypes.matrix.T
    if prototypes.bias is not None:
        logits = logits + prototypes.bias
    return softmax(logits / prototypes.temperature)


def explain(text: str, centroid: np.ndarray, tag: str = MODEL_TAG) -> list[str]:
    """The words of the text that weigh most for a topic (nearest its prototype, or its head's weights): why the
    model chose it."""
    words = list(dict.fromkeys(w.lower() for w in WORD.findall(text)))
    if not words:
        return [f"model:{tag}"]
    nearness = word_vectors(words) @ centroid
    return [f"model:{tag}", *(words[i] for i in np.argsort(-nearness)[:EXPLAIN_WORDS])]


_word_vectors: dict[str, np.ndarray] = {}


def word_vectors(words: list[str]) -> np.ndarray:
    """Each word's unit embedding, one row per word; news repeats its words, so they are kept (up to
    WORD_CACHE words a process) and only new ones go through the tokenizer, which was most of a row's cost."""
    cache = _word_vectors
    missing = [w for w in words if w not in cache]
    fresh = dict(zip(missing, embed_rows(missing))) if missing else {}
    rows = np.stack([fresh[w] if w in fresh else cache[w] for w in words])
    if len(cache) + len(fresh) > WORD_CACHE:
        cache.clear()
    cache.update(fresh)
    return rows


def fuse_short(tagger, topics: list[TopicScore], title: str | None, body: str, row: np.ndarray
               ) -> list[TopicScore]:  # fmt: skip
    """A short text's topics: each top-level score becomes (lexicon + MODEL_WEIGHT × model probability) /
    (1 + MODEL_WEIGHT), the model's own choice joins when the lexicon missed it, and topics are re-ranked so that
    a subtopic follows its top-level topic."""
    prototypes = prototypes_for(tagger)
    model = {code: float(p) for code, p in zip(prototypes.codes, row)}
    best = prototypes.codes[int(row.argmax())]
    fused = {t.topic: t for t in topics}
    for code in [t.topic for t in topics if code_fused(tagger, prototypes, t.topic)]:
        topic = fused[code]
        topic.score = round((topic.score + MODEL_WEIGHT * model.get(code, 0.0)) / (1 + MODEL_WEIGHT), 4)
    if best not in fused:
        score = round(MODEL_WEIGHT * model[best] / (1 + MODEL_WEIGHT), 4)
        centroid = prototypes.matrix[prototypes.codes.index(best)]
        text = model_text(title, body)
        fused[best] = TopicScore(best, tagger.topics[best].label, score, explain(text, centroid, prototypes.tag))
    root_score = {c: t.score for c, t in fused.items() if not tagger.topics[c].parent}
    return sorted(
        fused.values(),
        key=lambda t: (
            -root_score.get(tagger.roots[t.topic], 0.0),
            tagger.topics[t.topic].parent is not None,
            -t.score,
            t.topic,
        ),
    )


def code_fused(tagger, prototypes: Prototypes, code: str) -> bool:
    """Whether the model has a say in this topic's score: a top-level topic, or a topic a trained head knows."""
    return code in prototypes.codes if prototypes.everywhere else not tagger.topics[code].parent


def model_text(title: str | None, body: str) -> str:
    """The title and the start of the body (the body alone when it starts with the title)."""
    start = body[:TEXT_CHARS]
    text = start if title and body.startswith(title) else f"{title or ''}\n{start}".strip()
    return " ".join(blank_figures(text).split())


def model_topics(tagger, items: list[tuple[str | None, str]]) -> list[TopicScore]:
    """For each (title, body), its nearest top-level topic with its probability and the words that led there."""
    if not items:
        return []
    prototypes = prototypes_for(tagger)
    texts = [model_text(title, body) for title, body in items]
    results = []
    for text, row in zip(texts, topic_probabilities(prototypes, texts)):
        best = int(row.argmax())
        results.append(TopicScore(prototypes.codes[best], prototypes.labels[best], round(float(row[best]), 4),
                                  explain(text, prototypes.matrix[best], prototypes.tag)))  # fmt: skip
    return results
