"""A progress bar on stderr when attached to a terminal; silent otherwise."""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and total > 0
        self._bar = None
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), transient=True,
            )  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
