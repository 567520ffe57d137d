"""Run `smsvoice serve` as a real process on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx

# Event delivery inside test servers talks to loopback only: an AWS endpoint that refuses connections
# (tests/delivery points it at moto's server instead), and credentials that are obviously fake.
LOOPBACK_AWS = {
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_READY = re.compile(r"smsvoice ready at (http://\S+)")
SMSVOICE = str(Path(sys.executable).with_name("smsvoice"))


class ServerProcess:
    """A running server; `stop()` sends SIGTERM, `kill()` sends SIGKILL (the crash tests use it)."""

    def __init__(self, data_dir: Path, *extra_args: str, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.args = [
            SMSVOICE,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            *extra_args,
        ]
        self.env = {**os.environ, **(env or {})}
        self.endpoint = ""
        self.output: list[str] = []
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 20.0) -> ServerProcess:
        self.process = subprocess.Popen(
            self.args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        found = threading.Event()
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout, found), daemon=True).start()
        if not found.wait(timeout):
            self.kill()
            raise RuntimeError("smsvoice did not start:\n" + "".join(self.output[-50:]))
        return self

    def _pump(self, stream: IO[str], found: threading.Event) -> None:
        for line in stream:
            self.output.append(line)
            if len(self.output) > 5000:
                del self.output[:1000]
            match = _READY.search(line)
            if match and not found.is_set():
                self.endpoint = match.group(1)
                found.set()

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.endpoint}/_smsvoice/health", timeout=5)

    def stop(self, timeout: float = 10.0) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log_text(self) -> str:
        return "".join(self.output)


def wait_until(predicate: object, timeout: float = 10.0, interval: float = 0.05) -> None:
    """Poll `predicate` (a callable returning truthy) until it holds; fail after `timeout` seconds."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
