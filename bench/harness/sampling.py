"""A sampler that runs on a thread of its own while a cell is measured (`with Sampler(...):`)."""

from __future__ import annotations

import threading
import time
from typing import Self


class BackgroundSampler:
    """Calls `sample` every `interval` seconds from `__enter__` until `__exit__` (at most `limit`
    seconds); `open` and `close` frame the loop. A failure ends the sampling and is kept in `error`."""

    def __init__(self, interval: float, limit: float) -> None:
        self.interval = interval
        self.limit = limit
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def open(self) -> None:
        """Before the first sample (on the sampling thread)."""

    def sample(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """After the last sample, whatever happened (on the sampling thread)."""

    def _run(self) -> None:
        deadline = time.monotonic() + self.limit
        try:
            self.open()
            try:
                while not self._stop.is_set() and time.monotonic() < deadline:
                    self.sample()
                    self._stop.wait(self.interval)
            finally:
                self.close()
        except Exception as exc:
            self.error = repr(exc)
