"""The server's clock with a forward offset, so a test can skip time instead of sleeping.

`POST /_smsvoice/simulator/clock {"advance_seconds": N}` moves the whole server N seconds ahead:
delayed carrier transitions, TimeToLive expiry, verification-code expiry and message-feedback
expiry all see the new time. Time only moves forward, and the offset lives in memory: a restarted
server runs on real time again.
"""

from __future__ import annotations

import threading

from smsvoice.clock import Clock


class AdjustableClock:
    def __init__(self, base: Clock) -> None:
        self.base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.base.now() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (not negative); returns the new offset."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset
