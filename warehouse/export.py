"""Export tables of the published file: Parquet partitioned by publication day (hive style, `day=YYYY-MM-DD/`,
`day=unknown/` for articles without a date), or one CSV or JSON Lines file per table.

Rows are written in a fixed order on one thread, so exporting the same range twice gives the same files.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from warehouse.connect import open_warehouse

# each exportable table: its rows joined to their article (`a`), and the order they are written in
EXPORTS = {
    "articles": ("a.*", "articles a", "a.article_id"),
    "article_topics": ("t.*", "article_topics t join articles a on a.article_id = t.article_id",
                       "t.article_id, t.topic"),
    "article_places": ("p.*", "article_places p join articles a on a.article_id = p.article_id",
                       "p.article_id, p.country_code"),
    "sightings": ("s.*", "sightings s join articles a on a.article_id = s.article_id",
                  "s.article_id, s.source_uri, s.url"),
}  # fmt: skip
DAY = "coalesce(strftime(timezone('UTC', a.published_at), '%Y-%m-%d'), 'unknown')"
OPTIONS = {
    "parquet": "format parquet, compression zstd, partition_by (day), filename_pattern 'part_{i}'",
    "csv": "format csv, header true",
    "jsonl": "format json",
}


def export_tables(
    db: str | Path, out: str | Path, fmt: str, tables: list[str], since: datetime | None, until: datetime | None
) -> dict[str, int]:
    """Write the rows of articles published in [since, until) of each table under `out` (`out/TABLE/` for Parquet,
    `out/TABLE.csv` or `.jsonl`), replacing an earlier export there; returns the rows written per table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    where = " and ".join(
        [f"a.published_at >= '{since.isoformat()}'::timestamptz" for _ in [since] if since]
        + [f"a.published_at < '{until.isoformat()}'::timestamptz" for _ in [until] if until]
    ) or "true"  # fmt: skip
    counts = {}
    with open_warehouse(db) as con:
        con.execute("set threads = 1")  # one writer thread: the same rows make the same files
        for table in tables:
            columns, source, order = EXPORTS[table]
            extra = f", {DAY} as day" if fmt == "parquet" else ""
            query = f"select {columns}{extra} from {source} where {where} order by {order}"
            counts[table] = con.execute(f"select count(*) from ({query})").fetchone()[0]
            target = out / table if fmt == "parquet" else out / f"{table}.{fmt}"
            if target.is_dir():
                shutil.rmtree(target)
            target.unlink(missing_ok=True)
            quoted = str(target).replace("'", "''")
            con.execute(f"copy ({query}) to '{quoted}' ({OPTIONS[fmt]})")
    return counts
