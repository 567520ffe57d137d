"""How long the disk takes to make a small write durable, sampled on a thread while a cell runs.

A durable commit waits for one such flush (PostgreSQL's fsync=on, synchronous_commit=on): when the
disk stalls, every commit behind the stall waits, and the sends' p99 shows it whatever smsvoice does.
One 8 KB write and fdatasync every `interval` seconds, in a file of its own beside the database's
files, is too little to change what it measures.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


class DiskProbe:
    def __init__(self, directory: Path, interval: float = 0.05, limit: float = 600.0) -> None:
        self.path = directory / "smsvoice-bench-disk-probe"
        self.interval = interval
        self.limit = limit
        self.latencies_ms: list[float] = []
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DiskProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.path.unlink(missing_ok=True)

    def _run(self) -> None:
        deadline = time.monotonic() + self.limit
        block = b"\0" * 8192
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            self.error = str(exc)
            return
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                os.pwrite(fd, block, 0)
                started = time.perf_counter()
                os.fdatasync(fd)
                self.latencies_ms.append(1000 * (time.perf_counter() - started))
                self._stop.wait(self.interval)
        except OSError as exc:
            self.error = str(exc)
        finally:
            os.close(fd)

    def summary(self) -> str | None:
        """p50, p99 and the longest flush, or why there is none."""
        if self.error is not None:
            return f"not measured ({self.error})"
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        p50 = ordered[len(ordered) // 2]
        p99 = ordered[min(len(ordered) - 1, (len(ordered) * 99) // 100)]
        return f"{len(ordered)} flushes of 8 KB, p50 {p50:.2f} ms, p99 {p99:.2f} ms, longest {ordered[-1]:.1f} ms"
