"""Measurement b of benchmarks/ingest.py: `trafilatura.extract(html)` with its default options, in a process of
its own that imports nothing of newsflow (newsflow rewrites some of trafilatura's XPaths for speed, and in one
process the baseline would get them too).

    .venv/bin/python benchmarks/trafilatura_alone.py FOLDER

Reads FOLDER's .html files into memory first, then times the extraction loop alone; prints JSON with `seconds`
and `found` (pages that gave text).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import trafilatura


def main() -> None:
    pages = [path.read_bytes() for path in sorted(Path(sys.argv[1]).glob("*.html"))]
    started, found = time.perf_counter(), 0
    for data in pages:
        found += bool(trafilatura.extract(data))
    seconds = time.perf_counter() - started
    if any(name.startswith("tasks") for name in sys.modules):
        raise SystemExit("newsflow was imported: the baseline would not be trafilatura alone")
    print(json.dumps({"seconds": seconds, "found": found, "pages": len(pages)}))


if __name__ == "__main__":
    main()
