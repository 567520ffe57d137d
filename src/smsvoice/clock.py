"""Time, in one injectable place, so tests and the simulator can control it."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


def epoch_millis(seconds: float) -> int:
    return round(seconds * 1000)
