"""A run's record: begin it in `runs`, count what happens, and write the outcome at the end."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tasks.config import load_settings
from tasks.models import Skip
from warehouse.connect import Publish, open_working
from warehouse.load import LoadCounts
from warehouse.runs import RunCounts, finish_run, mark_abandoned_runs, prune_history, start_run
from warehouse.search import refresh_index


@dataclass(slots=True)
class RunState:
    run_id: str
    flow: str
    db: str
    started: datetime
    counts: RunCounts = field(default_factory=RunCounts)
    skips: list[Skip] = field(default_factory=list)
    feeds: dict[str, Counter] = field(default_factory=dict)  # per-feed counters of a sources run
    watch_hits: list[dict] = field(default_factory=list)  # watchlist matches among this run's new articles

    def record_read(self, articles: int) -> None:
        self.counts.read += articles

    def record_skips(self, skips: list[Skip]) -> None:
        self.skips.extend(skips)
        self.counts.skipped += sum(1 for s in skips if not s.failed)
        self.counts.failed += sum(1 for s in skips if s.failed)

    def record_load(self, loaded: LoadCounts, refresh: bool = False) -> None:
        self.counts.new += loaded.new
        self.counts.duplicate += loaded.duplicate
        if refresh:
            self.count("refreshed", loaded.refreshed)
            self.count("unchanged", loaded.duplicate - loaded.refreshed)

    def record_failure(self, source_uri: str, reason: str, items: int = 1) -> None:
        self.skips.append(Skip(source_uri, reason, failed=True))
        self.counts.failed += items

    def count(self, name: str, value: int = 1, feed: str | None = None) -> None:
        """Add to a named counter of the run, and of one feed when given."""
        self.counts.extra[name] = self.counts.extra.get(name, 0) + value
        if feed is not None:
            self.feeds.setdefault(feed, Counter())[name] += value

    def summary(self, listed: int = 50) -> dict:
        """Counts and the first skipped inputs, as the flows return them."""
        skips = [{"source_uri": s.source_uri, "reason": s.reason, "failed": s.failed} for s in self.skips]
        feeds = {name: dict(counter) for name, counter in self.feeds.items()}
        return {"run_id": self.run_id, **self.counts.as_dict(), "feeds": feeds, "skips": skips[:listed],
                "watch_hits": self.watch_hits[:listed]}  # fmt: skip

    def skip_reasons(self) -> Counter:
        return Counter(s.reason.split(":")[0] for s in self.skips)


def utc_now() -> datetime:
    return datetime.now(UTC)


def begin_run(db: str | Path, flow: str, parameters: dict, run_id: str | None = None) -> RunState:
    """Write the run's `running` row (marking runs a dead process left running as `crashed`)."""
    state = RunState(run_id=run_id or str(uuid.uuid4()), flow=flow, db=str(db), started=utc_now())
    with open_working(db, Publish.LATER) as con:  # published with the first batch
        mark_abandoned_runs(con)
        start_run(con, state.run_id, flow, parameters, state.started)
    return state


def end_run(state: RunState, status: str) -> None:
    """Write the run's outcome, then apply the retention settings (if any), in the run's last commit."""
    skips = [{"source_uri": s.source_uri, "reason": s.reason, "failed": s.failed} for s in state.skips]
    with open_working(state.db) as con:
        feeds = {name: dict(counter) for name, counter in state.feeds.items()}
        finish_run(con, state.run_id, status, state.counts, skips, utc_now(), feeds)
        prune_history(con, *retention_cutoffs())  # nothing without retention settings
    refresh_search(state.db)


def refresh_search(db: str | Path) -> None:
    """Bring the search index up to the published file; a failure is logged, never the run's."""
    try:
        refresh_index(db)
    except Exception as error:  # derived data: `newsflow search` catches up, `--reindex` rebuilds
        logging.getLogger(__name__).warning("could not refresh the search index: %s", error)


def retention_cutoffs(now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(raw documents before, runs before) from NEWSFLOW_RAW_RETENTION_DAYS / NEWSFLOW_RUNS_RETENTION_DAYS."""
    settings, now = load_settings(), now or utc_now()
    raw, runs = settings.raw_retention_days, settings.runs_retention_days
    return (now - timedelta(days=raw) if raw else None, now - timedelta(days=runs) if runs else None)
