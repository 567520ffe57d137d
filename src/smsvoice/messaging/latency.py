"""How long after the record before it each record is stamped: the network's simulated delay.

AWS stamps `messageRequestTimestamp` when the send is accepted and `eventTimestamp` when the event is
reported, so every record is later than the request: 300 ms in the user guide's SMS example
(1686975103170 -> 1686975103470), 381 ms in its voice example. A message's whole life is written at
once when no rule delays it (tests never wait), so its records carry these simulated delays in their
`eventTimestamp` instead: a record due later than the record before it is stamped when it was due
(a rule's timing is kept exactly); one due no later (no delay between them) is stamped this long
after the record before it (after the request, for the first). The figures beyond the two
documented gaps are smsvoice's choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# A carrier's answer to the request (the documented examples' gap).
CARRIER_SECONDS: Final = 0.3
# From the carrier's acceptance to the handset's delivery receipt.
HANDSET_RECEIPT_SECONDS: Final = 3.0

# Statuses reported by the service itself, without waiting for a network: its queue, and an RCS
# message's fallback decision (the fallback message is accepted at the same moment). Then a call
# rings, is answered, plays its message.
_SECONDS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "QUEUED": 0.05,
        "FALLEN_BACK_TO_SMS": 0.0,
        "RINGING": 2.0,
        "ANSWERED": 8.0,
        "COMPLETED": 15.0,
        "COMPLETED_CALL": 15.0,
        "BUSY": 2.0,
        "NO_ANSWER": 30.0,
    }
)


def simulated_seconds(previous: str, status: str) -> float:
    """The simulated delay between a record in `previous` and the next one, in `status`."""
    if previous == "SUCCESSFUL" and status == "DELIVERED":
        return HANDSET_RECEIPT_SECONDS
    return _SECONDS.get(status, CARRIER_SECONDS)


def stamp(due_at: float, previous_at: float, previous: str, status: str) -> float:
    """When a record in `status`, due at `due_at`, is reported (epoch seconds)."""
    if due_at > previous_at:
        return due_at
    return previous_at + simulated_seconds(previous, status)
