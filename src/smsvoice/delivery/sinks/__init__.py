"""Sinks: how a batch of event records for one destination reaches SNS, CloudWatch Logs or Firehose.

A sink is synchronous (boto3 is) and runs on a delivery thread. It answers one result per record,
in order: DELIVERED, NOT_ATTEMPTED (the batch ran out of time; the record is released untouched), or a
Failure (retryable or not; the retry policy decides what happens next).
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import Protocol

from smsvoice.arns import parse_arn
from smsvoice.delivery.failures import Failure, rejected

SNS = "SNS"
CLOUDWATCH_LOGS = "CLOUDWATCH_LOGS"
FIREHOSE = "FIREHOSE"
EVENTBRIDGE = "EVENTBRIDGE"  # the default event bus (messaging/eventbridge.py), not a configuration set's


class Status(enum.Enum):
    DELIVERED = "DELIVERED"
    NOT_ATTEMPTED = "NOT_ATTEMPTED"


DELIVERED = Status.DELIVERED
NOT_ATTEMPTED = Status.NOT_ATTEMPTED
Result = Status | Failure


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a group of outbox rows goes: rows with equal destinations are delivered together."""

    kind: str  # SNS, CLOUDWATCH_LOGS or FIREHOSE
    target_arn: str
    iam_role_arn: str | None


@dataclass(frozen=True, slots=True)
class Envelope:
    """What a sink needs of one outbox row."""

    row_id: int
    record: str  # the event record's JSON text
    created_at: float  # when the record was written (CloudWatch Logs uses it as the event time)
    configuration_set: str
    destination_name: str


class Sink(Protocol):
    def deliver(self, destination: Destination, batch: list[Envelope], deadline: float) -> list[Result]:
        """Deliver `batch`; start no new SDK call after `deadline` (time.monotonic())."""
        ...


def region_of(arn_text: str) -> str | None:
    arn = parse_arn(arn_text)
    if arn is None or not arn.region:
        return None
    return arn.region


def resource_of(arn_text: str) -> str:
    arn = parse_arn(arn_text)
    return arn.resource if arn is not None else ""


def unusable_arn(destination: Destination, batch: list[Envelope]) -> list[Result]:
    failure = rejected(f"{destination.target_arn!r} is not an ARN with a region; nothing can be delivered")
    return [failure for _ in batch]


def past(deadline: float) -> bool:
    return time.monotonic() > deadline
