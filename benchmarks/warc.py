"""WARC reading: FastWARC beside warcio on one core, newsflow's archive reader with and without a domain filter,
and `newsflow ingest` end to end, all on the same archives in one run.

    .venv/bin/python benchmarks/warc.py [--pages 3000] [--out DIR] [--repeat 3]

1. Corpus: `--pages` HTML pages (status 200) as response records, written with warcio twice, gzip per record
   (bench.warc.gz) and plain (bench.warc). The pages are the aeb-dev pages (../shared/data/extraction/aeb-dev,
   those under 400 KB) cycled, each copy made a distinct article by a marker sentence in its article text (placed
   with ground-truth.json's bodies); without that folder they are generated (benchmarks/corpus.py), and the
   output says so. Around them, what a crawl archive also holds: a warcinfo record first, a request before every
   response, 5% non-HTML responses (image/png, application/pdf), 3% not status 200 (404, 301), a metadata
   record after every 25th response. Six hosts take turns; the domain filter below keeps two of them (a third).
   Captures (WARC-Date) span five days.
2. Reading on one core (this process pinned to one CPU), best of `--repeat` runs, on each file: FastWARC and
   warcio iterating every record and reading every response body (both parse the HTTP headers and decode
   payload encodings), then newsflow's own reader (tasks.reading.warc.read_archives, chunks of 500 pages) with
   no filter and with a domain filter. MB/s is given per file byte on disk and per byte of uncompressed WARC.
3. End to end: `newsflow ingest bench.warc.gz` into a fresh DuckDB file as a subprocess, wall time including
   Prefect start-up. Start-up is estimated as the best of two ingests of a one-page WARC (run first, so the big
   run also finds Prefect's database made) and subtracted for the rate excluding it. Peak memory: the largest
   RSS of any one process of the ingest (getrusage of the waited process tree, what /usr/bin/time -v reports),
   and the peak sum of RSS over the live process tree (sampled every 0.25 s; shared pages count in each process).
Prints a table; with --out the archives stay in DIR and the same figures go to DIR/warc.json.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib.metadata import version
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastWarcIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from corpus import make_page  # noqa: E402

from tasks.reading.warc import ArchiveFilter, archive_filter, read_archives  # noqa: E402

NEWSFLOW = Path(sys.executable).with_name("newsflow")
DEV_SET = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev"
MAX_SOURCE_BYTES = 400_000  # the aeb-dev pages average 182 KiB, a few over 1 MB; under 400 KB they average 123 KiB
HOSTS = (
    "www.harbour-times.example", "news.northlake-post.example", "www.riverside-herald.example",
    "portalder-daily.example", "www.venn-observer.example", "m.hallsberg-courier.example",
)  # fmt: skip
KEPT = ["harbour-times.example", "northlake-post.example"]  # the domain filter: two hosts of six
FIRST_CAPTURE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
CAPTURE_DAYS = 5
NON_HTML, NOT_OK = 0.05, 0.03  # shares of the response records
METADATA_EVERY = 25
SUMMARY = re.compile(r"ingest (\S+): read (\d+), new (\d+), duplicate (\d+), skipped (\d+), failed (\d+) in ([\d.]+)s")
PARAGRAPH = re.compile(rb"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(rb"<[^>]+>")
BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1e6


def marker_positions(html: bytes, gold: str | None) -> list[int]:
    """Where a copy's marker goes so that the extracted text carries it: after each occurrence of a run of six
    words of the gold article body (ground-truth.json; in a meta tag or a script too, harmless), and at the end
    of the page's longest paragraph (or the start of its body)."""
    found: set[int] = set()
    lines = sorted((line for line in (gold or "").split("\n") if len(line) > 40), key=len, reverse=True)
    for line in lines[:3]:
        words = line.split()
        for start in range(0, max(1, len(words) - 6), 3):
            if ends := [m.end() for m in re.finditer(re.escape(" ".join(words[start : start + 6]).encode()), html)]:
                found.update(ends)
                break
    best, at = -1, -1
    for match in PARAGRAPH.finditer(html):
        size = len(TAG.sub(b"", match.group(1)))
        if size > best:
            best, at = size, match.end(1)
    if at < 0:
        body = BODY.search(html)
        at = body.end() if body else len(html)
    return sorted(found | {at})


def page_source() -> tuple[str, Callable[[int], bytes]]:
    """What the pages are (said in the output) and page number -> HTML: the aeb-dev pages cycled, each copy with
    a marker of its own in its text, else generated pages."""
    files = sorted(
        p for p in DEV_SET.rglob("*") if p.is_file() and p.name.lower().endswith((".html", ".htm", ".html.gz"))
    ) if DEV_SET.is_dir() else []  # fmt: skip
    truth = DEV_SET / "ground-truth.json"
    gold = {k: v.get("articleBody") for k, v in json.loads(truth.read_text()).items()} if truth.exists() else {}
    pool = []
    for path in files:
        html = path.read_bytes()
        html = gzip.decompress(html) if path.name.endswith(".gz") else html
        if len(html) <= MAX_SOURCE_BYTES:
            pool.append((html, marker_positions(html, gold.get(path.name.split(".")[0]))))
    if pool:

        def dev_page(number: int) -> bytes:
            html, positions = pool[number % len(pool)]
            marker = f" Archive copy {number} of benchmark page {number % len(pool)}.".encode()
            parts, last = [], 0
            for at in positions:
                parts += [html[last:at], marker]
                last = at
            return b"".join([*parts, html[last:]])

        label = (f"aeb-dev pages ({DEV_SET}): {len(pool)} of {len(files)} under {MAX_SOURCE_BYTES // 1000} KB,"
                 " cycled, each copy marked in its text")  # fmt: skip
        return label, dev_page
    rng = random.Random(2026)
    return f"GENERATED pages (benchmarks/corpus.py): {DEV_SET} is not here", lambda n: make_page(n, rng).encode()


def record_id(rng: random.Random) -> str:
    return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"


def write_both(writers: list[WARCWriter], uri: str, record_type: str, headers: dict[str, str], body: bytes = b"",
               http: tuple[str, list[tuple[str, str]]] | None = None, content_type: str = "") -> None:  # fmt: skip
    """One record into each archive (fresh payload and headers for each: warcio consumes and amends them)."""
    for writer in writers:
        http_headers = None
        if http and record_type == "request":
            http_headers = StatusAndHeaders(http[0], list(http[1]), is_http_request=True)
        elif http:
            http_headers = StatusAndHeaders(http[0], list(http[1]), protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, record_type, payload=io.BytesIO(body), length=len(body), warc_content_type=content_type,
            warc_headers_dict=dict(headers), http_headers=http_headers,
        )  # fmt: skip
        writer.write_record(record)


def response_for(kind: str, number: int, host: str, when: datetime, page: Callable[[int], bytes], pages: int,
                 rng: random.Random) -> tuple[str, str, list[tuple[str, str]], bytes]:  # fmt: skip
    """URI, status line, HTTP headers and body of one response of this kind."""
    base = f"https://{host}/{when:%Y/%m/%d}"
    if kind == "page":
        return f"{base}/story-{number}.html", "200 OK", [("Content-Type", "text/html; charset=utf-8")], page(pages)
    if kind == "png":
        body = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(8_000, 120_000))
        return f"https://{host}/media/{number}.png", "200 OK", [("Content-Type", "image/png")], body
    if kind == "pdf":
        body = b"%PDF-1.7\n" + rng.randbytes(rng.randint(40_000, 400_000)) + b"\n%%EOF\n"
        return f"https://{host}/files/report-{number}.pdf", "200 OK", [("Content-Type", "application/pdf")], body
    if kind == "404":
        body = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
        body += b"<p>The page you requested does not exist.</p>" + b"<!-- padding -->" * 200 + b"</body></html>"
        return f"{base}/story-{number}.html", "404 Not Found", [("Content-Type", "text/html; charset=utf-8")], body
    location = f"{base}/story-{number}-updated.html"
    body = f'<html><body>Moved <a href="{location}">here</a></body></html>'.encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Location", location)]
    return f"{base}/story-{number}.html", "301 Moved Permanently", headers, body


def build_corpus(folder: Path, pages: int, seed: int = 7) -> dict:
    """bench.warc.gz and bench.warc in `folder`, the same records in both; what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    label, page = page_source()
    rng = random.Random(seed)
    paths = {"gz": folder / "bench.warc.gz", "plain": folder / "bench.warc"}
    kinds: Counter = Counter()
    page_bytes = kept_pages = metadata = 0
    expected = max(1, round(pages / (1 - NON_HTML - NOT_OK)))  # responses, for spreading the capture dates
    with open(paths["gz"], "wb") as gz_stream, open(paths["plain"], "wb") as plain_stream:
        writers = [WARCWriter(gz_stream, gzip=True), WARCWriter(plain_stream, gzip=False)]
        info_id = record_id(rng)
        for writer, path in zip(writers, paths.values()):
            info = {"software": "newsflow benchmarks/warc.py", "format": "WARC File Format 1.1",
                    "isPartOf": "newsflow-bench", "description": label}  # fmt: skip
            record = writer.create_warcinfo_record(path.name, info)
            record.rec_headers.replace_header("WARC-Record-ID", info_id)
            record.rec_headers.replace_header("WARC-Date", FIRST_CAPTURE.strftime("%Y-%m-%dT%H:%M:%SZ"))
            writer.write_record(record)
        number = 0
        while kinds["page"] < pages:
            roll = rng.random()
            kind = "page" if roll >= NON_HTML + NOT_OK else ("png", "pdf")[number % 2] if roll < NON_HTML else "bad"
            kind = ("404", "404", "301")[number % 3] if kind == "bad" else kind
            host = HOSTS[number % len(HOSTS)]
            when = FIRST_CAPTURE + timedelta(days=CAPTURE_DAYS) * min(1.0, number / expected)
            when += timedelta(seconds=rng.randint(0, 59))
            stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            uri, status, headers, body = response_for(kind, number, host, when, page, kinds["page"], rng)
            path = uri.split(host, 1)[1]
            request = (f"GET {path} HTTP/1.1", [("Host", host), ("User-Agent", "newsflow-bench/1.0 (+benchmark)"),
                                                ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")])  # fmt: skip
            common = {"WARC-Date": stamp, "WARC-Warcinfo-ID": info_id, "WARC-IP-Address": f"192.0.2.{number % 6 + 1}"}
            write_both(writers, uri, "request", {**common, "WARC-Record-ID": record_id(rng)}, http=request)
            response_id = record_id(rng)
            headers = [*headers, ("Content-Length", str(len(body))), ("Date", format_datetime(when, usegmt=True)),
                       ("Server", "nginx")]  # fmt: skip
            write_both(writers, uri, "response", {**common, "WARC-Record-ID": response_id}, body, (status, headers))
            if kind == "page":
                page_bytes += len(body)
                kept_pages += any(host == d or host.endswith("." + d) for d in KEPT)
            kinds[kind] += 1
            number += 1
            if number % METADATA_EVERY == 0:
                fields = f"fetchTimeMs: {rng.randint(80, 2500)}\r\ncharset-detected: UTF-8\r\n".encode()
                ids = {"WARC-Record-ID": record_id(rng), "WARC-Concurrent-To": response_id}
                write_both(writers, uri, "metadata", {**common, **ids}, fields, content_type="application/warc-fields")
                metadata += 1
    return {
        "source": label, "pages": kinds["page"], "responses": number, "kinds": dict(kinds), "metadata": metadata,
        "records": 1 + 2 * number + metadata, "kept_pages": kept_pages,
        "mean_page_kib": page_bytes / max(kinds["page"], 1) / 1024,
        "first_capture": FIRST_CAPTURE.date().isoformat(), "last_capture": stamp[:10],
        "files": {key: {"path": str(p), "bytes": p.stat().st_size} for key, p in paths.items()},
    }  # fmt: skip


def read_fastwarc(path: Path) -> dict:
    records = bodies = size = 0
    with open(path, "rb") as stream:
        for record in FastWarcIterator(stream, parse_http=True, auto_decode="all"):
            records += 1
            if record.record_type == WarcRecordType.response:
                bodies += 1
                size += len(record.reader.read())
    return {"records": records, "items": bodies, "body_bytes": size}


def read_warcio(path: Path) -> dict:
    records = bodies = size = 0
    with open(path, "rb") as stream:
        for record in WarcioIterator(stream):
            records += 1
            if record.rec_type == "response":
                bodies += 1
                size += len(record.content_stream().read())
    return {"records": records, "items": bodies, "body_bytes": size}


def read_newsflow(path: Path, filters: ArchiveFilter) -> dict:
    counts: Counter = Counter()
    size, errors = 0, []
    for chunk in read_archives([str(path)], filters, {}, pages=500):
        counts.update(chunk.counts)
        size += sum(len(p.html) for p in chunk.pages)
        errors += chunk.errors
    return {"records": counts["records"], "items": counts["pages"], "body_bytes": size, "counts": dict(counts),
            "errors": errors}  # fmt: skip


def best_of(repeat: int, read: Callable[[], dict]) -> tuple[float, dict, list[float]]:
    times, result = [], {}
    for _ in range(repeat):
        started = time.perf_counter()
        result = read()
        times.append(time.perf_counter() - started)
    return min(times), result, times


def reading(corpus: dict, repeat: int) -> list[dict]:
    """Every reader on each file in this one process, pinned to one CPU; the best of `repeat` runs counts."""
    domain = archive_filter(domains=KEPT)
    readers = [
        ("fastwarc: all records, bodies", "bodies", read_fastwarc),
        ("warcio: all records, bodies", "bodies", read_warcio),
        ("newsflow read_archives, no filter", "pages", lambda p: read_newsflow(p, ArchiveFilter())),
        (f"newsflow read_archives, --domain x{len(KEPT)}", "pages", lambda p: read_newsflow(p, domain)),
    ]
    plain_bytes = corpus["files"]["plain"]["bytes"]
    rows = []
    for name, unit, read in readers:
        for key in ("gz", "plain"):
            path, size = Path(corpus["files"][key]["path"]), corpus["files"][key]["bytes"]
            seconds, result, times = best_of(repeat, lambda: read(path))  # noqa: B023
            rows.append({
                "reader": name, "file": ".warc.gz" if key == "gz" else ".warc", "unit": unit, **result,
                "seconds": seconds, "runs": times, "records_per_s": result["records"] / seconds,
                "items_per_s": result["items"] / seconds, "disk_mb_per_s": size / MB / seconds,
                "warc_mb_per_s": plain_bytes / MB / seconds,
            })  # fmt: skip
    return rows


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and all its descendants now (each process's RSS, shared pages in each)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, ValueError, IndexError):
            continue
    return total


def ingest(archive: Path, db: Path) -> dict:
    """`newsflow ingest ARCHIVE --db DB` into a fresh DB: wall time, the CLI's summary, the run's own time (runs
    table), peak memory."""
    import duckdb

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    argv = [str(NEWSFLOW), "ingest", str(archive), "--db", str(db)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        peak_tree, sampled = 0, 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - sampled >= 0.25:
                peak_tree, sampled = max(peak_tree, tree_rss(process.pid)), time.perf_counter()
            time.sleep(0.02)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    summary = SUMMARY.search(stdout)
    if process.returncode != 0 or not summary:
        raise SystemExit(f"newsflow ingest failed ({process.returncode}):\n{stdout}\n{stderr}")
    con = duckdb.connect(str(db), read_only=True)
    (seconds,) = con.execute("select epoch(finished_at) - epoch(started_at) from runs").fetchone()
    (stored,) = con.execute("select count(*) from articles").fetchone()
    con.close()
    read, new, duplicate, skipped, failed = (int(summary.group(n)) for n in range(2, 7))
    return {
        "argv": argv, "wall_s": wall, "cli_s": float(summary.group(7)), "run_s": seconds, "read": read, "new": new,
        "duplicate": duplicate, "skipped": skipped, "failed": failed, "articles_stored": stored,
        "max_rss_one_process_mib": usage.ru_maxrss / 1024, "peak_tree_rss_mib": peak_tree / 2**20,
        "stdout": stdout.strip().splitlines(), "stderr_lines": len(stderr.strip().splitlines()),
    }  # fmt: skip


def end_to_end(folder: Path, corpus: dict) -> dict:
    one = build_corpus(folder / "one-page", 1)
    small = [ingest(Path(one["files"]["gz"]["path"]), folder / f"startup{n}.duckdb") for n in range(2)]
    result = ingest(Path(corpus["files"]["gz"]["path"]), folder / "bench.duckdb")
    startups = [run["wall_s"] for run in small]
    startup = min(startups)
    result |= {
        "startup_runs_s": startups, "startup_s": startup, "startup_run_itself_s": [run["run_s"] for run in small],
        "articles_per_s_with_startup": result["new"] / result["wall_s"],
        "articles_per_s_without_startup": result["new"] / (result["wall_s"] - startup)
        if result["wall_s"] > startup
        else None,
        "articles_per_s_run_itself": result["new"] / max(result["run_s"], 1e-9),
    }  # fmt: skip
    return result


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    return {"cores": len(os.sched_getaffinity(0)), "cpu": model, "python": platform.python_version(),
            "fastwarc": version("fastwarc"), "warcio": version("warcio"), "platform": platform.platform()}  # fmt: skip


def checks(corpus: dict, rows: list[dict], run: dict) -> list[str]:
    """Counts that should agree, and what does not."""
    notes = []
    for row in rows:
        if row["reader"].startswith(("fastwarc", "warcio")):
            want = (corpus["records"], corpus["responses"])
            if (row["records"], row["items"]) != want:
                notes.append(f"{row['reader']} {row['file']}: {row['records']} records, {row['items']} bodies;"
                             f" the corpus has {want[0]}, {want[1]}")  # fmt: skip
        else:
            want = corpus["kept_pages"] if "domain" in row["reader"] else corpus["pages"]
            if row["items"] != want or row["records"] != corpus["records"]:
                notes.append(f"{row['reader']} {row['file']}: {row['items']} pages of {row['records']} records;"
                             f" expected {want} of {corpus['records']} ({row['counts']})")  # fmt: skip
            notes += row["errors"]
    bodies = {r["body_bytes"] for r in rows if r["unit"] == "bodies"}
    if len(bodies) > 1:
        notes.append(f"the readers disagree on the body bytes: {sorted(bodies)}")
    if run["read"] != corpus["pages"]:
        notes.append(f"ingest read {run['read']} pages; the archive has {corpus['pages']}")
    non_pages = corpus["responses"] - corpus["pages"]  # the CLI counts them in `skipped`, not in `read`
    if run["new"] + run["duplicate"] + run["skipped"] - non_pages + run["failed"] != run["read"]:
        notes.append(f"ingest: new + duplicate + skipped - {non_pages} non-page responses + failed != read")
    if run["articles_stored"] != run["new"]:
        notes.append(f"ingest: {run['articles_stored']} articles stored, {run['new']} new")
    if run["duplicate"] or run["skipped"] != non_pages or run["failed"]:
        notes.append(f"ingest: {run['duplicate']} duplicate, {run['skipped'] - non_pages} pages skipped (besides"
                     f" the {non_pages} non-page responses), {run['failed']} failed")  # fmt: skip
    if run["articles_per_s_without_startup"] is None:
        notes.append("ingest: the big run took no longer than the one-page start-up estimate (too few pages)")
    return notes


def report(facts: dict, corpus: dict, rows: list[dict], run: dict, notes: list[str]) -> None:
    files = corpus["files"]
    print(f"machine: {facts['cores']} cores (sched_getaffinity), {facts['cpu']}, Python {facts['python']},"
          f" fastwarc {facts['fastwarc']}, warcio {facts['warcio']}; load average (1 min)"
          f" {facts['load_1min_at_start']:.2f} at start, {facts['load_1min_at_end']:.2f} at end")  # fmt: skip
    print(f"pages: {corpus['source']}")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(corpus["kinds"].items()))
    print(f"corpus: {corpus['records']} records = warcinfo + {corpus['responses']} requests + {corpus['responses']}"
          f" responses ({kinds}) + {corpus['metadata']} metadata; HTML pages average {corpus['mean_page_kib']:.0f}"
          f" KiB; captured {corpus['first_capture']} .. {corpus['last_capture']}; {corpus['kept_pages']} pages"
          f" on {', '.join(KEPT)}")  # fmt: skip
    print(f"files: .warc.gz {files['gz']['bytes'] / MB:.1f} MB, .warc {files['plain']['bytes'] / MB:.1f} MB"
          f" (MB = 10^6 bytes; 'MB/s WARC' counts the uncompressed .warc's bytes for either file)")  # fmt: skip
    print()
    print(f"reading, one process pinned to one core, best of {len(rows[0]['runs'])}")
    print(f"{'reader':<38} {'file':<9} {'records':>8} {'pages':>6} {'seconds':>8} {'records/s':>10}"
          f" {'MB/s disk':>10} {'MB/s WARC':>10}")  # fmt: skip
    for row in rows:
        items = row["items"] if row["unit"] == "pages" else "-"
        rates = f"{row['records_per_s']:>10.0f} {row['disk_mb_per_s']:>10.1f} {row['warc_mb_per_s']:>10.1f}"
        print(f"{row['reader']:<38} {row['file']:<9} {row['records']:>8} {items:>6} {row['seconds']:>8.3f} {rates}")
    fast = {r["file"]: r["seconds"] for r in rows if r["reader"].startswith("fastwarc")}
    slow = {r["file"]: r["seconds"] for r in rows if r["reader"].startswith("warcio")}
    print("warcio time / fastwarc time: " + ", ".join(f"{k} {slow[k] / fast[k]:.1f}x" for k in fast))
    print()
    print(f"end to end: {' '.join(Path(a).name if n < 3 else a for n, a in enumerate(run['argv']))}")
    print(f"  wall clock, including Prefect start-up   {run['wall_s']:8.1f} s")
    print(f"  start-up (one-page WARC ingests, best)   {run['startup_s']:8.1f} s   (runs: "
          + ", ".join(f"{s:.1f}" for s in run["startup_runs_s"]) + ")")  # fmt: skip
    print(f"  the CLI's own figure ('in X.Xs')         {run['cli_s']:8.1f} s")
    print(f"  the run itself (runs table)              {run['run_s']:8.1f} s")
    print(f"  articles/s including start-up            {run['articles_per_s_with_startup']:8.1f}")
    steady = run["articles_per_s_without_startup"]
    print(f"  articles/s excluding start-up            {steady or float('nan'):8.1f}   (new / (wall - start-up))")
    print(f"  articles/s of the run itself             {run['articles_per_s_run_itself']:8.1f}")
    non_pages = corpus["responses"] - corpus["pages"]
    print(f"  read {run['read']}, new {run['new']}, duplicate {run['duplicate']}, skipped {run['skipped']},"
          f" failed {run['failed']}; articles stored {run['articles_stored']}"
          f" ('skipped' includes the {non_pages} non-page responses, 'read' does not)")  # fmt: skip
    print(f"  max RSS of any one process (getrusage)   {run['max_rss_one_process_mib']:8.0f} MiB")
    print(f"  peak RSS summed over the process tree    {run['peak_tree_rss_mib']:8.0f} MiB (sampled every 0.25 s)")
    print("  CLI output: " + " | ".join(run["stdout"][:6]))
    print()
    print("checks: " + ("all counts agree" if not notes else ""))
    for note in notes:
        print(f"  - {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000, help="HTML pages (status 200) in the archive")
    parser.add_argument("--out", type=Path, default=None, help="keep the archives here and write warc.json")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader; the best counts")
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="newsflow-warc-"))
    try:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        corpus = build_corpus(folder, args.pages)
        print(f"corpus written in {time.perf_counter() - started:.0f}s ({folder})", flush=True)
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cores)})
        try:
            rows = reading(corpus, args.repeat)
        finally:
            os.sched_setaffinity(0, cores)
        print("reading done; ingesting", flush=True)
        run = end_to_end(folder, corpus)
        facts = machine() | {"load_1min_at_start": load_before, "load_1min_at_end": os.getloadavg()[0]}
        notes = checks(corpus, rows, run)
        print()
        report(facts, corpus, rows, run, notes)
        if args.out:
            (args.out / "warc.json").write_text(json.dumps(
                {"machine": facts, "corpus": corpus, "reading": rows, "ingest": run, "checks": notes}, indent=2
            ))  # fmt: skip
    finally:
        if not args.out:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
