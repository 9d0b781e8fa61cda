"""The shingle hashes of the articles this process clustered last, so a later batch's candidates are not hashed again.

A large ingest or backfill loads many copies of one story in one run: each new copy is verified against up to 50
stored ones, and each stored candidate's text was hashed again on every batch it came up in (on the ingest
benchmark, 7,800 hashings in the main process for 3,000 articles). Articles clustered earlier in this process
keep their hashes here, up to MOST_BYTES of them, newest kept. An entry is used only for the text it was made
from: a stored body that has changed since is hashed anew.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from tasks.dedup.minhash import shingle_hashes

MOST_BYTES = 32 * 2**20  # of hashes kept: 4 million, about 6,000 articles of the dev pages' length
ENTRY_BYTES = 200  # a rough cost of an entry beside its array: key, tuple, array header

_recent: OrderedDict[str, tuple[int, int, np.ndarray]] = OrderedDict()  # id -> (text length, text hash, hashes)
_held = 0


def remember_shingles(article_id: str, body: str, hashes: np.ndarray) -> None:
    """Keep the hashes of `body`, the text of `article_id`, dropping the oldest beyond MOST_BYTES."""
    global _held
    forget_shingles(article_id)
    _recent[article_id] = (len(body), hash(body), hashes)
    _held += hashes.nbytes + ENTRY_BYTES
    while _held > MOST_BYTES and _recent:
        _, (_, _, old) = _recent.popitem(last=False)
        _held -= old.nbytes + ENTRY_BYTES


def forget_shingles(article_id: str) -> None:
    global _held
    entry = _recent.pop(article_id, None)
    if entry is not None:
        _held -= entry[2].nbytes + ENTRY_BYTES


def stored_shingles(article_id: str, body: str) -> np.ndarray:
    """The shingle hashes of a stored article's text: kept ones when they were made from this text."""
    entry = _recent.get(article_id)
    if entry is not None and entry[0] == len(body) and entry[1] == hash(body):
        return entry[2]
    return shingle_hashes(body)


def held_bytes() -> int:
    return _held


def clear_shingles() -> None:
    global _held
    _recent.clear()
    _held = 0
