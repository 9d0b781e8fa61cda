"""The `newsflow` command: ingest, backfill, run the demo, and query the warehouse with SQL."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flows.cli_sources import SourcesUsageError, add_sources_commands
from flows.cli_topics import TopicsUsageError, add_topics_commands
from flows.engine import run_flow
from tasks.settings import DEFAULT_DB, apply_prefect_defaults, resolve_db

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXAMPLE_QUERY = (
    "select t.label as topic, count(*) as articles from article_topics t"
    " where t.topic like 'medtop:__000000' group by all order by articles desc, topic limit 8"
)
MAX_CELL = 60
RUNS_THAT_WATCH = ("ingest", "run", "backfill", "serve")
EXPORT_TABLES = ("articles", "article_topics", "article_places", "sightings")  # warehouse/export.py EXPORTS


class UsageError(Exception):
    """Bad arguments: exit 2 with a one-line message."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        """One line on stderr and exit 2, instead of argparse's usage block."""
        self.exit(2, f"newsflow: error: {message} (see `{self.prog} --help`)\n")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from tasks.config import ConfigError, load_settings, load_watches_file

    try:
        load_settings()  # every NEWSFLOW_* variable checked before anything runs
        if args.command in RUNS_THAT_WATCH:
            load_watches_file()  # and the watchlist file the run will match its new articles against
        return args.handler(args)
    except (UsageError, SourcesUsageError, TopicsUsageError, ConfigError) as error:
        problems = str(error).splitlines()
        if len(problems) > 1:
            print(
                f"newsflow: error: {len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr
            )
        else:
            print(f"newsflow: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsflow: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        from warehouse.connect import WarehouseError
        from warehouse.lock import WarehouseBusy

        if isinstance(error, (WarehouseError, WarehouseBusy)):
            print(f"newsflow: error: {error}", file=sys.stderr)
            return 1
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="newsflow", description="Ingest news articles into a DuckDB warehouse and query them.")
    parser.add_argument("--version", action="version", version=f"newsflow {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db_help = f"DuckDB file (default: $NEWSFLOW_DB, else ./{DEFAULT_DB})"

    ingest = commands.add_parser("ingest", help="read article files and folders into the warehouse")
    ingest.add_argument("paths", nargs="+", metavar="PATH",
                        help=".txt .html(.gz) .json(l) .xml/.rss/.atom .warc(.gz)")  # fmt: skip
    ingest.add_argument("--since", type=parse_date, help="WARC records captured on or after this day (YYYY-MM-DD)")
    ingest.add_argument("--until", type=parse_date, help="WARC records captured before this day")
    add_archive_options(ingest)
    add_run_options(ingest, db_help)
    ingest.set_defaults(handler=command_ingest)

    backfill = commands.add_parser("backfill", help="re-clean and re-tag stored articles of a date range")
    backfill.add_argument("--since", type=parse_date, help="first published_at day, inclusive (YYYY-MM-DD)")
    backfill.add_argument("--until", type=parse_date, help="last published_at day, exclusive (YYYY-MM-DD)")
    backfill.add_argument("--by", choices=["published", "fetched"], default="published",
                          help="the range is of publication time (default) or fetch time")  # fmt: skip
    backfill.add_argument("--path", dest="paths", action="append", metavar="PATH",
                          help="re-read these files; in WARC archives, --since/--until are capture days")  # fmt: skip
    add_archive_options(backfill)
    add_run_options(backfill, db_help)
    backfill.set_defaults(handler=command_backfill)

    retag = commands.add_parser("retag", help="tag stored articles again after a taxonomy change")
    retag.add_argument("--since", type=parse_date, help="first published_at day, inclusive (default: all)")
    retag.add_argument("--until", type=parse_date, help="last published_at day, exclusive")
    retag.add_argument("--db", help=db_help)
    retag.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    retag.set_defaults(handler=command_retag)

    serve = commands.add_parser("serve", help="register prefect.yaml's deployments and run them on schedule")
    serve.add_argument("--interval", type=positive_float, metavar="MINUTES", help="sources schedule (15)")
    serve.add_argument("--cron", metavar="EXPR", help='local ingest schedule ("0 * * * *")')
    serve.add_argument("--sources", metavar="FILE", help="the sources file the scheduled runs fetch")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--start-server", action="store_true",
                       help="start a Prefect server on 127.0.0.1 unless one answers (stopped with serve)")  # fmt: skip
    serve.add_argument("--port", type=positive_int, default=4200, help="the port of --start-server's server (4200)")
    serve.add_argument("--paused", action="store_true", help="register the schedules paused")
    serve.set_defaults(handler=command_serve)

    status = commands.add_parser("status", help="the last runs and each feed's health")
    status.add_argument("--db", help=db_help)
    status.add_argument("--runs", type=positive_int, default=10, help="how many runs to show (10)")
    status.set_defaults(handler=command_status)

    sql = commands.add_parser("sql", help="run read-only SQL on the warehouse (each statement's result is printed)")
    sql.add_argument("query", nargs="?", help="the SQL to run; - reads it from standard input")
    sql.add_argument("--file", "-f", type=Path, help="read the SQL from this file")
    sql.add_argument("--db", help=db_help)
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("--max-width", type=int, default=MAX_CELL, metavar="N",
                     help=f"cut table cells longer than N characters ({MAX_CELL}; 0: never)")  # fmt: skip
    sql.set_defaults(handler=command_sql)

    export = commands.add_parser("export", help="write tables to Parquet (partitioned by day), CSV or JSON Lines")
    export.add_argument("--format", choices=["parquet", "csv", "jsonl"], default="parquet")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write into")
    export.add_argument("--since", type=parse_date, help="first published_at day, inclusive (YYYY-MM-DD)")
    export.add_argument("--until", type=parse_date, help="last published_at day, exclusive")
    export.add_argument("--tables", nargs="+", choices=list(EXPORT_TABLES), default=list(EXPORT_TABLES),
                        metavar="TABLE", help=f"which tables ({', '.join(EXPORT_TABLES)}: all by default)")  # fmt: skip
    export.add_argument("--db", help=db_help)
    export.set_defaults(handler=command_export)

    delete = commands.add_parser("delete", help="delete articles by id, with every row that names them")
    delete.add_argument("article_ids", nargs="+", metavar="ARTICLE_ID")
    delete.add_argument("--db", help=db_help)
    delete.set_defaults(handler=command_delete)

    forget = commands.add_parser("forget-feed", help="forget a feed's state and taken entries (by name or URL)")
    forget.add_argument("name", metavar="NAME", help="the source's name in the sources file, or its feed URL")
    forget.add_argument("--with-articles", action="store_true",
                        help="also delete the articles no other source carried")  # fmt: skip
    forget.add_argument("--db", help=db_help)
    forget.set_defaults(handler=command_forget_feed)

    search = commands.add_parser("search", help="ranked text search over the articles (BM25), with snippets")
    search.add_argument("query", nargs="?", help='words, "a phrase", +must, -not')
    search.add_argument("--since", type=parse_date, help="published on or after this day (YYYY-MM-DD)")
    search.add_argument("--topic", help="a topic label (sport) or code (medtop:15000000)")
    search.add_argument("--source", help="the source's name, exactly")
    search.add_argument("--limit", type=positive_int, default=10)
    search.add_argument("--reindex", action="store_true", help="rebuild the search index from the warehouse")
    search.add_argument("--format", choices=["table", "json"], default="table")
    search.add_argument("--db", help=db_help)
    search.set_defaults(handler=command_search)

    watch = commands.add_parser("watch", help="watchlists: searches run over every run's new articles")
    watch_commands = watch.add_subparsers(dest="watch_command", required=True, metavar="ACTION")
    watch_add = watch_commands.add_parser("add", help="add (or replace) a watch in the watchlist file")
    watch_add.add_argument("name")
    watch_add.add_argument("query", help='words, "phrases", AND / OR / NOT, +must, -not')
    watch_add.add_argument("--topic", dest="topics", action="append", default=[], help="a topic label or code")
    watch_add.add_argument("--place", dest="places", action="append", default=[], help="an ISO country code")
    watch_add.add_argument("--source", dest="sources", action="append", default=[], help="a source's name")
    watch_add.add_argument("--webhook", metavar="URL", help="POST each run's hits there as JSON")
    watch_list = watch_commands.add_parser("list", help="the watches and how many articles each matched")
    watch_test = watch_commands.add_parser("test", help="run a watch over the stored articles (nothing recorded)")
    watch_test.add_argument("name")
    watch_test.add_argument("--limit", type=positive_int, default=20)
    watch_remove = watch_commands.add_parser("remove", help="remove a watch and forget its hits")
    watch_remove.add_argument("name")
    for sub in (watch_add, watch_list, watch_test, watch_remove):
        sub.add_argument("--db", help=db_help)
        sub.add_argument("--file", type=Path, help="the watchlist file (default: $NEWSFLOW_WATCHES, else watches.toml)")
    watch.set_defaults(handler=command_watch)

    report = commands.add_parser("report", help="a static report: one HTML file and PNG charts, offline")
    report.add_argument("--since", type=parse_date, help="first day, inclusive (YYYY-MM-DD)")
    report.add_argument("--until", type=parse_date, help="last day, exclusive")
    report.add_argument("--out", type=Path, default=Path("report"), metavar="DIR", help="where to write it (report/)")
    report.add_argument("--db", help=db_help)
    report.set_defaults(handler=command_report)

    add_sources_commands(commands, Parser)
    add_topics_commands(commands, Parser)

    prune = commands.add_parser("prune", help="delete raw documents and run records older than a number of days")
    prune.add_argument("--raw-older-than", type=positive_float, metavar="DAYS",
                       help="raw documents fetched longer ago (default: $NEWSFLOW_RAW_RETENTION_DAYS)")  # fmt: skip
    prune.add_argument("--runs-older-than", type=positive_float, metavar="DAYS",
                       help="finished runs older than this (default: $NEWSFLOW_RUNS_RETENTION_DAYS)")  # fmt: skip
    prune.add_argument("--db", help=db_help)
    prune.set_defaults(handler=command_prune)

    run = commands.add_parser("run", help="fetch and read a sources file; without one, the bundled demo")
    run.add_argument("--sources", metavar="FILE", help="a sources file (TOML) of feeds and folders")
    add_run_options(run, db_help)
    run.set_defaults(handler=command_run)
    return parser


def add_archive_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", dest="domains", action="append", metavar="HOST",
                        help="WARC records of this domain and its subdomains only (repeatable)")  # fmt: skip
    parser.add_argument("--language", dest="languages", action="append", metavar="CODE",
                        help="WARC pages in this language only: ISO 639-1, e.g. en (repeatable)")  # fmt: skip


def check_archive_options(args: argparse.Namespace) -> None:
    """The WARC filters, checked before Prefect starts (a bad one is a usage error)."""
    from tasks.reading.warc import archive_filter

    try:
        archive_filter(args.domains, args.languages, args.since, args.until)
    except ValueError as error:
        raise UsageError(str(error)) from None


def add_run_options(parser: argparse.ArgumentParser, db_help: str) -> None:
    parser.add_argument("--db", help=db_help)
    parser.add_argument("--batch-size", type=positive_int, default=None, help="articles per batch (500)")
    parser.add_argument("--workers", type=positive_int, default=None, help="reader processes (all cores)")
    parser.add_argument("--dask-address", metavar="ADDR",
                        help="prepare batches on this Dask cluster ($NEWSFLOW_DASK_ADDRESS)")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return value


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def on_dask() -> bool:
    """Whether this run prepares its batches on a Dask cluster (after prepare_run has checked the settings)."""
    from tasks.config import load_settings

    return load_settings().dask_address is not None


def prepare_run(args: argparse.Namespace) -> Path:
    """Before paying for Prefect's start-up: check the settings, make (or convert) the working copy and make
    sure the published file exists and is current."""
    db = resolve_db(args.db)
    from tasks.settings import lock_wait_seconds
    from warehouse.connect import ensure_published
    from warehouse.lock import set_writer

    set_writer(f"newsflow {args.command} (starting)", lock_wait_seconds())
    ensure_published(db)
    apply_prefect_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if args.verbose else "WARNING")
    from flows.engine import choose_engine, set_direct
    from tasks.config import load_settings

    if getattr(args, "dask_address", None):
        os.environ["NEWSFLOW_DASK_ADDRESS"] = args.dask_address
    settings = load_settings()
    if settings.dask_address:
        check_scheduler(settings.dask_address)
    engine = choose_engine(settings.engine, settings.dask_address)
    set_direct(engine == "direct")
    if args.verbose:
        where = os.environ.get("PREFECT_API_URL") or "a temporary Prefect server"
        print(f"newsflow: running {'in this process (no Prefect server)' if engine == 'direct' else 'under ' + where}",
              file=sys.stderr)  # fmt: skip
    return db


def check_scheduler(address: str, timeout: float = 3.0) -> None:
    """A Dask scheduler listens at `address` (checked before Prefect starts)."""
    import socket

    from tasks.config import ConfigError

    host, _, port = address.split("://")[-1].rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as error:
        raise ConfigError(f"no Dask scheduler answers at {address}: {error.strerror or error}") from None


def start_reader_processes(workers: int | None) -> None:
    """Fork the reader processes in the background; the flow's first batch finds them ready."""
    import threading

    from tasks.running.pool import default_workers
    from tasks.running.prepare import start_workers

    threading.Thread(target=start_workers, args=(workers or default_workers(),), daemon=True).start()


def worth_workers(paths: list[str]) -> bool:
    """Whether an ingest is large enough to pay for starting the reader processes up front (a few files are read
    in the process, and a forked worker's warm-up would only compete with it for the cores)."""
    from flows.pipeline import FIRST_BATCH
    from tasks.reading.read_files import PART_BYTES, discover_files
    from tasks.reading.warc import is_archive

    files, _ = discover_files(paths)
    if len(files) > FIRST_BATCH:
        return True
    return any(is_archive(f) or os.path.getsize(f) > PART_BYTES for f in files)


def run_options(args: argparse.Namespace) -> dict:
    options = {"workers": args.workers}
    if args.batch_size:
        options["batch_size"] = args.batch_size
    return options


def command_ingest(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    check_archive_options(args)
    db = prepare_run(args)
    if worth_workers(args.paths) and not on_dask():
        start_reader_processes(args.workers)  # they fork and load while the flow starts
    from flows.ingest import ingest_flow

    started = time.perf_counter()
    result = run_flow(
        ingest_flow, paths=[str(p) for p in args.paths], db=str(db), progress=sys.stderr.isatty(), domains=args.domains,
        languages=args.languages, since=args.since, until=args.until, **run_options(args),
    )  # fmt: skip
    print_run_summary("ingest", result, db, time.perf_counter() - started)
    return 0


def command_backfill(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since >= args.until:
        raise UsageError("--since must be before --until")
    if not (args.since or args.until or args.paths):
        raise UsageError("give --since/--until (a published_at range) or --path")
    for path in args.paths or []:
        if not Path(path).exists():
            raise UsageError(f"no such file or folder: {path}")
    if (args.domains or args.languages) and not args.paths:
        raise UsageError("--domain and --language choose WARC records: give the archives with --path")
    check_archive_options(args)
    db = prepare_run(args)
    from flows.backfill import backfill_flow

    started = time.perf_counter()
    result = run_flow(
        backfill_flow,
        since=args.since, until=args.until, by=args.by, paths=args.paths, db=str(db), domains=args.domains,
        languages=args.languages, **run_options(args),
    )  # fmt: skip
    print_run_summary("backfill", result, db, time.perf_counter() - started)
    return 0


def command_retag(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since >= args.until:
        raise UsageError("--since must be before --until")
    db = prepare_run(args)
    from flows.retag import retag_flow

    started = time.perf_counter()
    result = run_flow(retag_flow, since=args.since, until=args.until, db=str(db))
    print_run_summary("retag", result, db, time.perf_counter() - started)
    return 0


def command_serve(args: argparse.Namespace) -> int:
    apply_prefect_defaults()
    if args.sources and not Path(args.sources).exists():
        raise UsageError(f"no such sources file: {args.sources}")
    from flows.serve import start_local_server, stop_local_server, stop_on_sigterm

    server = None
    if args.start_server and not os.environ.get("PREFECT_API_URL"):
        api = f"http://127.0.0.1:{args.port}/api"
        print(f"starting a Prefect server at {api} (log: .prefect-server.log) …", file=sys.stderr)
        server = start_local_server(api)
        os.environ["PREFECT_API_URL"] = api
    try:
        with stop_on_sigterm():
            return serve_deployments(args)
    except KeyboardInterrupt:
        print("newsflow serve: stopped", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            print("stopping the Prefect server it started …", file=sys.stderr)
            stop_local_server(server)


def serve_deployments(args: argparse.Namespace) -> int:
    from flows.serve import build_deployments, read_deployment_specs, serve_all

    if not os.environ.get("PREFECT_API_URL"):
        raise UsageError("schedules need a Prefect server: set PREFECT_API_URL, or use --start-server (make serve)")
    db = resolve_db(args.db).resolve()
    overrides = {"db": str(db), "sources_file": str(Path(args.sources).resolve()) if args.sources else None}
    deployments = build_deployments(
        read_deployment_specs(), interval_minutes=args.interval, cron=args.cron, overrides=overrides,
        paused=args.paused,
    )  # fmt: skip
    print(f"serving {', '.join(d.name for d in deployments)} for {db} against {os.environ['PREFECT_API_URL']}")
    serve_all(deployments)
    return 0


def command_status(args: argparse.Namespace) -> int:
    from warehouse.lock import lock_holder
    from warehouse.query import run_query

    db = resolve_db(args.db)
    holder = lock_holder(db)
    if holder:
        print(f"committing now: {holder}")
    columns, rows = run_query(
        db,
        "select run_id, flow, started_at::timestamp(0) as started, finished_at - started_at as took, status, read,"
        " new, duplicate, skipped, failed from runs order by started_at desc limit $n",
        {"n": args.runs},
    )
    print(f"last runs ({db}):")
    print(format_table(columns, rows))
    columns, rows = run_query(
        db,
        "select s.source, s.status, s.last_success_at::timestamp(0) as last_success,"
        " s.consecutive_failures as failures, s.next_attempt_at::timestamp(0) as next_attempt,"
        " coalesce(e.pending, 0) as pages_pending, coalesce(e.blocked, 0) as pages_blocked, s.last_error"
        " from feed_state s left join (select feed_key, count(*) filter (where page_status = 'pending') as pending,"
        " count(*) filter (where page_status = 'blocked') as blocked from feed_entries group by feed_key) e"
        " on e.feed_key = s.feed_key order by s.source",
    )
    print("\nfeeds:")
    print(format_table(columns, rows) if rows else "(no feeds fetched yet)")
    return 0


def command_export(args: argparse.Namespace) -> int:
    from tasks.cleaning.dates import utc_bound
    from warehouse.export import export_tables

    since, until = utc_bound(args.since), utc_bound(args.until)
    counts = export_tables(resolve_db(args.db), args.out, args.format, args.tables, since, until)
    print(f"exported to {args.out} ({args.format}): " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def command_delete(args: argparse.Namespace) -> int:
    from tasks.running.run_record import begin_run, end_run
    from warehouse.connect import Publish, open_working
    from warehouse.forget import delete_articles
    from warehouse.search import forget_in_index

    db = resolve_db(args.db)
    state = begin_run(db, "delete", {"article_ids": args.article_ids})
    with open_working(db, Publish.LATER) as con:  # published with the run's end
        found = delete_articles(con, args.article_ids)
    state.count("deleted", found)
    forget_in_index(db, args.article_ids)
    end_run(state, "completed")
    missing = len(set(args.article_ids)) - found
    print(f"deleted {found} article{'s' if found != 1 else ''}" + (f" ({missing} not found)" if missing else ""))
    return 0


def command_forget_feed(args: argparse.Namespace) -> int:
    from tasks.running.run_record import begin_run, end_run
    from warehouse.connect import Publish, open_working
    from warehouse.forget import delete_articles, forget_feeds, select_feed_keys, select_feed_only_articles
    from warehouse.search import forget_in_index

    db = resolve_db(args.db)
    with open_working(db, Publish.READ) as con:
        keys = select_feed_keys(con, args.name)
    if not keys:
        raise UsageError(f"no feed named {args.name!r} in {db} (see `newsflow status`)")
    state = begin_run(db, "forget-feed", {"name": args.name, "with_articles": args.with_articles})
    with open_working(db, Publish.LATER) as con:
        ids = select_feed_only_articles(con, keys) if args.with_articles else []
        entries = forget_feeds(con, keys)
        deleted = delete_articles(con, ids) if ids else 0
    forget_in_index(db, ids)
    state.count("entries_forgotten", entries)
    state.count("deleted", deleted)
    end_run(state, "completed")
    print(f"forgot {len(keys)} feed{'s' if len(keys) != 1 else ''} and {entries} entries"
          + (f"; deleted {deleted} articles" if args.with_articles else ""))  # fmt: skip
    return 0


def command_search(args: argparse.Namespace) -> int:
    from tasks.cleaning.dates import utc_bound
    from warehouse.search import refresh_index, search_articles

    db = resolve_db(args.db)
    if args.query is None and not args.reindex:
        raise UsageError('no query: newsflow search "WORDS" (or --reindex)')
    indexed = refresh_index(db, rebuild=args.reindex)  # catch up with the published file first
    if args.query is None:
        print(f"indexed {indexed} articles")
        return 0
    topics, sources = [args.topic] if args.topic else None, [args.source] if args.source else None
    hits = search_articles(db, args.query, utc_bound(args.since), args.limit, topics, sources=sources)
    if args.format == "json":
        print(json.dumps([asdict(h) for h in hits], default=json_value, ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, 1):
        day = hit.published_at.date().isoformat() if hit.published_at else "undated"
        print(f"{rank}. {hit.title or '(no title)'}  [{hit.source or '?'}, {day}, {hit.article_id}, {hit.score}]")
        print(f"   {hit.snippet}")
    print(f"({len(hits)} result{'s' if len(hits) != 1 else ''})")
    return 0


def command_watch(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from tasks.config import WatchEntry, load_settings, load_watches_file
    from tasks.tagging.watch import watches_toml
    from warehouse.connect import Publish, open_working
    from warehouse.query import run_query
    from warehouse.search import refresh_index, search_articles
    from warehouse.watches import forget_hits

    db = resolve_db(args.db)
    path = args.file or Path(load_settings().watches).expanduser()
    watches = load_watches_file(path).watch
    named = next((w for w in watches if w.name == getattr(args, "name", None)), None)
    if args.watch_command in ("test", "remove") and named is None:
        raise UsageError(f"no watch named {args.name!r} in {path} (newsflow watch list)")
    if args.watch_command == "add":
        try:
            entry = WatchEntry(name=args.name, query=args.query, topics=args.topics, places=args.places,
                               sources=args.sources, webhook=args.webhook)  # fmt: skip
        except ValidationError as error:
            raise UsageError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())) from None
        path.write_text(watches_toml([w for w in watches if w.name != args.name] + [entry]), encoding="utf-8")
        print(f"watching {args.name}: {args.query} (in {path})")
    elif args.watch_command == "list":
        if not watches:
            print(f"(no watches in {path}: newsflow watch add NAME QUERY)")
            return 0
        counts = {}
        if db.exists():
            counts = {r[0]: r[1:] for r in run_query(db, "select watch, count(*), max(hit_at)::timestamp(0)"
                                                         " from watch_hits group by watch")[1]}  # fmt: skip
        rows = [(w.name, w.query, ", ".join(w.topics + w.places + w.sources) or None, w.webhook,
                 *counts.get(w.name, (0, None))) for w in watches]  # fmt: skip
        print(format_table(["name", "query", "filters", "webhook", "hits", "last_hit"], rows))
    elif args.watch_command == "test":
        refresh_index(db)
        hits = search_articles(db, named.query, limit=args.limit, topics=named.topics, places=named.places,
                               sources=named.sources)  # fmt: skip
        for hit in hits:
            print(f"{hit.title or hit.article_id}  [{hit.source or '?'}]\n   {hit.snippet}")
        print(f"({len(hits)} stored article{'s' if len(hits) != 1 else ''} match {args.name})")
    else:
        path.write_text(watches_toml([w for w in watches if w.name != args.name]), encoding="utf-8")
        if db.exists():
            with open_working(db, Publish.NOW) as con:
                forget_hits(con, args.name)
        print(f"removed watch {args.name} from {path}")
    return 0


def command_report(args: argparse.Namespace) -> int:
    from tasks.cleaning.dates import utc_bound
    from tasks.reporting.render import write_report

    page = write_report(resolve_db(args.db), args.out, utc_bound(args.since), utc_bound(args.until))
    print(f"report: {page} (and its PNG charts beside it)")
    return 0


def command_prune(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from tasks.running.run_record import retention_cutoffs, utc_now
    from warehouse.connect import open_working
    from warehouse.runs import prune_history

    now = utc_now()
    raw_before, runs_before = retention_cutoffs(now)
    if args.raw_older_than:
        raw_before = now - timedelta(days=args.raw_older_than)
    if args.runs_older_than:
        runs_before = now - timedelta(days=args.runs_older_than)
    if raw_before is None and runs_before is None:
        raise UsageError("give --raw-older-than and/or --runs-older-than (or set the NEWSFLOW_*_RETENTION_DAYS)")
    db = resolve_db(args.db)
    with open_working(db) as con:
        raw, runs = prune_history(con, raw_before, runs_before)
    print(f"pruned {raw} raw documents and {runs} runs -> {db}")
    return 0


def command_run(args: argparse.Namespace) -> int:
    if args.sources:
        return run_sources(args)
    samples = SAMPLES if SAMPLES.is_dir() else Path("samples")
    if samples.is_absolute() and samples.is_relative_to(Path.cwd()):
        samples = samples.relative_to(Path.cwd())
    if not samples.is_dir():
        raise UsageError("the bundled samples/ folder is missing (run from the project folder)")
    db = prepare_run(args)
    from flows.ingest import ingest_flow

    started = time.perf_counter()
    result = run_flow(ingest_flow, paths=[str(samples)], db=str(db), progress=sys.stderr.isatty(), **run_options(args))
    print_run_summary("ingest", result, db, time.perf_counter() - started)
    from warehouse.query import run_query

    print(f'\nExample query ({db}):\n  newsflow sql "{EXAMPLE_QUERY}"\n')
    columns, rows = run_query(db, EXAMPLE_QUERY)
    print(format_table(columns, rows))
    print(f"\nOpen it yourself, read-only, also while runs write:\n  {shown(duckdb_program())} -readonly {db}")
    newsflow = shown(Path(sys.executable).with_name("newsflow"))
    print(f"\nA report with charts (HTML and PNG, opens offline):\n  {newsflow} report --db {db} --out report/")
    return 0


def duckdb_program() -> Path:
    """The DuckDB CLI installed beside this Python (the `duckdb-cli` dependency), else the one on PATH."""
    beside = Path(sys.executable).with_name("duckdb")
    return beside if beside.exists() else Path("duckdb")


def shown(path: Path) -> str:
    """A path as short as it can be written from here."""
    return str(path.relative_to(Path.cwd())) if path.is_absolute() and path.is_relative_to(Path.cwd()) else str(path)


def run_sources(args: argparse.Namespace) -> int:
    from tasks.config import ConfigError, load_sources_file

    try:
        load_sources_file(args.sources)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    db = prepare_run(args)
    if not on_dask():
        start_reader_processes(args.workers)
    from flows.sources import sources_flow

    started = time.perf_counter()
    result = run_flow(
        sources_flow, sources_file=str(args.sources), db=str(db), progress=sys.stderr.isatty(), **run_options(args)
    )
    print_run_summary("sources", result, db, time.perf_counter() - started)
    for feed, counts in sorted(result.get("feeds", {}).items()):
        print(f"  {feed}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def print_run_summary(flow: str, result: dict, db: Path, seconds: float) -> None:
    extra = result.get("extra", {})
    matched = (
        f"refreshed {extra.get('refreshed', 0)}, unchanged {extra.get('unchanged', 0)}"
        if "refreshed" in extra or "unchanged" in extra
        else f"duplicate {result['duplicate']}"
    )
    print(
        f"{flow} {result['run_id']}: read {result['read']}, new {result['new']}, {matched}, "
        f"skipped {result['skipped']}, failed {result['failed']} in {seconds:.1f}s -> {db}"
    )
    if "archive_records" in extra or "archives_already_read" in extra:
        print(f"  archives: {archive_line(extra)}")
    for hit in result.get("watch_hits", [])[:10]:
        print(f"  watch {hit['watch']}: {hit['title'] or hit['article_id']} ({', '.join(hit['terms'])})")
    skips = result.get("skips", [])
    for skip in skips[:10]:
        print(f"  {'failed' if skip['failed'] else 'skipped'}: {skip['source_uri']}: {skip['reason']}")
    listed = result["skipped"] + result["failed"] - sum(v for k, v in extra.items() if k in ARCHIVE_SKIPS)
    if listed > 10:
        more = listed - 10
        print(f"  … {more} more: newsflow sql \"select skips from runs where run_id = '{result['run_id']}'\"")


ARCHIVE_SKIPS = ("archive_not_ok", "archive_not_html", "archive_too_large", "archive_unreadable")
ARCHIVE_PARTS = (
    ("archive_not_ok", "not status 200"), ("archive_not_html", "not HTML"), ("archive_too_large", "too large"),
    ("archive_unreadable", "unreadable"), ("archive_filtered_domain", "other domains"),
    ("archive_filtered_date", "outside the dates"), ("archive_filtered_language", "other languages"),
    ("archives_already_read", "archives already read (left alone)"),
)  # fmt: skip


def archive_line(extra: dict) -> str:
    """What the WARC records of a run were: `3000 records: 12 not HTML, 40 other domains`."""
    parts = [f"{extra[key]} {label}" for key, label in ARCHIVE_PARTS if extra.get(key)]
    return f"{extra.get('archive_records', 0)} records" + (": " + ", ".join(parts) if parts else "")


def command_sql(args: argparse.Namespace) -> int:
    from warehouse.query import run_queries

    sql = read_sql(args)
    results = run_queries(resolve_db(args.db), sql)
    for index, (columns, rows) in enumerate(results):
        if index and args.format != "json":
            print()
        if args.format == "json":
            print(json.dumps([dict(zip(columns, row)) for row in rows], default=json_value, ensure_ascii=False,
                             indent=2))  # fmt: skip
        elif args.format == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([[csv_value(v) for v in row] for row in rows])
        else:
            print(format_table(columns, rows, args.max_width))
    return 0


def read_sql(args: argparse.Namespace) -> str:
    """The query from the argument, standard input (`-`) or `--file`; exactly one of them."""
    if args.file is not None and args.query is not None:
        raise UsageError("give the SQL as an argument or with --file, not both")
    if args.file is not None:
        try:
            return args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read {args.file}: {error}") from None
    if args.query is None:
        raise UsageError("no SQL: give a query, - to read standard input, or --file FILE")
    return sys.stdin.read() if args.query == "-" else args.query


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsflow")
    except PackageNotFoundError:
        return "unknown (not installed)"


def json_value(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def csv_value(value: object) -> object:
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=json_value, ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def format_table(columns: list[str], rows: list[tuple], max_width: int = MAX_CELL) -> str:
    """An aligned text table; cells longer than `max_width` (0: no limit) are cut with an ellipsis."""
    if not columns:
        return "(no result)"
    cells = [[cell_text(v, max_width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line, rule, *body, footer])


def cell_text(value: object, max_width: int = MAX_CELL) -> str:
    if value is None:
        return "NULL"
    text = (
        json.dumps(value, default=json_value, ensure_ascii=False)
        if isinstance(value, (list, dict))
        else (value.isoformat() if isinstance(value, (datetime, date)) else str(value))
    )
    text = " ".join(text.split())
    return text if max_width <= 0 or len(text) <= max_width else text[: max_width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
