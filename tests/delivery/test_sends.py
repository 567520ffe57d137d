"""End to end: configuration sets and event destinations made with boto3 against smsvoice, real
sends, and the records read back from moto's server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import MOTO_ACCOUNT, Aws, Outbox, deliveries, unique, wait_for_status
from tests.support.clients import client, new_account
from tests.support.waiting import wait_until

SUCCESS_DESTINATION = "+14254147755"  # the US simulator number that always succeeds
ROLE = f"arn:aws:iam::{MOTO_ACCOUNT}:role/sms-voice-events"


def sms_account(endpoint: str) -> tuple[Any, str]:
    """A v2 client of a fresh account and a simulator origination number of its own."""
    v2 = client("pinpoint-sms-voice-v2", endpoint, new_account())
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="SIMULATOR"
    )["PhoneNumber"]
    return v2, number


def send(v2: Any, origination: str, configuration_set: str) -> str:
    answer = v2.send_text_message(
        DestinationPhoneNumber=SUCCESS_DESTINATION,
        OriginationIdentity=origination,
        MessageBody="Your code is 123456",
        ConfigurationSetName=configuration_set,
    )
    return str(answer["MessageId"])


def final_records(bodies: list[str], message_id: str) -> list[dict[str, Any]]:
    records = [json.loads(body) for body in bodies]
    return [record for record in records if record["messageId"] == message_id and record["isFinal"]]


def test_a_send_reaches_sns_logs_and_firehose(delivering_server: ServerProcess, aws: Aws) -> None:
    v2, number = sms_account(delivering_server.endpoint)
    topic, queue = aws.topic_with_queue(unique("sent"))
    group = unique("/sms/sent")
    group_arn = aws.log_group(group)
    stream_arn, bucket = aws.firehose_to_bucket(unique("sent"))
    v2.create_configuration_set(ConfigurationSetName="events")
    v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="to-sns",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": topic},
    )
    v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="to-logs",
        MatchingEventTypes=["TEXT_ALL"],
        CloudWatchLogsDestination={"IamRoleArn": ROLE, "LogGroupArn": group_arn},
    )
    v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="to-firehose",
        MatchingEventTypes=["ALL"],
        KinesisFirehoseDestination={"IamRoleArn": ROLE, "DeliveryStreamArn": stream_arn},
    )

    message_id = send(v2, number, "events")

    wait_for_status(delivering_server.endpoint, [message_id], "DELIVERED")
    rows = deliveries(delivering_server.endpoint, message_id=message_id)
    by_kind: dict[str, list[str]] = {}
    for row in rows:
        by_kind.setdefault(row["destination"]["kind"], []).append(row["event_type"])
    assert set(by_kind) == {"SNS", "CLOUDWATCH_LOGS", "FIREHOSE"}
    event_types = by_kind["SNS"]

    sns_bodies = aws.drain(queue, expected=len(event_types))
    sns_records = [json.loads(body) for body in sns_bodies]
    assert sorted(record["eventType"] for record in sns_records) == sorted(event_types)
    assert all(record["messageId"] == message_id for record in sns_records)
    assert final_records(sns_bodies, message_id)

    # Every destination gets the same record text.
    log_events = aws.log_events(group)
    assert sorted(event["message"] for event in log_events) == sorted(sns_bodies)
    assert {event["logStreamName"] for event in log_events} == {"sms-voice/events/to-logs"}
    assert sorted(aws.bucket_text(bucket).splitlines()) == sorted(sns_bodies)


def test_disabled_and_non_matching_destinations_receive_nothing(
    delivering_server: ServerProcess, aws: Aws
) -> None:
    v2, number = sms_account(delivering_server.endpoint)
    wanted_topic, wanted_queue = aws.topic_with_queue(unique("wanted"))
    disabled_topic, disabled_queue = aws.topic_with_queue(unique("disabled"))
    voice_topic, voice_queue = aws.topic_with_queue(unique("voice-only"))
    v2.create_configuration_set(ConfigurationSetName="picky")
    for name, topic, types in (
        ("wanted", wanted_topic, ["TEXT_ALL"]),
        ("disabled", disabled_topic, ["ALL"]),
        ("voice-only", voice_topic, ["VOICE_ALL", "MEDIA_DELIVERED"]),
    ):
        v2.create_event_destination(
            ConfigurationSetName="picky",
            EventDestinationName=name,
            MatchingEventTypes=types,
            SnsDestination={"TopicArn": topic},
        )
    v2.update_event_destination(ConfigurationSetName="picky", EventDestinationName="disabled", Enabled=False)

    message_id = send(v2, number, "picky")

    wait_until(lambda: final_records(aws.drain(wanted_queue, expected=1, timeout=1), message_id), timeout=30)
    wait_for_status(delivering_server.endpoint, [message_id], "DELIVERED")
    # Records are matched when they are written: nothing is bound for the other two, ever.
    assert {
        row["destination"]["name"] for row in deliveries(delivering_server.endpoint, message_id=message_id)
    } == {"wanted"}
    assert aws.drain(disabled_queue, expected=1, timeout=1) == []
    assert aws.drain(voice_queue, expected=1, timeout=1) == []


def test_kill_9_during_a_burst_of_sends_loses_no_final_event(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering()
    v2, number = sms_account(server.endpoint)
    topic, queue = aws.topic_with_queue(unique("crash"))
    v2.create_configuration_set(ConfigurationSetName="burst")
    v2.create_event_destination(
        ConfigurationSetName="burst",
        EventDestinationName="all",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": topic},
    )
    accepted: list[str] = []

    def burst() -> None:
        for _ in range(500):
            try:
                accepted.append(send(v2, number, "burst"))
            except Exception:  # the server is gone: the burst ends
                return

    sender = threading.Thread(target=burst)
    sender.start()
    wait_until(lambda: len(accepted) >= 60, timeout=60, interval=0.01)
    server.kill()  # mid-burst: sends in flight fail; every accepted one must end with its final event
    sender.join(30)
    assert not sender.is_alive()
    outbox = Outbox(server.data_dir)
    try:
        pending = outbox.execute("SELECT count(*) FROM outbox WHERE status = 'PENDING'")[0][0]
    finally:
        outbox.close()

    restarted = delivering(data_dir=server.data_dir)
    wait_until(
        lambda: all(row["status"] == "DELIVERED" for row in deliveries(restarted.endpoint)),
        timeout=60,
        interval=0.2,
    )

    bodies = aws.drain(queue, expected=len(deliveries(restarted.endpoint)), timeout=30)
    missing = [message_id for message_id in accepted if not final_records(bodies, message_id)]
    assert missing == [], f"{len(missing)} final events lost ({pending} rows were pending at the kill)"


def test_v1_voice_events_are_delivered(delivering_server: ServerProcess, aws: Aws) -> None:
    v1 = client("pinpoint-sms-voice", delivering_server.endpoint, new_account())
    topic, queue = aws.topic_with_queue(unique("voice"))
    v1.create_configuration_set(ConfigurationSetName="calls")
    v1.create_configuration_set_event_destination(
        ConfigurationSetName="calls",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": [
                "INITIATED_CALL",
                "RINGING",
                "ANSWERED",
                "COMPLETED_CALL",
                "BUSY",
                "FAILED",
                "NO_ANSWER",
            ],
            "SnsDestination": {"TopicArn": topic},
        },
    )
    message_id = v1.send_voice_message(
        DestinationPhoneNumber=SUCCESS_DESTINATION,
        OriginationPhoneNumber="+12065550100",
        ConfigurationSetName="calls",
        Content={"PlainTextMessage": {"Text": "Hello", "LanguageCode": "en-US", "VoiceId": "Joanna"}},
    )["MessageId"]

    wait_until(lambda: deliveries(delivering_server.endpoint, message_id=message_id), timeout=30)
    wait_for_status(delivering_server.endpoint, [message_id], "DELIVERED")
    expected = len(deliveries(delivering_server.endpoint, message_id=message_id))
    bodies = aws.drain(queue, expected=expected)
    assert len(set(bodies)) == expected
    assert all(message_id in body for body in bodies)
