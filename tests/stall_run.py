"""Run the `newsflow` CLI with one stage made to stall, so a test can SIGKILL it there (fault injection lives
here, not in the pipeline): `python tests/stall_run.py load|publish MARKER ARGS…`.

- load: the batch is written inside its transaction (clusters assigned), not committed;
- publish: half of the working copy is copied to the temporary name, nothing renamed;
- load3: two batches are committed and the third is written inside its transaction, not committed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tasks.loading.load
import warehouse.publish
from flows.cli import main


def stall(marker: Path) -> None:
    marker.touch()
    time.sleep(600)


def stall_in_load(marker: Path) -> None:
    assign = tasks.loading.load.cluster_new_articles

    def assign_then_stall(*args, **kwargs):
        result = assign(*args, **kwargs)
        stall(marker)
        return result

    tasks.loading.load.cluster_new_articles = assign_then_stall


def stall_in_third_load(marker: Path) -> None:
    load, calls = tasks.loading.load.load_batch, []

    def load_or_stall(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            stall(marker)
        return load(*args, **kwargs)

    tasks.loading.load.load_batch = load_or_stall


def stall_in_publish(marker: Path) -> None:
    def copy_half_then_stall(source: Path, target: Path) -> None:
        with open(source, "rb") as reader, open(target, "wb") as writer:
            writer.write(reader.read(source.stat().st_size // 2))
        stall(marker)

    warehouse.publish.copy_file = copy_half_then_stall


if __name__ == "__main__":
    mode, marker = sys.argv[1], Path(sys.argv[2])
    {"load": stall_in_load, "publish": stall_in_publish, "load3": stall_in_third_load}[mode](marker)
    sys.exit(main(sys.argv[3:]))
