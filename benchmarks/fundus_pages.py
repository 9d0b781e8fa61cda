"""A third extraction dev set: fundus's parser test pages, in benchmarks/extraction.py's form.

    git clone https://github.com/flairNLP/fundus /tmp/fundus
    .venv/bin/python benchmarks/fundus_pages.py /tmp/fundus /tmp/fundus-en --groups english
    .venv/bin/python benchmarks/fundus_pages.py /tmp/fundus /tmp/fundus-all
    .venv/bin/python benchmarks/extraction.py /tmp/fundus-en [--per-page]

fundus (MIT licence) keeps, for each publisher it supports, real article pages under
`tests/resources/parser/test_data/<group>/<Publisher>_<date>.html.gz` and, in `<Publisher>.json`, what its
hand-written parser for that publisher must extract from each: the body as a summary (standfirst) and sections of
subheadings and paragraphs. Each parser version has one page; versions and pages pair in date order. The gold
here is that body, a line per paragraph: an article body chosen by people who wrote a parser for that one site,
without the title, bylines, captions or related links. Its publishing date goes into `datePublished`, which
benchmarks/dates.py scores newsflow's dates against. Every page of every chosen group is taken, none picked.

Groups are fundus's country folders. `english` names those whose publishers write in English; `spaced` every
group whose script separates words, since the benchmark's `\\w+` shingles cannot score Chinese or Japanese text.
The pages are not copied into this project; the script writes them to OUT, which it creates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ENGLISH = {"au", "ca", "ind", "ls", "my", "na", "tz", "uk", "us", "za"}
UNSPACED = {"cn", "jp", "tw"}
TEST_DATA = Path("tests") / "resources" / "parser" / "test_data"


def read_body(version: dict) -> str:
    """The gold text of one parser version's body: summary, then each section's subheadings and paragraphs."""
    body = version.get("body") or {}
    lines = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        lines += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(line.strip() for line in lines if line and line.strip())


def choose_groups(root: Path, which: str) -> list[str]:
    groups = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    if which == "english":
        return [g for g in groups if g in ENGLISH]
    if which == "spaced":
        return [g for g in groups if g not in UNSPACED]
    if which == "all":
        return groups
    wanted = set(which.split(","))
    return [g for g in groups if g in wanted]


def pair_pages(folder: Path) -> dict[str, tuple[Path, str, str | None]]:
    """{id: (page, gold text, gold publishing date)} for one group: each publisher's pages in date order beside its
    versions in order."""
    pairs: dict[str, tuple[Path, str, str | None]] = {}
    for expected in sorted(folder.glob("*.json")):
        versions = list(json.loads(expected.read_text("utf-8")).values())
        pages = sorted(folder.glob(f"{expected.stem}_*.html.gz"))
        if len(pages) != len(versions):
            print(f"skipped {folder.name}/{expected.stem}: {len(pages)} pages for {len(versions)} versions")
            continue
        for page, version in zip(pages, versions):
            gold = read_body(version)
            if gold:
                key = f"{folder.name}-{page.name.removesuffix('.html.gz')}"
                pairs[key] = (page, gold, version.get("publishing_date"))
    return pairs


def write_dataset(checkout: Path, out: Path, which: str) -> int:
    """html/<id>.html.gz and ground-truth.json under `out`; the number of pages written."""
    root = checkout / TEST_DATA
    meta: dict[str, dict] = {}
    pairs: dict[str, tuple[Path, str, str | None]] = {}
    for group in choose_groups(root, which):
        pairs |= pair_pages(root / group)
        info = root / group / "meta.info"
        if info.exists():
            meta |= {f"{group}-{k.removesuffix('.html.gz')}": v for k, v in json.loads(info.read_text("utf-8")).items()}
    (out / "html").mkdir(parents=True, exist_ok=True)
    truth = {}
    for key, (page, gold, published) in pairs.items():
        (out / "html" / f"{key}.html.gz").write_bytes(page.read_bytes())
        truth[key] = {"url": meta.get(key, {}).get("url", ""), "articleBody": gold, "datePublished": published}
    (out / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return len(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkout", type=Path, help="a clone of https://github.com/flairNLP/fundus")
    parser.add_argument("out", type=Path, help="the dataset folder to write")
    parser.add_argument("--groups", default="spaced", help="english, spaced (default), all, or a list: us,uk,de")
    args = parser.parse_args()
    if not (args.checkout / TEST_DATA).is_dir():
        sys.exit(f"error: {args.checkout} is not a fundus checkout (no {TEST_DATA})")
    print(f"{write_dataset(args.checkout, args.out, args.groups)} pages written to {args.out}")


if __name__ == "__main__":
    main()
