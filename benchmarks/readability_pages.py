"""A second extraction dev set: the news pages of Mozilla Readability's test suite, in benchmarks/extraction.py's form.

    git clone https://github.com/mozilla/readability /tmp/readability
    .venv/bin/python benchmarks/readability_pages.py /tmp/readability /tmp/readability-news
    .venv/bin/python benchmarks/extraction.py /tmp/readability-news [--per-page]

Readability (Apache-2.0) keeps real pages under `test/test-pages/<name>/source.html`, each with the text its
reader mode extracts, `expected.html`, checked by its maintainers. NEWS names the 41 of them that are articles
from news and magazine publishers, chosen by site before any was scored (the others are unit cases of a few
lines, blogs, documentation and wikis). One, `nytimes-5`, turned out to be a section front, not an article; it
stays, as chosen.

The gold is Readability's output, not a hand-made article body: it keeps photo captions and credits, author bios
and lines such as "Continue reading the main story". So read these figures as agreement with a second, careful
extractor, and compare with like: newsflow before its tidy rules, and trafilatura, on the same pages. The pages
are not copied into this project; the script writes them to OUT, which it creates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

from lxml import html as lxml_html

NEWS = """aclu aktualne ars-1 bbc-1 breitbart buzzfeed-1 citylab-1 cnet cnn engadget folha gmw guardian-1 heise
herald-sun-1 la-nacion lemonde-1 liberation-1 medicalnewstoday msn nytimes-1 nytimes-2 nytimes-3 nytimes-4 nytimes-5
qq quanta-1 salon-1 seattletimes-1 telegraph theverge tmz-1 wapo-1 wapo-2 webmd-1 webmd-2 yahoo-1 yahoo-2 yahoo-3
yahoo-4 youth""".split()
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "figcaption",
          "section", "article", "ul", "ol", "table", "dd", "dt"}  # fmt: skip
BLANK_LINES = re.compile(r"\n\s*\n+")


def read_expected_text(markup: str) -> str:
    """The text of Readability's expected HTML, a line per block."""
    root = lxml_html.fromstring(markup)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return BLANK_LINES.sub("\n", root.text_content()).strip()


def write_dataset(checkout: Path, out: Path) -> int:
    """html/<name>.html.gz and ground-truth.json under `out`; the number of pages written."""
    pages = checkout / "test" / "test-pages"
    (out / "html").mkdir(parents=True, exist_ok=True)
    truth = {}
    for name in NEWS:
        folder = pages / name
        (out / "html" / f"{name}.html.gz").write_bytes(gzip.compress((folder / "source.html").read_bytes()))
        truth[name] = {"url": "", "articleBody": read_expected_text((folder / "expected.html").read_text("utf-8"))}
    (out / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return len(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkout", type=Path, help="a clone of https://github.com/mozilla/readability")
    parser.add_argument("out", type=Path, help="the dataset folder to write")
    args = parser.parse_args()
    missing = [name for name in NEWS if not (args.checkout / "test" / "test-pages" / name / "expected.html").exists()]
    if missing:
        sys.exit(f"error: {args.checkout} is not a Readability checkout with its test pages (no {missing[0]})")
    print(f"{write_dataset(args.checkout, args.out)} pages written to {args.out}")


if __name__ == "__main__":
    main()
