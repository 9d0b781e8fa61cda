"""`newsflow topics train LABELLED.jsonl [MORE.jsonl …]`: a topic head trained on your own labelled articles."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.tagging.calibrate_head import HeadMap


class TopicsUsageError(Exception):
    """A labelled file that cannot be trained on: exit 2 with one line (flows.cli reports it)."""


def add_topics_commands(commands, parser_class) -> None:
    topics = commands.add_parser("topics", help="train a topic model on your own labelled articles")
    verbs = topics.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=parser_class)
    train = verbs.add_parser("train", help="fit a topic head on JSON Lines records of text and topic codes")
    train.add_argument("labelled", type=Path, nargs="+", metavar="LABELLED.jsonl",
                       help='records {"text": …, "topics": ["medtop:15000000"]} (or "title" and "body"); several '
                            "files are trained on together")  # fmt: skip
    train.add_argument("--out", type=Path, default=Path("topic-model.npz"), metavar="MODEL.npz",
                       help="where to write the model (topic-model.npz)")  # fmt: skip
    train.set_defaults(handler=command_topics_train)


def command_topics_train(args: argparse.Namespace) -> int:
    from tasks.tagging.calibrate_head import fit_head_map
    from tasks.tagging.embed import embed_rows, model_text
    from tasks.tagging.head import HeadError, read_labelled, save_head, train_head
    from tasks.tagging.tag import build_tagger, taxonomy_paths

    tagger = build_tagger(taxonomy_paths(), model="")  # the taxonomy's topics, without any model in force
    paths = list(dict.fromkeys(args.labelled))  # a file named twice is trained on once
    texts: list[str] = []
    labels: list[str] = []
    try:
        for path in paths:
            more_texts, more_labels = read_labelled(path, set(tagger.topics))
            texts += more_texts
            labels += more_labels
        if len(set(labels)) < 2:
            raise HeadError(f"{' + '.join(map(str, paths))}: needs records of at least two topics")
    except HeadError as error:
        raise TopicsUsageError(str(error)) from None
    features = embed_rows([model_text(None, t) for t in texts])
    names = " + ".join(str(path) for path in paths)
    head, calibration = train_head(features, labels, trained_on=f"{names}: {len(texts)} records")
    fitted = None
    if calibration.interim is not None and calibration.held is not None:
        held = [i for i, flag in enumerate(calibration.held) if flag]
        fitted = fit_head_map(head, calibration.interim, [texts[i] for i in held], [labels[i] for i in held],
                              taxonomy_paths())  # fmt: skip
        head.score_map = fitted.score_map
    save_head(head, args.out)
    print(f"trained {head.tag} on {len(texts)} records of {len(head.codes)} topics -> {args.out}")
    if calibration.held_out:
        print(f"  held out {calibration.held_out} records (every 4th): top-1 accuracy {calibration.accuracy:.3f}, "
              f"temperature {head.temperature}")  # fmt: skip
        for confidence, right, count in calibration.bins:
            print(f"  confidence {confidence:.2f}: right {right:.2f} of {count}")
        show_head_map(fitted)
    else:
        print("  too few records to hold a quarter out: no accuracy measured, temperature 1, scores stay fused")
    print(f"use it: NEWSFLOW_TOPIC_MODEL={args.out} newsflow retag (and every later run)")
    return 0


def show_head_map(fitted: HeadMap | None) -> None:
    """What `newsflow topics train` says of the score map it fitted (tasks/tagging/calibrate_head.py)."""
    if fitted is None:
        return
    for kind, fit in fitted.kinds.items():
        if fit.fitted:
            print(f"  scores of {kind} texts calibrated on {fit.topics} held-out topics: ECE {fit.ece_fused:.3f} "
                  f"fused -> {fit.ece_calibrated:.3f} (on the topics it was fitted on)")  # fmt: skip
        else:
            print(f"  {kind} texts: {fit.topics} held-out topics, too few to calibrate: their scores stay fused")
    if fitted.score_map is not None:
        print(f"  score map {fitted.score_map.tag}")
