"""Shared fixtures: fixture files, a fresh warehouse path, and one Prefect test harness per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.settings import apply_prefect_defaults

apply_prefect_defaults()
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "warehouse.duckdb")


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect API (temporary database) shared by the tests that run flows."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
