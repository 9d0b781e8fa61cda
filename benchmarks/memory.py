"""Peak memory of a large ingest: `newsflow ingest` of 50,000 pages into a fresh warehouse, its process tree
sampled twice a second.

    .venv/bin/python benchmarks/memory.py [--pages 50000] [--workers N] [--keep DIR]

The pages are benchmarks/ingest.py's (the aeb-dev pages under 400 KB cycled into distinct copies, each with a
canonical URL of its own; generated pages without ../shared), written as .html files. Cycling makes every page
a near-copy of hundreds of others, so the dedup stage meets its worst case (50 candidates per article), which is
also the worst case for the loading process's memory.

Reported: the peak RSS of the main process (the flow: reading, loading, DuckDB), the peak RSS of any one worker
process, and the peak of the whole tree's PSS (proportional set size: shared pages counted once, so the figure
adds up; RSS summed over forked workers would count their shared pages once per process). Also wall time and
articles/s. The bound is 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import NEWSFLOW, SUMMARY, write_pages
from stages import machine


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = children_of(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def status_kib(pid: int, field: str, name: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.stop = pid, every, threading.Event()
        self.main_rss = self.worker_rss = self.tree_pss = self.processes = 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids = descendants(self.pid)
            self.processes = max(self.processes, len(pids))
            self.main_rss = max(self.main_rss, status_kib(self.pid, "VmRSS:"))
            workers = [status_kib(p, "VmRSS:") for p in pids if p != self.pid]
            self.worker_rss = max([self.worker_rss, *workers])
            self.tree_pss = max(self.tree_pss, sum(status_kib(p, "Pss:", "smaps_rollup") for p in pids))
            self.stop.wait(self.every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write the pages and warehouse here, and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-memory-"))
    pages = folder / "pages"
    if not pages.exists():
        print(f"writing {args.pages:,} pages to {pages} …", file=sys.stderr)
        label, _, _ = write_pages(pages, args.pages)
    else:
        label = f"pages already in {pages}"
    size = sum(p.stat().st_size for p in pages.iterdir()) / 2**30
    db = folder / "memory.duckdb"
    for stale in folder.glob("memory.duckdb*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    argv = [str(NEWSFLOW), "ingest", str(pages), "--db", str(db)] + (
        ["--workers", str(args.workers)] if args.workers else []
    )
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampler = Sampler(process.pid)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    summary = SUMMARY.search(out)
    if process.returncode != 0 or not summary:
        raise SystemExit(f"newsflow ingest failed ({process.returncode}):\n{out}\n{err[-3000:]}")
    new = int(summary.group(3))
    print(f"machine: {machine()}")
    print(f"pages: {label}; {args.pages:,} files, {size:.2f} GiB")
    print(f"command: {' '.join(argv)}")
    print(f"result: {summary.group(0)}")
    print(f"wall {wall:.0f} s, {new / wall:.1f} new articles/s, {sampler.processes} processes at most\n")
    print("| measure | peak |")
    print("|---|---:|")
    print(f"| main process RSS (flow, loading, DuckDB) | {sampler.main_rss / 1024:.0f} MiB |")
    print(f"| largest worker RSS | {sampler.worker_rss / 1024:.0f} MiB |")
    print(f"| whole tree PSS | {sampler.tree_pss / 1024:.0f} MiB |")
    worst = max(sampler.main_rss, sampler.tree_pss) / 2**20
    print(f"\nunder 1 GiB: {'yes' if worst < 1 else 'NO'} ({worst:.2f} GiB, the larger of main RSS and tree PSS)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
