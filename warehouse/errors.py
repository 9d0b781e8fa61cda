"""The one error readers and writers raise for a warehouse they cannot use."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used: missing, not a DuckDB file, or unreadable."""
