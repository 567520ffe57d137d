"""`smsvoice serve` and `smsvoice worker` as child processes, for tests and benchmarks.

A child is ready when it prints its ready line. Its output goes either into memory (read on a
thread, for tests that look at the log) or into a file (for benchmarks: a server logging a line per
request must not cost the benchmarking process a thread reading them).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from smsvoice.testing.stores import store_args

if TYPE_CHECKING:
    import httpx

# Next to the running interpreter, without resolving a venv's symlink.
SMSVOICE = str(Path(sys.executable).with_name("smsvoice"))
LOOPBACK = "127.0.0.1"
HEALTH_PATH = "/_smsvoice/health"

_SERVER_READY = re.compile(r"smsvoice ready at (https?://\S+)")
_WORKER_READY = re.compile(r"smsvoice worker ready")
_KEPT_LINES = 5000  # output lines kept in memory; older ones are dropped in blocks of 1000
_FILE_POLL_SECONDS = 0.005


class SmsvoiceProcess:
    """One child process, started by `start()` and ready once a line matches `ready`.

    `stop()` sends SIGTERM and waits; `kill()` sends SIGKILL (crash tests use it). With
    `own_process_group` the child runs in a session of its own, so that a Ctrl-C at the terminal
    reaches only the parent, and both signals go to the whole group.
    """

    def __init__(
        self,
        args: Sequence[str],
        *,
        ready: re.Pattern[str],
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        own_process_group: bool = False,
    ) -> None:
        self.args = list(args)
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.own_process_group = own_process_group
        self.output: list[str] = []  # only when log_path is None
        self.process: subprocess.Popen[str] | None = None
        self.spawned_at = 0.0  # time.monotonic() just before the spawn
        self.ready_at = 0.0  # time.time() when the ready line was seen
        self.ready_match: re.Match[str] | None = None
        self._ready = ready

    def __enter__(self) -> Self:
        return self if self.process is not None else self.start()

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):  # stop() has killed it then
            self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self, timeout: float = 20.0) -> Self:
        self.spawned_at = time.monotonic()
        if self.log_path is None:
            self._start_piped(timeout)
        else:
            self._start_logging(self.log_path, timeout)
        if self.ready_match is None:
            self.kill()
            tail = "".join(self.log_text().splitlines(keepends=True)[-50:])
            raise RuntimeError(f"`{' '.join(self.args)}` did not start:\n{tail}")
        return self

    def _spawn(self, stdout: int | IO[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            start_new_session=self.own_process_group,
        )

    def _start_piped(self, timeout: float) -> None:
        self.process = self._spawn(subprocess.PIPE)
        found = threading.Event()
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout, found), daemon=True).start()
        found.wait(timeout)

    def _pump(self, stream: IO[str], found: threading.Event) -> None:
        # Reads until the child exits: an unread pipe would block a child that logs.
        for line in stream:
            self.output.append(line)
            if len(self.output) > _KEPT_LINES:
                del self.output[:1000]
            if not found.is_set():
                self._check_ready(line, found)

    def _start_logging(self, log_path: Path, timeout: float) -> None:
        with open(log_path, "w") as log:
            self.process = self._spawn(log)
        found = threading.Event()
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline and self.process.poll() is None:
            text = log_path.read_text(errors="replace")
            for line in text[seen:].splitlines(keepends=True):
                if line.endswith("\n"):
                    seen += len(line)
                    self._check_ready(line, found)
            if found.is_set():
                return
            time.sleep(_FILE_POLL_SECONDS)

    def _check_ready(self, line: str, found: threading.Event) -> None:
        match = self._ready.search(line)
        if match:
            self.ready_at = time.time()
            self.ready_match = match
            found.set()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then wait; the exit status. After `timeout` the child is killed and this raises."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self._signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._reap_group()
        return status

    def kill(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal(signal.SIGKILL)
            self.process.wait(10)
        self._reap_group()

    def _reap_group(self) -> None:
        # Anything the child started and left behind in its group goes too.
        if self.process is not None and self.own_process_group:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if self.own_process_group:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)

    def log_text(self) -> str:
        if self.log_path is None:
            return "".join(self.output)
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class ServerProcess(SmsvoiceProcess):
    """`smsvoice serve` on 127.0.0.1 and a port the system picks; `endpoint` once started."""

    def __init__(
        self,
        data_dir: Path,
        *extra_args: str,
        env: Mapping[str, str] | None = None,
        command: Sequence[str] = (SMSVOICE,),
        log_path: Path | None = None,
        own_process_group: bool = False,
    ) -> None:
        super().__init__(
            [*command, "serve", "--host", LOOPBACK, "--port", "0", *store_args(data_dir), *extra_args],
            ready=_SERVER_READY,
            env=env,
            log_path=log_path,
            own_process_group=own_process_group,
        )
        self.data_dir = data_dir

    @property
    def endpoint(self) -> str:
        return self.ready_match.group(1) if self.ready_match else ""

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])

    def health(self) -> httpx.Response:
        import httpx  # from the test extra; only callers of health() need it

        return httpx.get(f"{self.endpoint}{HEALTH_PATH}", timeout=5)


class WorkerProcess(SmsvoiceProcess):
    """`smsvoice worker`: the delivery workers alone, on the store in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        *extra_args: str,
        env: Mapping[str, str] | None = None,
        command: Sequence[str] = (SMSVOICE,),
    ) -> None:
        super().__init__(
            [*command, "worker", *store_args(data_dir), *extra_args], ready=_WORKER_READY, env=env
        )
        self.data_dir = data_dir
