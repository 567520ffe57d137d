"""The delivery circuit breaker: a destination that cannot work is paused, not retried record by record.

When an attempt fails for a reason that belongs to the destination (failures.py `destination_wide`),
the worker pauses it (store/pauses.py): its rows are parked in the outbox, in their order, and cost
nothing while it stays broken. When the pause ends, one worker of one node probes it with its oldest
record; success resumes it (its rows come back due in creation order), failure pauses it again for
twice as long (with jitter), up to `cap_seconds`, so a destination fixed by the user is found working
within a few seconds. Records whose retention window ends while parked are dead-lettered.

The log says a pause once, when it starts (and, for a process with no AWS credentials at all, once
per process what to configure); it says when the destination works again. Failed probes are quiet.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from smsvoice.delivery.failures import Failure

logger = logging.getLogger("smsvoice.delivery")

NO_CREDENTIALS_HINT = (
    "no AWS credentials are configured for event delivery: set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and AWS_ENDPOINT_URL for a local AWS stand-in in the "
    "environment of smsvoice serve / smsvoice worker (docs/delivery.md); until then event destinations "
    "are paused and their records wait"
)


@dataclass
class PausePolicy:
    base_seconds: float = 0.5
    cap_seconds: float = 5.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int) -> float:
        """How long a destination stays paused after `failures` destination-wide failures in a row."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** min(max(failures, 1) - 1, 30))
        return ceiling / 2 + self.rng.uniform(0.0, ceiling / 2)


@dataclass
class PauseLog:
    """What the log has said already, so that a dead destination does not flood it."""

    said_no_credentials: bool = False

    def paused(self, kind: str, target_arn: str, failure: Failure, parked: int, retry_in: float) -> None:
        if failure.no_credentials and not self.said_no_credentials:
            self.said_no_credentials = True
            logger.warning(NO_CREDENTIALS_HINT)
        logger.warning(
            "event destination %s %s paused: %s; its %d waiting records keep their order and are "
            "delivered once it works (next probe in %.1fs)",
            kind,
            target_arn,
            failure.message,
            parked,
            retry_in,
        )

    @staticmethod
    def resumed(kind: str, target_arn: str, paused_for: float, waiting: int) -> None:
        logger.warning(
            "event destination %s %s works again after %.1fs paused; delivering its %d waiting records",
            kind,
            target_arn,
            paused_for,
            waiting,
        )


def destination_failure(results: list[object]) -> Failure | None:
    """The first failure of a batch's results that belongs to the destination, if any."""
    for result in results:
        if isinstance(result, Failure) and result.destination_wide:
            return result
    return None
