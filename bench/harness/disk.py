"""How long the disk takes to make a small write durable, sampled on a thread while a cell runs.

A durable commit waits for one such flush (PostgreSQL's fsync=on, synchronous_commit=on): when the
disk stalls, every commit behind the stall waits, and the sends' p99 shows it whatever smsvoice does.
One 8 KB write and fdatasync every `interval` seconds, in a file of its own beside the database's
files, is too little to change what it measures.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from harness.sampling import BackgroundSampler


class DiskProbe(BackgroundSampler):
    def __init__(self, directory: Path, interval: float = 0.05, limit: float = 600.0) -> None:
        super().__init__(interval, limit)
        self.path = directory / "smsvoice-bench-disk-probe"
        self.latencies_ms: list[float] = []
        self._fd: int | None = None
        self._block = b"\0" * 8192

    def open(self) -> None:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def sample(self) -> None:
        assert self._fd is not None
        os.pwrite(self._fd, self._block, 0)
        started = time.perf_counter()
        os.fdatasync(self._fd)
        self.latencies_ms.append(1000 * (time.perf_counter() - started))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self.path.unlink(missing_ok=True)

    def p99_ms(self) -> float | None:
        """The p99 of the flushes measured, if any."""
        if self.error is not None or not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, (len(ordered) * 99) // 100)]

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
