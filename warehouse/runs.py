"""The `runs` table: one row a run, written at its start and completed at its end."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import duckdb

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
    con.execute(
        "insert into runs (run_id, flow, started_at, status, parameters) values (?, ?, ?, 'running', ?)"
        " on conflict (run_id) do update set started_at = excluded.started_at, status = 'running'",
        [run_id, flow, now, json.dumps(parameters, default=str)],
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


def mark_abandoned_runs(con: duckdb.DuckDBPyConnection, flow: str | None = None) -> int:
    """Runs left 'running' by a process that died are marked 'crashed' (one writer at a time means none is live)."""
    rows = con.execute(
        "update runs set status = 'crashed' where status = 'running' and (? is null or flow = ?) returning run_id",
        [flow, flow],
    ).fetchall()
    return len(rows)
