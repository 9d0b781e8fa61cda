"""Topic accuracy on a labelled corpus in five classes: is the best of the five codes in article_topics right?

    .venv/bin/python benchmarks/topics.py LABELLED_DIR [--direct] [--show-errors N]

LABELLED_DIR holds one folder per class (business, entertainment, politics, sport, tech), each with `.txt`
articles whose first line is the title. The articles are written to one `.jsonl` file and
ingested with `newsflow ingest` into a temporary warehouse, then the highest-scored of the five codes in
`article_topics` is compared with the label; an article with none of the five counts as wrong.
`--direct` scores with the tagger in this process instead (no warehouse; for quick iterations).
No labelled corpus ships with newsflow: point this at your own, never at a set that is held out to evaluate
newsflow (benchmarks/headlines.py is the dev set for short texts).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLASSES = {
    "business": "medtop:04000000",
    "entertainment": "medtop:01000000",
    "politics": "medtop:11000000",
    "sport": "medtop:15000000",
    "tech": "medtop:13000000",
}


def read_corpus(folder: Path) -> list[dict]:
    """Labelled articles: {url, title, body, label} from LABELLED_DIR/<class>/*.txt."""
    records = []
    for label in CLASSES:
        for path in sorted((folder / label).glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            title, _, body = text.partition("\n")  # an empty first line: no title
            records.append({"url": f"https://eval.invalid/{label}/{path.stem}", "title": title.strip(),
                            "body": body.strip(), "label": label})  # fmt: skip
    return records


def predict_direct(records: list[dict]) -> dict[str, dict[str, float]]:
    from tasks.tagging.tag import get_tagger, score_text

    tagger = get_tagger()
    return {r["url"]: {s.topic: s.score for s in score_text(tagger, r["title"], r["body"])} for r in records}


def predict_warehouse(records: list[dict]) -> dict[str, dict[str, float]]:
    """Ingest the records as one .jsonl through the CLI and read their topics back."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus, db = Path(tmp) / "labelled.jsonl", Path(tmp) / "eval.duckdb"
        corpus.write_text("".join(json.dumps({k: r[k] for k in ("url", "title", "body")}) + "\n" for r in records))
        newsflow = Path(sys.executable).parent / "newsflow"
        subprocess.run([str(newsflow), "ingest", str(corpus), "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("select a.url, t.topic, t.score from articles a join article_topics t using (article_id)")
        scores: dict[str, dict[str, float]] = {}
        for url, topic, score in rows.fetchall():
            scores.setdefault(url, {})[topic] = score
        con.close()
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--direct", action="store_true", help="score in-process, without the warehouse")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not args.folder.is_dir():
        sys.exit(f"{args.folder}: no such folder (no labelled corpus ships with newsflow)")
    records = read_corpus(args.folder)
    if not records:
        sys.exit(f"{args.folder}: no <class>/*.txt articles for classes {', '.join(CLASSES)}")
    scores = (predict_direct if args.direct else predict_warehouse)(records)
    confusion: Counter = Counter()
    errors = []
    for record in records:
        found = {label: scores.get(record["url"], {}).get(code, 0.0) for label, code in CLASSES.items()}
        best = max(found, key=found.get) if any(found.values()) else "none"
        confusion[(record["label"], best)] += 1
        if best != record["label"]:
            errors.append((record["label"], best, record["title"]))
    right = sum(n for (label, best), n in confusion.items() if label == best)
    print(f"{len(records)} articles; best of five codes matches the label for {right} = {right / len(records):.1%}")
    print("label         " + " ".join(f"{c[:6]:>7}" for c in [*CLASSES, "none"]))
    for label in CLASSES:
        print(f"{label:<13} " + " ".join(f"{confusion[(label, c)]:>7}" for c in [*CLASSES, "none"]))
    for label, best, title in errors[: args.show_errors]:
        print(f"  {label} → {best}: {title}")


if __name__ == "__main__":
    main()
