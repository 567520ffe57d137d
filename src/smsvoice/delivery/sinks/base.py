"""What the SNS, CloudWatch Logs and Firehose sinks do alike before and around their SDK calls."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.failures import Failure, classify, rejected
from smsvoice.delivery.sinks import (
    NOT_ATTEMPTED,
    Destination,
    Envelope,
    Result,
    past,
    region_of,
    unusable_arn,
)


@dataclass(slots=True)
class Attempt:
    """One delivery of a batch whose destination has a region and a client."""

    client: Any  # a boto3 client of `service` in `region`
    region: str
    role_arn: str | None  # the role the client signs as; None: the process's own credentials
    deadline: float
    results: list[Result]  # one per record, NOT_ATTEMPTED until the sink says otherwise

    def past_deadline(self) -> bool:
        return past(self.deadline)


class ClientSink(ABC):
    """A sink writing through one boto3 client in the region of the destination's ARN.

    `deliver` opens the attempt: an ARN without a region rejects every record; a client that cannot be
    made (STS AssumeRole refused, broken SDK configuration) fails every record alike and drops the
    role's credentials if they expired. `send` makes the calls.
    """

    service: ClassVar[str]  # boto3's client name
    client_step: ClassVar[str]  # what failed when the client cannot be made, for the failure text

    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def deliver(self, destination: Destination, batch: list[Envelope], deadline: float) -> list[Result]:
        region = region_of(destination.target_arn)
        if region is None:
            return unusable_arn(destination, batch)
        # Signed as the destination's role when it names one (CloudWatch Logs and Firehose event
        # destinations, two-way channels); SNS event destinations name none.
        role = destination.iam_role_arn
        try:
            client = self._clients.client(self.service, region, role)
        except Exception as error:
            failure = classify(error, self.client_step)
            self._clients.forget_if_expired(role, region, [failure])
            return [failure] * len(batch)
        attempt = Attempt(client, region, role, deadline, [NOT_ATTEMPTED] * len(batch))
        self.send(attempt, destination, batch)
        return attempt.results

    @abstractmethod
    def send(self, attempt: Attempt, destination: Destination, batch: list[Envelope]) -> None:
        """Fill `attempt.results`; start no new SDK call once `attempt.past_deadline()`."""

    def settle(self, attempt: Attempt, indices: Iterable[int], outcome: list[Result]) -> None:
        """Record one call's outcome for the records at `indices`, dropping the role's credentials if
        the call found them expired."""
        for index, result in zip(indices, outcome, strict=True):
            attempt.results[index] = result
        self._clients.forget_if_expired(attempt.role_arn, attempt.region, outcome)


def too_large(what: str, limit: int) -> Failure:
    """A record over `what`'s size limit in bytes: no retry makes it fit."""
    return rejected(f"record is larger than {what} {limit} bytes")
