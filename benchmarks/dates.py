"""How far each date source can be trusted: on pages that declare `datePublished` in JSON-LD, how often each other
source, read without the structured data, finds the same day.

    .venv/bin/python benchmarks/dates.py [FOLDER ...]

FOLDER holds pages (`*.html`, `*.html.gz`, or a benchmark folder with `html/`); by default the extraction dev set
`../shared/data/extraction/aeb-dev` (when present) and `samples/html`. Sources, in the order newsflow prefers them:
meta tags, a `<time datetime>` element, htmldate over the page without its JSON-LD (text, markup and URL).

A benchmark folder whose ground truth gives each page a `datePublished` (benchmarks/fundus_pages.py writes the
date fundus's hand-written parser for that site extracts) is also scored end to end: the date newsflow stores
for the page (`extract_page`, every source in its order) against that gold, by the source it came from.
"""

from __future__ import annotations

import copy
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from htmldate import find_date  # noqa: E402
from trafilatura.utils import load_html  # noqa: E402

from tasks.cleaning.dates import parse_datetime  # noqa: E402
from tasks.extraction.extract_page import extract_page  # noqa: E402
from tasks.extraction.page_metadata import (  # noqa: E402
    DATE_KEYS,
    as_text,
    collect_meta,
    find_json_ld_article,
    first,
    time_datetime,
)

DEFAULTS = [ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev", ROOT / "samples" / "html"]


def list_pages(folder: Path) -> list[tuple[Path, str | None]]:
    """(page, its URL when the folder's ground truth names one)."""
    urls = {}
    truth = folder / "ground-truth.json"
    if truth.exists():
        urls = {k: v.get("url") for k, v in json.loads(truth.read_text(encoding="utf-8")).items()}
        folder = folder / "html"
    pages = sorted([*folder.glob("*.html"), *folder.glob("*.html.gz")])
    return [(p, urls.get(p.name.removesuffix(".gz").removesuffix(".html"))) for p in pages]


def day(text: str | None) -> str | None:
    value = parse_datetime(text) if text else None
    return value.date().isoformat() if value else None


def read_gold_dates(folder: Path) -> dict[str, str]:
    truth = folder / "ground-truth.json"
    if not truth.exists():
        return {}
    return {k: v["datePublished"] for k, v in json.loads(truth.read_text("utf-8")).items() if v.get("datePublished")}


def score_gold_dates(folder: Path, gold: dict[str, str]) -> None:
    """newsflow's stored date against a gold date: the same day, the same minute, and by source."""
    found, day_right, minute_right = Counter(), Counter(), Counter()
    missing = later = 0
    for path, url in list_pages(folder):
        key = path.name.removesuffix(".gz").removesuffix(".html")
        if key not in gold:
            continue
        expected = parse_datetime(gold[key])
        try:
            article = extract_page(gzip.decompress(path.read_bytes()), path.name, url or None)
        except Exception:  # a page newsflow refuses (blocked, no text) stores no date
            missing += 1
            continue
        if article.published_at is None or expected is None:
            missing += 1
            continue
        source = article.date_source or "?"
        found[source] += 1
        day_right[source] += article.published_at.date() == expected.date()
        minute_right[source] += abs((article.published_at - expected).total_seconds()) < 60
        later += article.published_at > expected
    total = sum(found.values())
    print(f"\n{len(gold)} pages with a gold date ({folder}): newsflow stores a date for {total}, none for {missing}")
    print(f"{'source':22} {'dates':>6} {'same day':>9} {'same minute':>12}")
    for source in sorted(found, key=lambda s: -found[s]):
        print(f"{source:22} {found[source]:6} {day_right[source] / found[source]:9.1%}"
              f" {minute_right[source] / found[source]:12.1%}")  # fmt: skip
    if total:
        print(f"{'all':22} {total:6} {sum(day_right.values()) / total:9.1%} {sum(minute_right.values()) / total:12.1%}")
        print(f"later than the gold date: {later}")


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:]] or [f for f in DEFAULTS if f.exists()]
    agree, found, total = Counter(), Counter(), 0
    for folder in folders:
        for path, url in list_pages(folder):
            data = path.read_bytes()
            tree = load_html(gzip.decompress(data) if path.suffix == ".gz" else data)
            if tree is None:
                continue
            declared = day(as_text(find_json_ld_article(tree).get("datePublished")))
            if declared is None:
                continue
            total += 1
            bare = copy.deepcopy(tree)
            for script in bare.xpath('//script[@type="application/ld+json"]'):
                script.getparent().remove(script)
            metas = collect_meta(tree)
            others = {
                "meta": day(first(metas, DATE_KEYS)),
                "time": day(time_datetime(tree)),
                "htmldate": day(find_date(bare, url=url, extensive_search=False, original_date=True)),
                "htmldate, extensive": day(find_date(bare, url=url, extensive_search=True, original_date=True)),
            }
            for name, value in others.items():
                if value is not None:
                    found[name] += 1
                    agree[name] += value == declared
    print(f"{total} pages declare datePublished in JSON-LD ({', '.join(map(str, folders))})")
    print(f"{'source':22} {'found':>6} {'same day':>9} {'agreement':>10}")
    for name in ("meta", "time", "htmldate", "htmldate, extensive"):
        share = agree[name] / found[name] if found[name] else 0.0
        print(f"{name:22} {found[name]:6} {agree[name]:9} {share:10.1%}")
    for folder in folders:
        if gold := read_gold_dates(folder):
            score_gold_dates(folder, gold)


if __name__ == "__main__":
    main()
