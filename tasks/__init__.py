"""Pipeline stages as plain functions over batches; `tasks.running.steps` wraps them as Prefect tasks."""
