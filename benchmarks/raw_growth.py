"""Raw-store growth over many runs of an unchanged feed that ignores validators and bumps lastBuildDate.

    .venv/bin/python benchmarks/raw_growth.py [--runs 96] [--entries 20]

A local server (127.0.0.1) serves one RSS feed whose entries never change but whose lastBuildDate does on every
answer, and the pages behind its entries. The sources flow runs `--runs` times (a day of 15-minute schedules by
default); the raw store's rows and file size are reported after the first run and after the last (target: no
growth).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def raw_store(db: Path) -> tuple[int, float]:
    import duckdb

    from warehouse.layout import warehouse_paths

    raw = warehouse_paths(db).raw
    with duckdb.connect(str(raw), read_only=True) as con:
        rows = con.execute("select count(*) from raw_documents").fetchone()[0]
    return rows, raw.stat().st_size / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=96)
    parser.add_argument("--entries", type=int, default=20)
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness
    from pytest_httpserver import HTTPServer

    from flows.sources import sources_flow
    from tests.test_sources_flow import bumping_feed
    from tests.webfeeds import page_html

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    base = server.url_for("").rstrip("/")
    server.expect_request("/bump.xml").respond_with_handler(bumping_feed(base, args.entries))
    for n in range(args.entries):
        server.expect_request(f"/bump/story-{n}").respond_with_data(
            page_html(base, "bump", n), content_type="text/html"
        )
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-raw-"))
    db = tmp / "news.duckdb"
    sources = tmp / "sources.toml"
    sources.write_text(f'allow_addresses = ["127.0.0.1"]\nmin_delay = 0.0\n[[sources]]\nname = "bump"\n'
                       f'feed = "{base}/bump.xml"\n')  # fmt: skip
    try:
        with prefect_test_harness(server_startup_timeout=120):
            started = time.perf_counter()
            sources_flow(sources_file=str(sources), db=str(db))
            rows, mib = raw_store(db)
            print(f"after run 1: {rows} raw documents, raw store {mib:.2f} MiB")
            for _ in range(args.runs - 1):
                sources_flow(sources_file=str(sources), db=str(db))
            rows_after, mib_after = raw_store(db)
            took = time.perf_counter() - started
        print(f"after run {args.runs}: {rows_after} raw documents, raw store {mib_after:.2f} MiB "
              f"(+{rows_after - rows} documents, +{mib_after - mib:.2f} MiB) in {took:.0f}s")  # fmt: skip
    finally:
        server.stop()


if __name__ == "__main__":
    main()
