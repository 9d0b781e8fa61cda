"""Candidates clustered earlier in the process are not hashed again, and clustering decides as it did without."""

from datetime import timedelta

import numpy as np
import pytest

import tasks.dedup.recent_shingles as recent
from tasks.dedup.minhash import shingle_hashes
from tasks.loading.load import load_articles
from tests.stories import STORIES
from tests.test_cluster import NOW, clusters, copies_of, originals
from warehouse.connect import open_warehouse

TEXT = "The harbour council voted to repair the bridge before the winter storms reach the coast again."


@pytest.fixture(autouse=True)
def empty_cache():
    recent.clear_shingles()
    yield
    recent.clear_shingles()


def test_kept_hashes_serve_the_text_they_were_made_from_only():
    kept = shingle_hashes(TEXT)
    recent.remember_shingles("a1", TEXT, kept)
    assert recent.stored_shingles("a1", TEXT) is kept
    edited = TEXT.replace("winter", "spring")
    fresh = recent.stored_shingles("a1", edited)
    assert fresh is not kept and np.array_equal(fresh, shingle_hashes(edited))
    assert recent.stored_shingles("a2", TEXT) is not kept  # another article with the same text: its own hashing


def test_the_oldest_are_dropped_beyond_the_bound(monkeypatch):
    monkeypatch.setattr(recent, "MOST_BYTES", 10_000)
    texts = [f"{TEXT} Story number {n} of the day, told at length." for n in range(40)]
    kept = [shingle_hashes(text) for text in texts]
    for n, (text, hashes) in enumerate(zip(texts, kept)):
        recent.remember_shingles(f"a{n}", text, hashes)
        assert recent.held_bytes() <= recent.MOST_BYTES
    assert recent.stored_shingles("a39", texts[39]) is kept[39]
    assert recent.stored_shingles("a0", texts[0]) is not kept[0]
    recent.remember_shingles("a39", texts[39], kept[39])  # again: counted once
    assert recent.held_bytes() <= recent.MOST_BYTES


def load_in_runs(db: str, cold: bool) -> tuple[dict, list]:
    """The originals, then each story's copies in a run of its own; `cold` empties the cache before each."""
    batches = [originals()] + [copies_of(key) for key in STORIES]
    for number, batch in enumerate(batches, start=1):
        if cold:
            recent.clear_shingles()
        load_articles(db, batch, f"run{number}", NOW + timedelta(hours=number))
    with open_warehouse(db) as con:
        links = con.execute("select * from near_duplicates order by all").fetchall()
    return clusters(db), links


def test_clusters_and_links_are_the_same_with_the_hashes_kept(tmp_path, monkeypatch):
    hashed = []
    monkeypatch.setattr(recent, "shingle_hashes", lambda text: hashed.append(text) or shingle_hashes(text))
    cold = load_in_runs(str(tmp_path / "cold.duckdb"), cold=True)
    cold_hashings, hashed[:] = len(hashed), []
    warm = load_in_runs(str(tmp_path / "warm.duckdb"), cold=False)
    assert warm == cold
    assert len(cold[1]) >= 12  # the copies were verified against their originals
    assert cold_hashings >= len(STORIES) and len(hashed) == 0  # each stored candidate hashed cold, none warm
