"""`newsflow serve --start-server` stops the Prefect server it started when it is stopped itself."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.serve import server_answers

BIN = Path(sys.executable).parent
ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_the_server_it_started(tmp_path, sig):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    serve = subprocess.Popen([str(BIN / "newsflow"), "serve", "--start-server", "--port", str(port), "--paused",
                              "--db", str(tmp_path / "news.duckdb")], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not server_answers(api):
            assert serve.poll() is None, serve.stdout.read()
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(1)
        for line in serve.stdout:  # serving has begun once the deployments are listed
            if line.startswith("serving "):
                break
        serve.send_signal(sig)
        serve.wait(timeout=60)
        deadline = time.monotonic() + 30
        while server_answers(api, timeout=1):
            assert time.monotonic() < deadline, "the Prefect server outlived serve"
            time.sleep(0.5)
    finally:
        if serve.poll() is None:
            serve.kill()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there any more
