"""CloudWatch Logs: `PutLogEvents` into the log group of the ARN, one log event per record.

AWS's own log-stream naming is undocumented. We write each configuration set's event destination
to its own stream, `sms-voice/<configuration set>/<event destination>` (characters CloudWatch Logs
forbids in stream names, ':' and '*', become '_'), creating it on first use; the role policy AWS
documents (logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents) covers that. The log
event's timestamp is the time the record was written, so log order is event order.
"""

from __future__ import annotations

import threading
from itertools import groupby
from typing import Any

from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.failures import classify, error_code, rejected
from smsvoice.delivery.sinks import DELIVERED, Destination, Envelope, Result, resource_of
from smsvoice.delivery.sinks.base import Attempt, ClientSink, too_large

# PutLogEvents API reference: at most 10,000 events and 1,048,576 bytes per call (messages in UTF-8
# plus 26 bytes per event), spanning at most 24 hours, in chronological order; an event is at most
# 256 KB.
MAX_EVENTS_PER_CALL = 10_000
MAX_BYTES_PER_CALL = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_EVENT_BYTES = 256 * 1024 - EVENT_OVERHEAD_BYTES
MAX_SPAN_MILLIS = 24 * 3600 * 1000
MAX_STREAM_NAME = 512
STREAM_PREFIX = "sms-voice"


def log_group_name(arn_resource: str) -> str:
    """`log-group:NAME` or `log-group:NAME:*` -> NAME."""
    name = arn_resource.removeprefix("log-group:")
    return name.removesuffix(":*")


def log_stream_name(configuration_set: str, destination_name: str) -> str:
    # The outbox may hold a set's ARN; the stream is named after the set's name.
    set_name = configuration_set.rsplit("configuration-set/", 1)[-1]
    raw = f"{STREAM_PREFIX}/{set_name}/{destination_name}"
    return raw.replace(":", "_").replace("*", "_")[:MAX_STREAM_NAME]


def _chunks(items: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Split (index, timestamp millis, message), sorted by time, within PutLogEvents' limits."""
    chunks: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    size = 0
    for item in items:
        cost = len(item[2].encode()) + EVENT_OVERHEAD_BYTES
        if current and (
            len(current) == MAX_EVENTS_PER_CALL
            or size + cost > MAX_BYTES_PER_CALL
            or item[1] - current[0][1] > MAX_SPAN_MILLIS
        ):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def _rejected_positions(info: dict[str, Any], count: int) -> dict[int, str]:
    """Positions in a call that CloudWatch Logs refused (rejectedLogEventsInfo), with the reason."""
    refused: dict[int, str] = {}
    too_new = info.get("tooNewLogEventStartIndex")
    if too_new is not None:
        for position in range(int(too_new), count):
            refused[position] = "more than 2 hours in the future"
    for member, reason in (
        ("tooOldLogEventEndIndex", "older than 14 days"),
        ("expiredLogEventEndIndex", "older than the log group's retention"),
    ):
        end = info.get(member)
        if end is not None:
            for position in range(int(end) + 1):
                refused[position] = reason
    return refused


class CloudWatchLogsSink(ClientSink):
    service = "logs"
    client_step = "STS AssumeRole for CloudWatch Logs"

    def __init__(self, clients: AwsClients) -> None:
        super().__init__(clients)
        # Streams known to exist, so that CreateLogStream is called once per stream and process.
        self._streams: set[tuple[str, str | None, str, str]] = set()
        self._lock = threading.Lock()

    def send(self, attempt: Attempt, destination: Destination, batch: list[Envelope]) -> None:
        group = log_group_name(resource_of(destination.target_arn))
        entries = sorted(
            (
                (log_stream_name(envelope.configuration_set, envelope.destination_name), index)
                for index, envelope in enumerate(batch)
            ),
        )
        for stream, members in groupby(entries, key=lambda entry: entry[0]):
            events: list[tuple[int, int, str]] = []
            for _, index in members:
                envelope = batch[index]
                if len(envelope.record.encode()) > MAX_EVENT_BYTES:
                    attempt.results[index] = too_large("a log event's", MAX_EVENT_BYTES)
                else:
                    events.append((index, round(envelope.created_at * 1000), envelope.record))
            events.sort(key=lambda event: (event[1], event[0]))
            for chunk in _chunks(events):
                if attempt.past_deadline():
                    return
                stream_key = (attempt.region, destination.iam_role_arn, group, stream)
                self.settle(
                    attempt, (index for index, _, _ in chunk), self._put(attempt.client, stream_key, chunk)
                )

    def _put(
        self, client: Any, stream_key: tuple[str, str | None, str, str], chunk: list[tuple[int, int, str]]
    ) -> list[Result]:
        _, _, group, stream = stream_key
        events = [{"timestamp": timestamp, "message": message} for _, timestamp, message in chunk]
        step = "CloudWatch Logs CreateLogStream"
        try:
            self._ensure_stream(client, stream_key)
            step = "CloudWatch Logs PutLogEvents"
            try:
                answer = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
            except Exception as error:
                if error_code(error) != "ResourceNotFoundException":
                    raise
                # The stream was deleted behind our back (or the group was recreated): make it again.
                with self._lock:
                    self._streams.discard(stream_key)
                step = "CloudWatch Logs CreateLogStream"
                self._ensure_stream(client, stream_key)
                step = "CloudWatch Logs PutLogEvents"
                answer = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        except Exception as error:
            failure = classify(error, step)
            return [failure] * len(chunk)
        refused = _rejected_positions(answer.get("rejectedLogEventsInfo") or {}, len(chunk))
        return [
            rejected(f"CloudWatch Logs rejected the event: {refused[position]}")
            if position in refused
            else DELIVERED
            for position in range(len(chunk))
        ]

    def _ensure_stream(self, client: Any, stream_key: tuple[str, str | None, str, str]) -> None:
        with self._lock:
            if stream_key in self._streams:
                return
        _, _, group, stream = stream_key
        try:
            client.create_log_stream(logGroupName=group, logStreamName=stream)
        except Exception as error:
            if error_code(error) != "ResourceAlreadyExistsException":
                raise
        with self._lock:
            self._streams.add(stream_key)
