"""Soak: 50 feeds with injected faults, 10 scheduled cycles. Every entry the site ever listed lands exactly once,
no run fails, and memory stays flat. `make soak` runs longer (SOAK_CYCLES, SOAK_FEEDS)."""

from __future__ import annotations

import gc
import os
import sys
import time

import pytest

from flows.sources import sources_flow
from tests.soak_site import SoakSite
from warehouse.connect import open_warehouse

CYCLES = int(os.environ.get("SOAK_CYCLES", "10"))
FEEDS = int(os.environ.get("SOAK_FEEDS", "50"))
DEADLINE = 0.5  # seconds per request: an injected timeout stalls longer


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def write_sources(path, site: SoakSite) -> str:
    lines = ['allow_addresses = ["127.0.0.1"]', "min_delay = 0.0", f"request_deadline = {DEADLINE}", "retries = 0",
             "feeds_per_batch = 25"]  # fmt: skip
    for feed in range(FEEDS):
        lines += ["[[sources]]", f'name = "feed {feed}"', f'feed = "{site.feed_url(feed)}"']
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.usefixtures("prefect_harness")
def test_soak_every_listed_entry_lands_exactly_once_and_no_run_fails(tmp_path, db):
    memory = []
    with SoakSite(FEEDS, seed=11, stall=DEADLINE + 0.4) as site:
        sources = write_sources(tmp_path / "sources.toml", site)
        for cycle in range(CYCLES):
            site.cycle = cycle
            started = time.monotonic()
            sources_flow(sources_file=sources, db=db, workers=1)
            time.sleep(1.0)  # a 429's Retry-After (1 s) has passed by the next cycle
            gc.collect()
            memory.append(resident_mib())
            print(f"cycle {cycle}: {time.monotonic() - started:.1f}s, {memory[-1]:.0f} MiB")
        listed = {(site.feed_url(feed), guid) for feed, guid in site.listed}
    with open_warehouse(db) as con:
        statuses = [row[0] for row in con.execute("select status from runs").fetchall()]
        # feedparser resolves a GUID that looks like a path against the feed's link: compare its last segment
        entries = [(feed, key.rsplit("/", 1)[-1])
                   for feed, key in con.execute("select feed_key, entry_key from feed_entries").fetchall()]  # fmt: skip
        articles, urls = con.execute("select count(*), count(distinct url) from articles").fetchone()
        pending = con.execute("select count(*) from feed_entries where page_status = 'pending'").fetchone()[0]
        upgraded = con.execute("select count(*) from articles where updated_at is not null").fetchone()[0]
    assert statuses == ["completed"] * CYCLES
    assert len(listed) > FEEDS * (WINDOW_MIN := 5)  # the site did list entries, faults and all
    assert len(entries) == len(set(entries)) and set(entries) == listed  # each listed entry taken, none twice
    assert articles == urls == len(listed)  # one article per entry
    assert upgraded > 0  # pages that failed were retried and arrived
    assert pending < len(listed) * 0.05 + WINDOW_MIN
    # disk: about 2 KiB an article; 14.8M near-duplicate pairs once made it 180 KiB (a 1 GB file in 16 cycles)
    assert os.path.getsize(db) < 16 * 1024 * articles, f"{os.path.getsize(db) / 2**20:.0f} MiB"
    # flat: after the first cycles (imports, caches, the Prefect client warming up) it grows by at most 40 MiB
    settled = memory[min(2, CYCLES - 1)]
    assert max(memory) - settled < 40, f"resident memory per cycle (MiB): {[round(m) for m in memory]}"


def test_malloc_arenas_are_capped_unless_the_user_set_them(monkeypatch):
    from tasks.running.memory import limit_malloc_arenas

    assert limit_malloc_arenas() is sys.platform.startswith("linux")  # glibc accepted the cap
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    assert limit_malloc_arenas() is False  # the user's own setting wins
