"""Read-only SQL for people: run queries and return their columns and rows."""

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


def run_queries(path: str | Path, sql: str) -> list[tuple[list[str], list[tuple]]]:
    """Run each statement of `sql` in turn on one read-only connection; one (columns, rows) per statement."""
    results = []
    with open_warehouse(path) as con:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as error:
            raise WarehouseError(str(error).splitlines()[0]) from error
        for statement in statements:
            try:
                cursor = con.execute(statement)
            except duckdb.Error as error:
                raise WarehouseError(str(error).splitlines()[0]) from error
            if cursor.description is None:
                results.append(([], []))
            else:
                results.append(([d[0] for d in cursor.description], cursor.fetchall()))
    return results
