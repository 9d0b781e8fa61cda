"""Prefect flows (thin wiring over `tasks`) and the `newsflow` command line."""

from tasks.running.memory import limit_malloc_arenas

limit_malloc_arenas()  # before the threads of a run exist: a scheduled process's memory stays flat
