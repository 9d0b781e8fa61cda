"""One process pool per process, shared by every batch of a run, its workers started with the readers loaded."""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

PRELOAD = ["tasks.running.prepare"]
T = TypeVar("T")
R = TypeVar("R")
LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def get_pool(workers: int) -> ProcessPoolExecutor:
    """The shared pool; forkserver workers fork from a clean process that has the readers imported."""
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=True, cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _pool, _pool_workers = ProcessPoolExecutor(workers, mp_context=context), workers
        return _pool


def warm_pool(workers: int, initialise: Callable[[], object] | None = None) -> None:
    """Start the workers now (e.g. while Prefect starts its server) instead of at the first batch."""
    if workers <= 1:
        return
    pool = get_pool(workers)
    for _ in range(workers):
        pool.submit(initialise or int)


def shutdown_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def map_in_pool(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`map` over processes when it pays; a crashed worker costs a retry in-process, not the run."""
    items = list(items)
    if workers <= 1 or len(items) < 4:
        return map(function, items)
    chunksize = max(1, min(16, len(items) // (workers * 4)))
    try:
        return iter(list(get_pool(workers).map(function, items, chunksize=chunksize)))
    except BrokenProcessPool:
        LOG.warning("a reader process died; reading this batch of %d in-process", len(items))
        shutdown_pool()
        return map(function, items)


atexit.register(shutdown_pool)
