"""Request-rate limits per account, region and operation (token buckets, in memory).

The rates are each API's RATES (services/v1/api.py, services/v2/api.py), their numbers in quotas.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smsvoice.services import names
from smsvoice.services.api import RequestRates
from smsvoice.services.v1.api import RATES as V1_RATES
from smsvoice.services.v2.api import RATES as V2_RATES

# By botocore's service name, which is what the gateway throttles by.
RATES: dict[str, RequestRates] = {names.V1: V1_RATES, names.V2: V2_RATES}


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
        rates = RATES.get(api)
        rate = None if rates is None else rates.for_operation(operation)
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
