"""The ceiling: ``ceiling_app.py`` under uvicorn, served the way the server is served."""

from __future__ import annotations

import contextlib
import socket
import sys
from pathlib import Path

from harness import children
from harness.probes import wait_healthy
from harness.target import Target
from smsvoice.testing.process import LOOPBACK

BENCH_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def start_ceiling(workdir: Path) -> Target:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "harness.ceiling_app:app",
        "--app-dir",
        str(BENCH_DIR),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--no-server-header",
        "--log-level",
        "warning",
    ]
    for module, flag in (("uvloop", ["--loop", "uvloop"]), ("httptools", ["--http", "httptools"])):
        with contextlib.suppress(ImportError):
            __import__(module)
            cmd += flag
    proc = children.spawn(cmd, log=workdir / "ceiling.log", cwd=BENCH_DIR)
    wait_healthy(port, proc.poll)
    return Target("ceiling", proc, port)
