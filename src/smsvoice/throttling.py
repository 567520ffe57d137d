"""Request-rate limits per account, region and operation, across every node of a deployment.

The rates are each API's RATES (services/v1/api.py, services/v2/api.py), their numbers in quotas.py.
The token buckets live in the store (store/rates.py), so two nodes behind one load balancer refuse
what one AWS endpoint would: a rate-limited request costs one more short transaction (one statement);
requests of operations without a rate (sends, among others) cost nothing.
"""

from __future__ import annotations

from smsvoice.services import names
from smsvoice.services.api import RequestRates
from smsvoice.services.v1.api import RATES as V1_RATES
from smsvoice.services.v2.api import RATES as V2_RATES

# By botocore's service name, which is what the gateway throttles by.
RATES: dict[str, RequestRates] = {names.V1: V1_RATES, names.V2: V2_RATES}


def rate_for(enabled: bool, api: str, operation: str) -> float | None:
    """Requests per second allowed for the operation, or None when it is not limited."""
    if not enabled:
        return None
    rates = RATES.get(api)
    return None if rates is None else rates.for_operation(operation)


def bucket_key(api: str, operation: str, account: str, region: str) -> str:
    return f"{api}/{operation}/{account}/{region}"
