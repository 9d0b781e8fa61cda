"""The `runs` table: one row a run, written at its start and completed at its end."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime

import duckdb

from warehouse.lock import pid_alive

MAX_LISTED_SKIPS = 1000


@dataclass(slots=True)
class RunCounts:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    failed: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def add(self, other: RunCounts) -> None:
        for name in ("read", "new", "duplicate", "skipped", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.extra.items():
            self.extra[key] = self.extra.get(key, 0) + value

    def as_dict(self) -> dict:
        return asdict(self)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, parameters: dict, now: datetime) -> None:
    """The run's `running` row, with the process writing it (so a later run can tell it died)."""
    con.execute(
        "insert into runs (run_id, flow, started_at, status, parameters, pid, host)"
        " values (?, ?, ?, 'running', ?, ?, ?)"
        " on conflict (run_id) do update set started_at = excluded.started_at, status = 'running',"
        " pid = excluded.pid, host = excluded.host",
        [run_id, flow, now, json.dumps(parameters, default=str), os.getpid(), socket.gethostname()],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: RunCounts,
    skips: list[dict],
    now: datetime,
    feeds: dict[str, dict[str, int]] | None = None,
) -> None:
    """Record the outcome and counts; the skipped inputs are named (the first 1,000) in `runs.skips`."""
    con.execute(
        "update runs set finished_at = ?, status = ?, read = ?, new = ?, duplicate = ?, skipped = ?,"
        " failed = ?, skips = ?, counts = ? where run_id = ?",
        [
            now, status, counts.read, counts.new, counts.duplicate, counts.skipped, counts.failed,
            json.dumps(skips[:MAX_LISTED_SKIPS]), json.dumps({**counts.extra, "feeds": feeds or {}}), run_id,
        ],
    )  # fmt: skip


def mark_abandoned_runs(con: duckdb.DuckDBPyConnection) -> int:
    """Runs left 'running' by a process of this host that is gone (or that recorded none) become 'crashed'.
    Writers take turns per commit, so other runs may be live: theirs are left alone."""
    host = socket.gethostname()
    rows = con.execute("select run_id, pid, host from runs where status = 'running'").fetchall()
    dead = [
        run_id for run_id, pid, on in rows if pid is None or (on == host and pid != os.getpid() and not pid_alive(pid))
    ]
    if dead:
        con.execute("update runs set status = 'crashed' where run_id in (select unnest(?))", [dead])
    return len(dead)


def prune_history(con: duckdb.DuckDBPyConnection, raw_before: datetime | None, runs_before: datetime | None
                  ) -> tuple[int, int]:  # fmt: skip
    """Delete raw documents fetched before `raw_before` (the raw store attached as `raw`) and finished runs
    before `runs_before`; returns how many of each. Articles keep their text: a backfill of an article whose raw
    copies are gone re-cleans its stored text instead."""
    raw = runs = 0
    if raw_before is not None:
        raw = len(con.execute("delete from raw.raw_documents where fetched_at < ? returning raw_id",
                              [raw_before]).fetchall())  # fmt: skip
    if runs_before is not None:
        runs = len(con.execute("delete from runs where status <> 'running' and coalesce(finished_at, started_at) < ?"
                               " returning run_id", [runs_before]).fetchall())  # fmt: skip
    return raw, runs
