"""EventBridge: `PutEvents` to the default event bus, up to 10 events a call.

Each outbox row holds the whole event as EventBridge delivers it (messaging/eventbridge.py); PutEvents
takes its source, detail-type, detail, resources and time. EventBridge gives the delivered event its
own id and the account of the credentials that put it: the process's own (no role is assumed, as for
SNS). Real AWS refuses custom events whose source starts with `aws.` (only AWS services may use
them), so against real AWS these records are dead-lettered with that error; LocalStack and moto take
them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import orjson

from smsvoice.delivery.failures import classify, from_code, rejected
from smsvoice.delivery.sinks import DELIVERED, Destination, Envelope, Result, resource_of
from smsvoice.delivery.sinks.base import Attempt, ClientSink, too_large

# PutEvents API reference: "up to 10 entries"; "The total entry size must be less than 256KB".
MAX_ENTRIES_PER_CALL: Final = 10
MAX_ENTRY_BYTES: Final = 256 * 1024


def _entry(event: dict[str, Any], bus: str) -> dict[str, Any]:
    return {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": orjson.dumps(event["detail"]).decode(),
        "Resources": list(event.get("resources") or []),
        "Time": datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        "EventBusName": bus,
    }


class EventBridgeSink(ClientSink):
    service = "events"
    client_step = "EventBridge client"

    def send(self, attempt: Attempt, destination: Destination, batch: list[Envelope]) -> None:
        bus = resource_of(destination.target_arn).split("/", 1)[-1] or "default"
        fitting: list[tuple[int, Envelope]] = []
        for index, envelope in enumerate(batch):
            if len(envelope.record.encode()) > MAX_ENTRY_BYTES:
                attempt.results[index] = too_large("EventBridge's", MAX_ENTRY_BYTES)
            else:
                fitting.append((index, envelope))
        for start in range(0, len(fitting), MAX_ENTRIES_PER_CALL):
            if attempt.past_deadline():
                break
            chunk: list[tuple[int, dict[str, Any]]] = []
            for index, envelope in fitting[start : start + MAX_ENTRIES_PER_CALL]:
                try:
                    chunk.append((index, _entry(orjson.loads(envelope.record), bus)))
                except (KeyError, TypeError, ValueError) as problem:
                    attempt.results[index] = rejected(f"not an EventBridge event: {problem!r}")
            if chunk:
                self.settle(attempt, (index for index, _ in chunk), self._put(attempt.client, chunk))

    def _put(self, client: Any, chunk: list[tuple[int, dict[str, Any]]]) -> list[Result]:
        try:
            answer = client.put_events(Entries=[entry for _, entry in chunk])
        except Exception as error:
            return [classify(error, "EventBridge PutEvents")] * len(chunk)
        responses: list[dict[str, Any]] = answer.get("Entries", [])
        outcome: list[Result] = []
        for position in range(len(chunk)):
            response = responses[position] if position < len(responses) else {"ErrorCode": "NoAnswer"}
            code = response.get("ErrorCode")
            if code:
                message = str(response.get("ErrorMessage", ""))
                outcome.append(from_code(str(code), message, "EventBridge PutEvents"))
            else:
                outcome.append(DELIVERED)
        return outcome
