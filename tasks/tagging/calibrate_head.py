"""A score map for a head of your own, so its stored scores are probabilities as the shipped head's are.

`newsflow topics train` fits it on the quarter of the labelled records that the head's interim fit never saw:
they are tagged by the whole tagger (your taxonomy's lexicon fused with that interim head, as every run tags), and
each kind of text (short, long; tasks/tagging/calibrate.py) gets its own map where the quarter holds enough of
it. A kind with too few stored topics, or too few right or wrong among them, keeps the fused score (the identity
map). The map is applied to the final head, fitted on every record, and only with the taxonomy it was fitted with.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tasks.models import Article
from tasks.tagging.calibrate import (
    IDENTITY,
    ScoreCalibration,
    calibrate_topics,
    fit_score_map,
    reliability_bins,
)
from tasks.tagging.embed import SHORT_WORDS
from tasks.tagging.head import TopicHead, save_head
from tasks.tagging.tag import build_tagger, load_taxonomy_files, tag_articles

MIN_TOPICS = 30  # stored top-level topics of one kind of text to fit its map on
MIN_EACH = 5  # of them right, and of them wrong


@dataclass(slots=True)
class KindFit:
    topics: int  # stored top-level topics of held-out texts of this kind
    fitted: bool
    ece_fused: float = 0.0  # in sample: the map is fitted on the same topics
    ece_calibrated: float = 0.0


@dataclass(slots=True)
class HeadMap:
    score_map: ScoreCalibration | None  # None when neither kind could be fitted
    kinds: dict[str, KindFit] = field(default_factory=dict)


def fit_head_map(head: TopicHead, interim: TopicHead, texts: list[str], labels: list[str],
                 paths: list[Path]) -> HeadMap:  # fmt: skip
    """The score map of `head`, fitted on `texts` (the held-out records, with their labelled codes) as tagged with
    `interim` (the head fitted without them) and the taxonomy files `paths`."""
    with tempfile.TemporaryDirectory(prefix="newsflow-head-") as folder:
        model = Path(folder) / "interim.npz"
        save_head(interim, model)
        tagger = build_tagger(paths, model=str(model), calibrated=False)
    articles = [Article(source_uri="labelled", body=text) for text in texts]
    tag_articles(articles, tagger)
    stored: dict[str, list[tuple[float, float, bool]]] = {"short": [], "long": []}
    for article, label in zip(articles, labels):
        kind = "short" if len(article.body.split()) <= SHORT_WORDS else "long"
        tops = [t for t in article.topics if tagger.roots[t.topic] == t.topic]
        best = max((t.score for t in tops), default=0.0)
        # a top-level topic is right when it is the labelled topic's own top-level topic
        stored[kind] += [(t.score, best, t.topic == tagger.roots[label]) for t in tops] or [(0.0, 0.0, False)]
    maps, kinds = {}, {}
    for kind, rows in stored.items():
        scores, bests, right = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        maps[kind], kinds[kind] = IDENTITY, KindFit(len(rows), False)
        if len(rows) >= MIN_TOPICS and MIN_EACH <= sum(right) <= len(rows) - MIN_EACH:
            a, c, b = fit_score_map(scores, bests, right)
            if a + c > 0:  # a map that would reorder topics is not used
                maps[kind], kinds[kind] = (a, c, b), KindFit(len(rows), True)
    if not any(k.fitted for k in kinds.values()):
        return HeadMap(None, kinds)
    taxonomy = load_taxonomy_files(paths)[0]
    score_map = ScoreCalibration(head.tag, taxonomy, maps["short"], maps["long"], SHORT_WORDS)
    measure_fit(score_map, articles, tagger.roots, kinds, labels)
    return HeadMap(score_map, kinds)


def measure_fit(score_map: ScoreCalibration, articles: list[Article], roots: dict[str, str],
                kinds: dict[str, KindFit], labels: list[str]) -> None:  # fmt: skip
    """Each fitted kind's ECE before and after the map, on the held-out topics it was fitted on."""
    for kind, fit in kinds.items():
        if not fit.fitted:
            continue
        fused, calibrated, right = [], [], []
        for article, label in zip(articles, labels):
            if (len(article.body.split()) <= SHORT_WORDS) != (kind == "short"):
                continue
            tops = [t for t in article.topics if roots[t.topic] == t.topic]
            fused += [t.score for t in tops]
            right += [t.topic == roots[label] for t in tops]
            calibrate_topics(score_map, tops, roots, len(article.body.split()))
            calibrated += [t.score for t in tops]
        fit.ece_fused = reliability_bins(fused, right)[1]
        fit.ece_calibrated = reliability_bins(calibrated, right)[1]
