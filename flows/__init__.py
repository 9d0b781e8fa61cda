"""Prefect flows (thin wiring over `tasks`) and the `newsflow` command line."""
