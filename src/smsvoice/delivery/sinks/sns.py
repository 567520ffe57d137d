"""SNS: one `Publish` per record, the record's JSON text as the message.

The message body is the bare record (production consumers parse SNS `Message` as the record; no
subject or message attributes are documented for these events, so none are sent). SNS destinations
have no IamRoleArn: the topic policy admits `sms-voice.amazonaws.com`, so we publish with the
process's own credentials.
"""

from __future__ import annotations

from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.failures import Failure, classify, rejected
from smsvoice.delivery.sinks import (
    DELIVERED,
    NOT_ATTEMPTED,
    Destination,
    Envelope,
    Result,
    past,
    region_of,
    unusable_arn,
)

# "The maximum message size is 256 KB" (SNS Publish API reference); counted in UTF-8 bytes.
MAX_MESSAGE_BYTES = 256 * 1024


class SnsSink:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def deliver(self, destination: Destination, batch: list[Envelope], deadline: float) -> list[Result]:
        region = region_of(destination.target_arn)
        if region is None:
            return unusable_arn(destination, batch)
        results: list[Result] = [NOT_ATTEMPTED] * len(batch)
        try:
            client = self._clients.client("sns", region)
        except Exception as error:
            return [classify(error, "SNS client")] * len(batch)
        for index, envelope in enumerate(batch):
            if past(deadline):
                break
            if len(envelope.record.encode()) > MAX_MESSAGE_BYTES:
                results[index] = rejected(f"record is larger than SNS's {MAX_MESSAGE_BYTES} bytes")
                continue
            try:
                client.publish(TopicArn=destination.target_arn, Message=envelope.record)
            except Exception as error:
                failure: Failure = classify(error, "SNS Publish")
                results[index] = failure
                if failure.retryable:
                    # The topic is missing, throttled or unreachable: the rest of the batch would fail
                    # the same way, so they share this attempt instead of hammering the endpoint.
                    for rest in range(index + 1, len(batch)):
                        results[rest] = failure
                    break
                continue
            results[index] = DELIVERED
        return results
