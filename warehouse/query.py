"""Read-only SQL for people: run one query and return its columns and rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.connect import WarehouseError, open_warehouse


def run_query(path: str | Path, sql: str, parameters: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Run `sql` on a read-only connection to the published file; SQL errors come back as WarehouseError
    with DuckDB's message."""
    with open_warehouse(path) as con:
        try:
            cursor = con.execute(sql, parameters) if parameters else con.execute(sql)
        except duckdb.Error as error:
            raise WarehouseError(str(error).splitlines()[0]) from error
        if cursor.description is None:
            return [], []
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()
