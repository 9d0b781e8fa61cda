import subprocess
import sys
import time

from warehouse.lock import lock_holder, writer_lock

HOLD = """
import sys, time
from pathlib import Path
from warehouse.lock import writer_lock
with writer_lock(sys.argv[1], "test-holder"):
    Path(sys.argv[2]).touch()
    time.sleep(float(sys.argv[3]))
"""


def test_a_second_writer_waits_for_the_first(tmp_path):
    db, marker = tmp_path / "w.duckdb", tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(marker), "1.5"])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline and holder.poll() is None
            time.sleep(0.05)
        assert "test-holder" in lock_holder(db)
        started = time.monotonic()
        with writer_lock(db, "second"):
            waited = time.monotonic() - started
        assert waited > 1.0  # it waited for the holder's 1.5 s, rather than failing
        assert lock_holder(db) is None
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_dies(tmp_path):
    db, marker = tmp_path / "w.duckdb", tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(marker), "60"])
    while not marker.exists():
        time.sleep(0.05)
    holder.kill()  # SIGKILL: the kernel drops the lock with the process
    holder.wait()
    with writer_lock(db, "after", wait_seconds=5):
        pass
