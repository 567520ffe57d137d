"""When to try a failed record again, kept apart from the worker so that it can be read and tested alone.

Exponential backoff with "equal jitter" (half the delay fixed, half random, as in the AWS
Architecture Blog's "Exponential Backoff And Jitter"): the first retry comes 0.5-1 s after the
failure (the issue asks for about two seconds at most), each later one doubles, up to a cap. A record
that still fails when its retention window has passed is dead-lettered; the last retry is pulled in
to the end of the window so that a short window still gets its final attempt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DEFAULT_BASE_SECONDS = 1.0
DEFAULT_CAP_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retention_seconds: float
    base_seconds: float = DEFAULT_BASE_SECONDS
    cap_seconds: float = DEFAULT_CAP_SECONDS
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1 for the first failure)."""
        exponent = min(max(attempts, 1) - 1, 30)  # bounded: 2**30 s is far past any cap
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0**exponent)
        return ceiling / 2 + self.rng.uniform(0.0, ceiling / 2)

    def next_attempt_at(self, attempts: int, created_at: float, now: float) -> float | None:
        """When to try again after a retryable failure, or None: the record is dead."""
        deadline = created_at + self.retention_seconds
        if now >= deadline:
            return None
        return min(now + self.delay(attempts), deadline)
