"""Ingest throughput: `newsflow ingest` on generated news pages beside `trafilatura.extract` alone.

    .venv/bin/python benchmarks/ingest.py [--pages 2000] [--workers N]

Writes a deterministic corpus (benchmarks/corpus.py) to a temporary folder, times trafilatura.extract on every
page in this one process, then runs the `newsflow` CLI on the same folder into a fresh DuckDB file and reports
pages/s including Prefect start-up (wall clock of the command) and excluding it (the run's own start and finish
as recorded in the `runs` table). Each side runs `--repeat` times (default 3) and the best run counts: this
machine's speed varies by 30% from minute to minute, and the best of three is the least disturbed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

NEWSFLOW = Path(sys.executable).with_name("newsflow")


def time_trafilatura(paths: list[Path]) -> float:
    import trafilatura

    texts = [p.read_text(encoding="utf-8") for p in paths]
    started = time.perf_counter()
    for text in texts:
        trafilatura.extract(text)
    return len(texts) / (time.perf_counter() - started)


def time_newsflow(folder: Path, db: Path, workers: int | None) -> tuple[float, float, int]:
    argv = [str(NEWSFLOW), "ingest", str(folder), "--db", str(db)]
    if workers:
        argv += ["--workers", str(workers)]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"newsflow failed:\n{done.stdout}\n{done.stderr}")
    con = duckdb.connect(str(db), read_only=True)
    (seconds,) = con.execute("select epoch(finished_at) - epoch(started_at) from runs").fetchone()
    (loaded,) = con.execute("select count(*) from articles").fetchone()
    con.close()
    return wall, seconds, loaded


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def fmt2(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}x" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="reader processes (default: all cores)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best counts")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    try:
        paths = write_corpus(tmp / "pages", args.pages)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"corpus: {len(paths)} pages, {size:.0f} KiB each on average ({tmp / 'pages'})")
        trafs, runs = [], []
        for attempt in range(args.repeat):
            trafs.append(time_trafilatura(paths))
            runs.append(time_newsflow(tmp / "pages", tmp / f"bench{attempt}.duckdb", args.workers))
        traf = max(trafs)
        print(f"trafilatura.extract alone, one process: {traf:7.1f} pages/s (runs: {fmt(trafs)})")
        wall, seconds, loaded = min(runs, key=lambda r: r[1])
        print(f"newsflow steady-state runs: {fmt([len(paths) / r[1] for r in runs])} pages/s")
        print(f"newsflow ingest, including Prefect start-up: {len(paths) / wall:7.1f} pages/s ({wall:.1f}s wall)")
        print(f"newsflow ingest, steady state (the run itself): {len(paths) / seconds:7.1f} pages/s ({seconds:.1f}s)")
        print(f"articles loaded: {loaded}")
        print(f"ratio steady-state / trafilatura alone: {len(paths) / seconds / traf:.2f}x (target >= 1.5x)")
        pairs = sorted(len(paths) / run[1] / alone for alone, run in zip(trafs, runs, strict=True))
        print(f"ratio run by run (each newsflow run / the trafilatura run just before it): {fmt2(pairs)};"
              f" median {pairs[len(pairs) // 2]:.2f}x")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
