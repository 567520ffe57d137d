"""Time, in one injectable place, so tests and the simulator can control it.

The server runs on an AdjustableClock: `POST /_smsvoice/simulator/clock {"advance_seconds": N}`
moves the whole server N seconds ahead, so delayed carrier transitions, TimeToLive expiry,
verification-code expiry and message-feedback expiry all see the new time and tests never sleep.
Time only moves forward. The offset is kept in the store (messaging/simulator.py), so every node of
a deployment and a restarted server run on the same moved time; a node picks up a move made on
another node within a scheduler round (a tenth of a second).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


def utc_day(seconds: float) -> str:
    """The UTC calendar day (YYYY-MM-DD) of an epoch time: what AWS's per-day limits count by."""
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def epoch_millis(seconds: float) -> int:
    return round(seconds * 1000)


class AdjustableClock:
    """A clock that tests can move forward."""

    def __init__(self, base: Clock) -> None:
        self.base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.base.now() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def catch_up(self, offset: float) -> None:
        """Take a larger offset set elsewhere (another node, an earlier run); never move back."""
        with self._lock:
            if offset > self._offset:
                self._offset = offset

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (not negative); returns the new offset."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset
