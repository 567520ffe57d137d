"""Request-rate limits per account, region and operation (token buckets, in memory).

The rates themselves live in `quotas.RATE_LIMITS`, one table for both APIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smsvoice.quotas import rate_limit_for


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class Throttler:
    def __init__(self, enabled: bool, clock: Callable[[], float]) -> None:
        self.enabled = enabled
        self._clock = clock
        self._buckets: dict[tuple[str, str, str, str], _Bucket] = {}

    def allow(self, api: str, operation: str, account: str, region: str) -> bool:
        """Take one token; False when the caller is over the operation's rate."""
        if not self.enabled:
            return True
        rate = rate_limit_for(api, operation)
        if rate is None:
            return True
        now = self._clock()
        key = (api, operation, account, region)
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = _Bucket(rate - 1.0, now)
            return True
        # Burst equals the per-second rate: "1 per second" means the next call within a second fails.
        bucket.tokens = min(rate, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False
