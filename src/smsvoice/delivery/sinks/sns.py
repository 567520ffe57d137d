"""SNS: one `Publish` per record, the record's JSON text as the message.

The message body is the bare record (production consumers parse SNS `Message` as the record; no
subject or message attributes are documented for these events, so none are sent). SNS event
destinations have no IamRoleArn (the topic policy admits `sms-voice.amazonaws.com`): those are
published with the process's own credentials. A number's two-way channel may name a
`TwoWayChannelRole`: that one is assumed, as for CloudWatch Logs and Firehose.
"""

from __future__ import annotations

from smsvoice.delivery.failures import Failure, classify
from smsvoice.delivery.sinks import DELIVERED, Destination, Envelope
from smsvoice.delivery.sinks.base import Attempt, ClientSink, too_large

# "The maximum message size is 256 KB" (SNS Publish API reference); counted in UTF-8 bytes.
MAX_MESSAGE_BYTES = 256 * 1024


class SnsSink(ClientSink):
    service = "sns"
    client_step = "SNS client"

    def send(self, attempt: Attempt, destination: Destination, batch: list[Envelope]) -> None:
        results, client = attempt.results, attempt.client
        for index, envelope in enumerate(batch):
            if attempt.past_deadline():
                break
            if len(envelope.record.encode()) > MAX_MESSAGE_BYTES:
                results[index] = too_large("SNS's", MAX_MESSAGE_BYTES)
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
