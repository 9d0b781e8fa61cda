"""Ingest throughput on the same HTML pages, three ways, interleaved in one run, plus newsflow's cost per stage.

    .venv/bin/python benchmarks/ingest.py [--pages 3000] [--repeat 3] [--stage-pages 1000] [--workers N] [--out DIR]

Compared, on `--pages` .html files written to a temporary folder (the aeb-dev pages under 400 KB,
../shared/data/extraction/aeb-dev, cycled into distinct copies by benchmarks/warc.py's marker sentence, each copy
of a page that declares a URL given a canonical link of its own, else newsflow would store one article per source
page; without that folder, generated pages from benchmarks/corpus.py, and the output says so):

  a. newsflow's extraction call alone, one process: trafilatura.utils.load_html, then
     tasks.extraction.extract_page.extract_main_text (trafilatura.extract fast=True, favor_precision=True,
     include_comments=False, EXTRACTION_TIMEOUT 0, prune_xpath=PRUNE_XPATH, url=the page URL newsflow would pass;
     a full extract when the fast text is under FALLBACK_BELOW characters). The URLs are found before timing.
  b. trafilatura.extract(html) with default options, one process of its own that imports nothing of newsflow
     (benchmarks/trafilatura_alone.py; newsflow guards some of trafilatura's XPaths, tasks/extraction/regex_guards.py,
     and in this process the baseline would run with them; newsflow's other change to trafilatura,
     tasks/extraction/lean_fast_pass.py, touches only a fast pass, which the defaults are not).
  c. `newsflow ingest FOLDER --db TMP/x.duckdb` as a subprocess (PREFECT_SERVER_ANALYTICS_ENABLED=false, default
     workers unless --workers): wall clock from process start to exit, Prefect start-up included, into a fresh
     warehouse. One untimed one-page ingest runs first so Prefect's own database exists.
a and b take the pages' bytes from memory (read from disk before timing); c reads the files. The three run
`--repeat` times in the order a, b, c, a, b, c, ...; each repetition gives the ratios c/b, c/a, a/b of pages/s, and
the median of each paired ratio is reported. Then one pass of newsflow's stages on the first `--stage-pages` pages
in this one process (benchmarks/stages.py: parse, metadata, extraction, tidy, date fallback + Article, clean,
identity, tag, places, fingerprint, cluster lookup and load in batches of 500 into a fresh warehouse, final
publish), in ms per page. Waits for the 1-minute load to be at most 1.0 (up to 5 minutes) before timing; prints the
load at start and end. With --out, the same figures go to DIR/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from stages import STAGES, check_stages, machine, time_stages, wait_for_quiet
from trafilatura.utils import load_html
from warc import page_source

from tasks.extraction.canonical import choose_url
from tasks.extraction.extract_page import FALLBACK_BELOW, extract_main_text
from tasks.extraction.page_metadata import read_page_metadata
from tasks.running.pool import default_workers

NEWSFLOW = Path(sys.executable).with_name("newsflow")
SUMMARY = re.compile(r"ingest (\S+): read (\d+), new (\d+), duplicate (\d+), skipped (\d+), failed (\d+) in ([\d.]+)s")
HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
PAIRS = (("c", "b"), ("c", "a"), ("a", "b"))
NAMES = {"a": "a. newsflow extract_main_text (load_html + precision, fast)", "b": "b. trafilatura.extract(html)",
         "c": "c. newsflow ingest (CLI, end to end)"}  # fmt: skip


def write_pages(folder: Path, count: int) -> tuple[str, list[Path], int]:
    """The pages as .html files; each copy of a page that declares a URL declares one of its own (a canonical link
    first in its head), else all copies of it would be one article to newsflow (its id is the canonical URL)."""
    label, page = page_source()
    folder.mkdir(parents=True)
    paths = [folder / f"page-{n:05d}.html" for n in range(count)]
    moved = 0
    for number, path in enumerate(paths):
        html = page(number)
        declared = page_url(html)
        if declared:
            parts = urlsplit(declared)
            own = urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"-copy{number}", fragment=""))
            link = f'<link rel="canonical" href="{own}">'.encode()
            head = HEAD.search(html)
            html = html[: head.end()] + link + html[head.end() :] if head else link + html
            moved += 1
        path.write_bytes(html)
    return label, paths, moved


def run_a(pages: list[bytes], urls: list[str | None]) -> tuple[float, int]:
    started, found = time.perf_counter(), 0
    for data, url in zip(pages, urls, strict=True):
        found += bool(extract_main_text(load_html(data), url)[0])
    return time.perf_counter() - started, found


def run_b(folder: Path) -> tuple[float, int]:
    """trafilatura alone, in a process of its own (benchmarks/trafilatura_alone.py)."""
    alone = Path(__file__).with_name("trafilatura_alone.py")
    done = subprocess.run([sys.executable, str(alone), str(folder)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    return result["seconds"], result["found"]


def run_c(folder: Path, db: Path, workers: int | None) -> dict:
    argv = [str(NEWSFLOW), "ingest", str(folder), "--db", str(db)] + (["--workers", str(workers)] if workers else [])
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    summary = SUMMARY.search(done.stdout)
    if done.returncode != 0 or not summary:
        raise SystemExit(f"newsflow ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    con = duckdb.connect(str(db), read_only=True)
    (run_s,) = con.execute("select epoch(finished_at) - epoch(started_at) from runs").fetchone()
    (stored, clusters) = con.execute("select count(*), count(distinct cluster_id) from articles").fetchone()
    con.close()
    read, new, duplicate, skipped, failed = (int(summary.group(n)) for n in range(2, 7))
    return {"argv": argv, "seconds": wall, "run_s": run_s, "cli_s": float(summary.group(7)), "read": read,
            "new": new, "duplicate": duplicate, "skipped": skipped, "failed": failed, "stored": stored,
            "clusters": clusters}  # fmt: skip


def page_url(data: bytes) -> str | None:
    """The URL newsflow gives trafilatura for a file's page: its declared canonical URL when plausible."""
    tree = load_html(data)
    return choose_url(read_page_metadata(tree, None).url, None) if tree is not None else None


def report(facts: dict, corpus: dict, runs: list[dict], stages: dict, notes: list[str]) -> None:
    print(f"machine: {facts['cores']} cores, {facts['cpu']}, Python {facts['python']}, trafilatura"
          f" {facts['trafilatura']}, duckdb {facts['duckdb']}, prefect {facts['prefect']}; 1-min load"
          f" {facts['load_start']:.2f} at start, {facts['load_end']:.2f} at end")  # fmt: skip
    print(f"pages: {corpus['source']}")
    print(f"corpus: {corpus['pages']} .html files, {corpus['mean_kb']:.0f} KB on average ({corpus['min_kb']:.0f}"
          f"..{corpus['max_kb']:.0f}), {corpus['total_mb']:.0f} MB; {corpus['own_canonical']} given a canonical URL"
          f" of their own; newsflow workers: {corpus['workers']}")  # fmt: skip
    print(f"warm-up one-page ingest (not counted): {corpus['warmup_s']:.1f} s")
    print()
    print(f"{'rep':<4} {'measurement':<58} {'seconds':>8} {'pages/s':>8}  texts / stored")
    for number, run in enumerate(runs, 1):
        for key in "abc":
            side = run[key]
            extra = f"{side['found']} texts" if key != "c" else (
                f"{side['stored']} stored, {side['clusters']} clusters (run itself {side['run_s']:.1f} s)")  # fmt: skip
            print(f"{number:<4} {NAMES[key]:<58} {side['seconds']:>8.1f} {side['pages_s']:>8.1f}  {extra}")
    print()
    print(f"{'ratio of pages/s':<18}" + "".join(f"{'rep ' + str(n):>9}" for n in range(1, len(runs) + 1))
          + f"{'median':>9}")  # fmt: skip
    for x, y in PAIRS:
        ratios = [run["ratios"][f"{x}/{y}"] for run in runs]
        print(f"{x} vs {y:<13}" + "".join(f"{r:>8.2f}x" for r in ratios) + f"{statistics.median(ratios):>8.2f}x")
    if stages:
        print_stages(stages)
    print()
    print("checks: " + ("all counts agree" if not notes else ""))
    for note in notes:
        print(f"  - {note}")


def print_stages(stages: dict) -> None:
    print()
    print(f"per stage, one process, one pass on the first {stages['pages']} pages ({stages['articles']} articles,"
          f" {stages['refused']} refused; load: {stages['new']} new, {stages['duplicate']} duplicate, in"
          f" {stages['batches']} batches of <= 500; published file {stages['published_mb']:.0f} MB)")  # fmt: skip
    total = sum(stages["ms_per_page"].values())
    print(f"{'stage':<24} {'ms/page':>8} {'share':>7}")
    for stage in STAGES:
        value = stages["ms_per_page"][stage]
        print(f"{stage:<24} {value:>8.2f} {value / total:>7.1%}")
    print(f"{'total':<24} {total:>8.2f}   -> {1000 / total:.1f} pages/s on one core")


def checks(corpus: dict, runs: list[dict], stage_notes: list[str]) -> list[str]:
    notes = list(stage_notes)
    for number, run in enumerate(runs, 1):
        c = run["c"]
        if c["read"] != corpus["pages"] or c["new"] + c["duplicate"] + c["skipped"] + c["failed"] != c["read"]:
            notes.append(f"rep {number}: ingest read {c['read']} of {corpus['pages']}, new {c['new']} + duplicate"
                         f" {c['duplicate']} + skipped {c['skipped']} + failed {c['failed']}")  # fmt: skip
        if c["stored"] != c["new"] or c["new"] != corpus["pages"]:
            notes.append(f"rep {number}: {c['stored']} articles stored, {c['new']} new, {corpus['pages']} pages")
        for key in "ab":
            if run[key]["found"] != corpus["pages"]:
                notes.append(f"rep {number}: {key} found text in {run[key]['found']} of {corpus['pages']} pages")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions of a, b, c")
    parser.add_argument("--stage-pages", type=int, default=1000, help="pages in the per-stage pass (0: none)")
    parser.add_argument("--workers", type=int, default=None, help="newsflow reader processes (default: its own)")
    parser.add_argument("--out", type=Path, default=None, help="write DIR/ingest.json")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-ingest-"))
    try:
        label, paths, moved = write_pages(tmp / "pages", args.pages)
        pages = [p.read_bytes() for p in paths]
        sizes = [len(p) / 1000 for p in pages]
        urls = [page_url(p) for p in pages]
        corpus = {"source": label, "pages": len(pages), "mean_kb": statistics.mean(sizes), "min_kb": min(sizes),
                  "max_kb": max(sizes), "total_mb": sum(sizes) / 1000, "workers": args.workers or default_workers(),
                  "fallback_below": FALLBACK_BELOW, "own_canonical": moved}  # fmt: skip
        (tmp / "one").mkdir()
        shutil.copy(paths[0], tmp / "one" / paths[0].name)
        corpus["warmup_s"] = run_c(tmp / "one", tmp / "warmup.duckdb", args.workers)["seconds"]
        print(f"corpus written: {len(pages)} pages ({tmp}); {label}", flush=True)
        facts = machine() | {"load_start": wait_for_quiet()}
        runs = []
        for number in range(args.repeat):
            run = {}
            seconds, found = run_a(pages, urls)
            run["a"] = {"seconds": seconds, "found": found}
            seconds, found = run_b(tmp / "pages")
            run["b"] = {"seconds": seconds, "found": found}
            db = tmp / f"ingest{number}.duckdb"
            run["c"] = run_c(tmp / "pages", db, args.workers)
            shutil.rmtree(db.with_name(db.name + ".private"), ignore_errors=True)
            for side in run.values():
                side["pages_s"] = len(pages) / side["seconds"]
            run["ratios"] = {f"{x}/{y}": run[x]["pages_s"] / run[y]["pages_s"] for x, y in PAIRS}
            runs.append(run)
            print(f"rep {number + 1}: " + ", ".join(f"{k} {run[k]['pages_s']:.1f} pages/s" for k in "abc"), flush=True)
        now = datetime.now(UTC)
        subset = [(str(p), data) for p, data in zip(paths[: args.stage_pages], pages)]
        stages = time_stages(subset, tmp / "stages.duckdb", now) if subset else {}
        stage_notes = check_stages(subset[:20], now) if subset else []
        facts["load_end"] = os.getloadavg()[0]
        notes = checks(corpus, runs, stage_notes)
        print()
        report(facts, corpus, runs, stages, notes)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            medians = {f"{x}/{y}": statistics.median(r["ratios"][f"{x}/{y}"] for r in runs) for x, y in PAIRS}
            (args.out / "ingest.json").write_text(json.dumps(
                {"machine": facts, "corpus": corpus, "runs": runs, "median_ratios": medians, "stages": stages,
                 "checks": notes}, indent=2, default=str))  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
