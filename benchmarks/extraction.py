"""Score article-body extraction on a folder of pages with gold text, with the benchmark's metric, and judge every
tidy rule out of fold.

    .venv/bin/python benchmarks/extraction.py [DATASET ...] [--folds 5] [--per-page]

Each DATASET holds `html/<id>.html.gz` and `ground-truth.json` (`{id: {"url", "articleBody"}}`); it defaults to
`../shared/data/extraction/aeb-dev` (the dev half of the scrapinghub article-extraction benchmark, MIT licence)
and says so when that is absent.

Metric (as published with the benchmark): 4-token shingles of `\\w+` tokens; per page true/false positives and
negatives normalised to sum 1; precision and recall averaged over pages; F1 from the two averages.

Reported in one run, on the same pages:
- newsflow as it ships (every tidy rule), its precision and recall;
- newsflow before tidying (trafilatura with newsflow's options), and trafilatura with its default options;
- each rule's effect when it alone is left out (all pages: in-sample);
- out of fold: the pages are split into k folds by id; for each fold, a rule is kept only if leaving it out
  lowers F1 on the other folds; the fold is then scored with the rules so chosen. The out-of-fold F1 is the
  metric over every page scored that way, and the table says how many folds kept each rule.
- given several datasets (the dev pages, benchmarks/readability_pages.py's, benchmarks/fundus_pages.py's), each
  one again with the rules chosen on the others alone: pages of other sites, and a gold written to other
  conventions, which is what a held-out set is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.extraction.canonical import choose_url  # noqa: E402
from tasks.extraction.extract_page import CONFIG, untidy_main_text  # noqa: E402
from tasks.extraction.page_metadata import read_page_metadata  # noqa: E402
from tasks.extraction.tidy import RULES, tidy_extracted  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev"
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    g, p = shingles(gold), shingles(pred)
    tp, fp, fn = sum((g & p).values()), sum((p - g).values()), sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def score(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    counts = {k: page_counts(gold[k], pred.get(k, "")) for k in gold}
    ps = [precision(*c) for c in counts.values() if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts.values() if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def page_f1(gold: str, pred: str) -> float:
    c = page_counts(gold, pred)
    p, r = precision(*c), recall(*c)
    return 2 * p * r / (p + r) if p + r else 0.0


def load_dataset(folder: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {k: v.get("articleBody", "") for k, v in truth.items()}
    pages = {k: gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()) for k in gold}
    return gold, pages


def untidy_pages(pages: dict[str, bytes]) -> dict[str, tuple]:
    """Each page parsed and extracted once, as newsflow does, before the tidy rules."""
    from trafilatura.utils import load_html

    prepared = {}
    for key, html in pages.items():
        tree = load_html(html)
        if tree is None:
            prepared[key] = ("", None)
            continue
        meta = read_page_metadata(tree, None)
        prepared[key] = untidy_main_text(tree, choose_url(meta.url, None))[:2]
    return prepared


def tidy_all(prepared: dict[str, tuple], rules: frozenset[str]) -> dict[str, str]:
    return {k: tidy_extracted(text, features, rules) if features else text for k, (text, features) in prepared.items()}


def fold_of(key: str, folds: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % folds


def choose_rules(gold: dict[str, str], prepared: dict[str, tuple], keys: list[str]) -> frozenset[str]:
    """The rules whose removal lowers F1 on these pages."""
    sub_gold = {k: gold[k] for k in keys}
    sub = {k: prepared[k] for k in keys}
    full = score(sub_gold, tidy_all(sub, frozenset(RULES)))["f1"]
    kept = set(RULES)
    for rule in RULES:
        if score(sub_gold, tidy_all(sub, frozenset(RULES) - {rule}))["f1"] >= full:
            kept.discard(rule)
    return frozenset(kept)


def out_of_fold(gold: dict[str, str], prepared: dict[str, tuple], folds: int) -> tuple[dict, Counter, dict[str, str]]:
    pred: dict[str, str] = {}
    kept = Counter()
    for fold in range(folds):
        train = [k for k in gold if fold_of(k, folds) != fold]
        test = {k: prepared[k] for k in gold if fold_of(k, folds) == fold}
        rules = choose_rules(gold, prepared, train)
        kept.update(rules)
        pred.update(tidy_all(test, rules))
    return score(gold, pred), kept, pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", nargs="*", type=Path, default=[DEFAULT_DATASET], metavar="DATASET")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--per-page", action="store_true", help="F1 of every page, worst first")
    args = parser.parse_args()
    missing = [d for d in args.datasets if not (d / "ground-truth.json").exists()]
    for folder in missing:
        print(f"no dataset at {folder} (html/<id>.html.gz and ground-truth.json): nothing to score")
    found = [d for d in args.datasets if d not in missing]
    sets = {folder: prepare_set(folder) for folder in found}
    for folder, prepared_set in sets.items():
        report_set(folder, *prepared_set, args.folds, args.per_page)
    if len(sets) > 1:
        report_other_sets({folder.name: (gold, prepared) for folder, (gold, _, prepared, _) in sets.items()})


def prepare_set(folder: Path) -> tuple[dict[str, str], dict[str, str], dict[str, tuple], tuple[float, float]]:
    """Gold, trafilatura's default text, newsflow's untidy text and features, and both times a page."""
    import trafilatura

    gold, pages = load_dataset(folder)
    started = time.perf_counter()
    prepared = untidy_pages(pages)
    extract_seconds = time.perf_counter() - started
    started = time.perf_counter()
    default = {
        k: trafilatura.extract(html.decode("utf-8", "replace"), config=CONFIG) or "" for k, html in pages.items()
    }
    default_seconds = time.perf_counter() - started
    return gold, default, prepared, (extract_seconds / len(pages), default_seconds / len(pages))


def report_set(
    folder: Path,
    gold: dict[str, str],
    default: dict[str, str],
    prepared: dict[str, tuple],
    seconds: tuple[float, float],
    folds: int,
    per_page: bool,
) -> None:
    shipped = tidy_all(prepared, frozenset(RULES))
    untidy = {k: text for k, (text, _) in prepared.items()}
    print(f"{len(gold)} pages from {folder}")
    print(f"{'':34} {'F1':>6} {'prec':>6} {'recall':>6}")
    rows = [("newsflow (all rules, in-sample)", shipped), ("newsflow before tidying", untidy),
            ("trafilatura default options", default)]  # fmt: skip
    for name, pred in rows:
        s = score(gold, pred)
        print(f"{name:34} {s['f1']:.4f} {s['precision']:.4f} {s['recall']:.4f}")
    oof, kept, oof_pred = out_of_fold(gold, prepared, folds)
    print(f"{f'newsflow out of fold ({folds} folds)':34} {oof['f1']:.4f} {oof['precision']:.4f} {oof['recall']:.4f}")
    print(f"\nextraction {1000 * seconds[0]:.1f} ms/page (newsflow), "
          f"{1000 * seconds[1]:.1f} ms/page (trafilatura default)")  # fmt: skip
    print(f"\n{'rule':16} {'F1 without it':>14} {'change':>8} {'kept in folds':>14}")
    full = score(gold, shipped)["f1"]
    for rule in RULES:
        without = score(gold, tidy_all(prepared, frozenset(RULES) - {rule}))["f1"]
        print(f"{rule:16} {without:14.4f} {full - without:+8.4f} {kept[rule]:>9}/{folds}")
    if per_page:
        print(f"\n{'page':40} {'newsflow':>8} {'oof':>6} {'trafilatura':>11}")
        for key in sorted(gold, key=lambda k: page_f1(gold[k], shipped[k])):
            print(f"{key[:40]:40} {page_f1(gold[key], shipped[key]):8.3f} {page_f1(gold[key], oof_pred[key]):6.3f}"
                  f" {page_f1(gold[key], default[key]):11.3f}")  # fmt: skip
    print()


def report_other_sets(sets: dict[str, tuple[dict[str, str], dict[str, tuple]]]) -> None:
    """Each set scored with the rules chosen on the others alone: a set of pages, and a gold, never seen."""
    print("each set with the rules chosen on the other sets (a rule kept where leaving it out lowers their F1)")
    print(f"{'set':22} {'F1':>6} {'prec':>6} {'recall':>6} {'all rules':>9}  rules chosen")
    for name, (gold, prepared) in sets.items():
        other_gold = {f"{o}/{k}": g for o, (og, _) in sets.items() if o != name for k, g in og.items()}
        other_prepared = {f"{o}/{k}": p for o, (_, op) in sets.items() if o != name for k, p in op.items()}
        rules = choose_rules(other_gold, other_prepared, list(other_gold))
        s = score(gold, tidy_all(prepared, rules))
        every = score(gold, tidy_all(prepared, frozenset(RULES)))["f1"]
        chosen = ", ".join(r for r in RULES if r in rules)
        print(f"{name[:22]:22} {s['f1']:.4f} {s['precision']:.4f} {s['recall']:.4f} {every:9.4f}  {chosen}")


if __name__ == "__main__":
    main()
