"""The opening the sinks share (sinks/base.py), in-process with a fake client cache: no AWS."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.clock import SystemClock
from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.failures import Failure
from smsvoice.delivery.sinks import DELIVERED, NOT_ATTEMPTED, Destination, Envelope
from smsvoice.delivery.sinks.base import ClientSink
from smsvoice.delivery.sinks.cloudwatch_logs import CloudWatchLogsSink
from smsvoice.delivery.sinks.eventbridge import EventBridgeSink
from smsvoice.delivery.sinks.firehose import FirehoseSink
from smsvoice.delivery.sinks.sns import SnsSink

ROLE = "arn:aws:iam::111122223333:role/events"
TARGETS = {
    SnsSink: "arn:aws:sns:eu-west-1:111122223333:events",
    CloudWatchLogsSink: "arn:aws:logs:eu-west-1:111122223333:log-group:events:*",
    FirehoseSink: "arn:aws:firehose:eu-west-1:111122223333:deliverystream/events",
    EventBridgeSink: "arn:aws:events:eu-west-1:111122223333:event-bus/default",
}


def _expired() -> ClientError:
    return ClientError({"Error": {"Code": "ExpiredTokenException", "Message": "expired"}}, "Call")


class FakeClients(AwsClients):
    def __init__(self, client: Any = None, refuse: Exception | None = None) -> None:
        super().__init__(SystemClock(), assume_role=True)
        self.made: list[tuple[str, str, str | None]] = []
        self.forgotten: list[tuple[str | None, str]] = []
        self._client, self._refuse = client, refuse

    def client(self, service: str, region: str, role_arn: str | None = None) -> Any:
        self.made.append((service, region, role_arn))
        if self._refuse is not None:
            raise self._refuse
        return self._client

    def forget_if_expired(self, role_arn: str | None, region: str, results: Iterable[object]) -> None:
        if any(isinstance(result, Failure) and result.expired_credentials for result in results):
            self.forgotten.append((role_arn, region))


class FirehoseClient:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self._error = error

    def put_record(self, DeliveryStreamName: str, Record: dict[str, bytes]) -> dict[str, Any]:
        self.calls += 1
        if self._error is not None:
            raise self._error
        return {"RecordId": str(self.calls)}

    def put_record_batch(self, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]:
        self.calls += 1
        if self._error is not None:
            raise self._error
        return {"RequestResponses": [{"RecordId": str(n)} for n in range(len(Records))]}


def _batch(count: int = 2) -> list[Envelope]:
    return [Envelope(n, f'{{"n": {n}}}', time.time(), "set", "destination") for n in range(count)]


SINKS: list[type[ClientSink]] = [SnsSink, CloudWatchLogsSink, FirehoseSink, EventBridgeSink]


@pytest.mark.parametrize("sink", SINKS)
def test_an_arn_without_a_region_rejects_every_record_without_a_client(sink: type[ClientSink]) -> None:
    clients = FakeClients()
    results = sink(clients).deliver(Destination("X", "not-an-arn", ROLE), _batch(), time.monotonic() + 5)
    assert all(isinstance(r, Failure) and not r.retryable and "not an ARN" in r.message for r in results)
    assert len(results) == 2 and clients.made == []


@pytest.mark.parametrize("sink", SINKS)
def test_a_client_that_cannot_be_made_fails_every_record(sink: type[ClientSink]) -> None:
    clients = FakeClients(refuse=_expired())
    results = sink(clients).deliver(Destination("X", TARGETS[sink], ROLE), _batch(), time.monotonic() + 5)
    assert len(results) == 2 and results[0] is results[1]
    assert isinstance(results[0], Failure) and sink.client_step in results[0].message
    # Every sink signs as the destination's role when it names one (SNS: a two-way channel's role).
    assert clients.made == [(sink.service, "eu-west-1", ROLE)]
    # The failure says the credentials expired: they are dropped.
    assert clients.forgotten == [(ROLE, "eu-west-1")]


@pytest.mark.parametrize("sink", SINKS)
def test_past_the_deadline_nothing_is_attempted(sink: type[ClientSink]) -> None:
    clients = FakeClients(client=object())  # any call on it would fail the test
    results = sink(clients).deliver(Destination("X", TARGETS[sink], ROLE), _batch(), time.monotonic() - 1)
    assert results == [NOT_ATTEMPTED, NOT_ATTEMPTED]


def test_a_call_settles_its_records_and_expired_credentials_are_forgotten() -> None:
    target = Destination("FIREHOSE", TARGETS[FirehoseSink], ROLE)
    firehose = FirehoseClient()
    clients = FakeClients(client=firehose)
    assert FirehoseSink(clients).deliver(target, _batch(), time.monotonic() + 5) == [DELIVERED, DELIVERED]
    assert clients.forgotten == []
    assert firehose.calls == 2  # one PutRecord per record

    clients = FakeClients(client=FirehoseClient(error=_expired()))
    results = FirehoseSink(clients).deliver(target, _batch(), time.monotonic() + 5)
    assert all(isinstance(r, Failure) and r.expired_credentials for r in results)
    assert clients.forgotten == [(ROLE, "eu-west-1")]
