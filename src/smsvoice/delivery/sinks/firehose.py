"""Kinesis Data Firehose: one event record per Firehose record, by default one `PutRecord` each.

AWS's documented role policy for a Firehose event destination grants only `firehose:PutRecord`
(user guide, configuration-sets-kinesis-creating-role.html), so AWS writes record by record, and a role
built from that policy refuses `PutRecordBatch`. AWS is silent on framing; production consumers
decode each Firehose record to one JSON record. So by default each record is the bare JSON, one per
`PutRecord`. `--firehose-framing ndjson-batch` (SMSVOICE_FIREHOSE_FRAMING) switches to smsvoice's
older framing: `PutRecordBatch` (up to 500 records a call) with each record ending in a newline,
which makes the S3 objects newline-delimited JSON for Athena, Glue or `jq`. Writes use the
destination's IamRoleArn when roles are assumed (credentials.py).
"""

from __future__ import annotations

from typing import Any

from smsvoice.config import FirehoseFraming
from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.failures import classify, from_code
from smsvoice.delivery.sinks import DELIVERED, Destination, Envelope, Result, resource_of
from smsvoice.delivery.sinks.base import Attempt, ClientSink, too_large

# PutRecordBatch API reference: "up to 500 records per call ... up to a limit of 4 MiB for the entire
# request"; "The maximum size of a record sent to Firehose, before base64-encoding, is 1,000 KiB."
MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 4 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024


def stream_name(arn_resource: str) -> str:
    """`deliverystream/NAME` -> NAME."""
    return arn_resource.split("/", 1)[1] if "/" in arn_resource else arn_resource


def _chunks(items: list[tuple[int, bytes]]) -> list[list[tuple[int, bytes]]]:
    chunks: list[list[tuple[int, bytes]]] = []
    current: list[tuple[int, bytes]] = []
    size = 0
    for item in items:
        if current and (len(current) == MAX_RECORDS_PER_CALL or size + len(item[1]) > MAX_BYTES_PER_CALL):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item[1])
    if current:
        chunks.append(current)
    return chunks


class FirehoseSink(ClientSink):
    service = "firehose"
    client_step = "STS AssumeRole for Firehose"

    def __init__(self, clients: AwsClients, framing: FirehoseFraming = "aws") -> None:
        super().__init__(clients)
        self._batched = framing == "ndjson-batch"

    def send(self, attempt: Attempt, destination: Destination, batch: list[Envelope]) -> None:
        name = stream_name(resource_of(destination.target_arn))
        framed: list[tuple[int, bytes]] = []
        for index, envelope in enumerate(batch):
            data = (envelope.record + "\n" if self._batched else envelope.record).encode()
            if len(data) > MAX_RECORD_BYTES:
                attempt.results[index] = too_large("Firehose's", MAX_RECORD_BYTES)
            else:
                framed.append((index, data))
        if not self._batched:
            self._put_each(attempt, name, framed)
            return
        for chunk in _chunks(framed):
            if attempt.past_deadline():
                break
            self.settle(attempt, (index for index, _ in chunk), self._put(attempt.client, name, chunk))

    def _put_each(self, attempt: Attempt, name: str, framed: list[tuple[int, bytes]]) -> None:
        for position, (index, data) in enumerate(framed):
            if attempt.past_deadline():
                break
            try:
                attempt.client.put_record(DeliveryStreamName=name, Record={"Data": data})
            except Exception as error:
                failure = classify(error, "Firehose PutRecord")
                if failure.retryable:
                    # The stream is missing, throttled or unreachable: the rest would fail alike.
                    rest = [i for i, _ in framed[position:]]
                    self.settle(attempt, rest, [failure] * len(rest))
                    return
                self.settle(attempt, [index], [failure])
                continue
            self.settle(attempt, [index], [DELIVERED])

    def _put(self, client: Any, name: str, chunk: list[tuple[int, bytes]]) -> list[Result]:
        try:
            answer = client.put_record_batch(
                DeliveryStreamName=name, Records=[{"Data": data} for _, data in chunk]
            )
        except Exception as error:
            failure = classify(error, "Firehose PutRecordBatch")
            return [failure] * len(chunk)
        responses: list[dict[str, Any]] = answer.get("RequestResponses", [])
        outcome: list[Result] = []
        for position in range(len(chunk)):
            if position >= len(responses):
                outcome.append(from_code("", "no answer for this record", "Firehose PutRecordBatch", 500))
                continue
            response = responses[position]
            code = response.get("ErrorCode")
            if code:
                # Per-record failures are ServiceUnavailableException or InternalFailure: retried.
                outcome.append(
                    from_code(str(code), str(response.get("ErrorMessage", "")), "Firehose PutRecordBatch")
                )
            else:
                outcome.append(DELIVERED)
        return outcome
