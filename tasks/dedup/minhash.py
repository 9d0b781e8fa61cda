"""Near-duplicate signatures: word shingles, a vectorised numpy MinHash, LSH band keys.

A text becomes the set of its 4-word shingles (case-folded words, punctuation ignored), each hashed to 64 bits;
the signature keeps, for each of 128 multiply-shift hash functions, the smallest value over the set. Two texts'
signatures agree in a fraction of places that estimates the Jaccard similarity of their shingle sets. The 128
values are cut into 32 bands of 4; texts that share any whole band become candidates (a text pair with
similarity 0.7 shares a band with probability 0.9998, a pair with 0.2 with probability 0.05), and candidates are
then verified on their actual shingles.
"""

from __future__ import annotations

import numpy as np

from tasks.cleaning.words import spaced_bytes

SHINGLE_WORDS = 4
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 20261128
_rng = np.random.default_rng(SEED)
MULTIPLIERS = (_rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)  # odd
OFFSETS = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
BAND_SALT = _rng.integers(1, 2**63, BANDS, dtype=np.uint64) | np.uint64(1)
MIX = np.uint64(0x9E3779B97F4A7C15)
POSITION_KEYS = _rng.integers(1, 2**63, 64, dtype=np.uint64) | np.uint64(1)
SPACE = 32


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash per word, computed on the bytes in one vectorised pass (no Python loop over words)."""
    data = np.frombuffer(spaced_bytes(text), dtype=np.uint8)
    if data.size == 0:
        return np.empty(0, dtype=np.uint64)
    space = data == SPACE
    starts = ~space
    starts[1:] &= space[:-1]
    index = np.arange(data.size)
    word_start = np.maximum.accumulate(np.where(starts, index, 0))
    contribution = (data.astype(np.uint64) + np.uint64(1)) * POSITION_KEYS[(index - word_start) & 63]
    contribution[space] = 0
    first = np.flatnonzero(starts)
    if first.size == 0:
        return np.empty(0, dtype=np.uint64)
    return np.add.reduceat(contribution, first)


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct 64-bit hashes of the text's k-word shingles (one shingle for a text shorter than k)."""
    ids = word_hashes(text)
    if ids.size == 0:
        return ids
    if len(ids) < k:
        ids = np.concatenate([ids, np.zeros(k - len(ids), dtype=np.uint64)])
    n = len(ids) - k + 1
    hashes = np.zeros(n, dtype=np.uint64)
    for offset in range(k):  # polynomial rolling combination, wrapping in 64 bits
        hashes = hashes * np.uint64(0x100000001B3) + ids[offset : offset + n]
    return np.unique(hashes * MIX)


def signature(hashes: np.ndarray) -> np.ndarray | None:
    """128 minimum multiply-shift hashes (uint32), or None for an empty text."""
    if hashes.size == 0:
        return None
    mixed = (MULTIPLIERS[:, None] * hashes[None, :] + OFFSETS[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype(np.uint32)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One signed 64-bit key per band (band number mixed in, so equal rows in different bands differ)."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    key = BAND_SALT.copy()
    for column in range(ROWS):
        key = (key ^ rows[:, column]) * MIX
        key ^= key >> np.uint64(29)
    return key.view(np.int64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle-hash sets."""
    if a.size == 0 or b.size == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)
