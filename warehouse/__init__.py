"""The DuckDB warehouse: migrations, loads, runs and read-only queries. Never imports Prefect."""
