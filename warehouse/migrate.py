"""Numbered SQL migrations (`migrations/NNN_name.sql`), each applied once in its own transaction."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

MIGRATIONS = Path(__file__).parent / "migrations"
NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


def list_migrations(folder: Path = MIGRATIONS) -> list[tuple[int, str, Path]]:
    found = [(int(m[1]), m[2], p) for p in folder.iterdir() if (m := NAME.match(p.name))]
    return sorted(found)


def apply_migrations(con: duckdb.DuckDBPyConnection, folder: Path = MIGRATIONS) -> list[int]:
    """Apply every migration not yet recorded in `schema_migrations`; return the versions applied."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for version, name, path in list_migrations(folder):
        if version in done:
            continue
        con.begin()
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("insert into schema_migrations values (?, ?, current_timestamp)", [version, name])
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(version)
    return applied


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select coalesce(max(version), 0) from schema_migrations").fetchall()[0]
    return int(row[0]) if row else 0
