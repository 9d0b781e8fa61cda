"""Running: the stages as Prefect tasks, the per-article pipeline on worker processes, the run's record."""
