"""Pipeline stages as plain functions over batches; `tasks.steps` wraps them as Prefect tasks."""
