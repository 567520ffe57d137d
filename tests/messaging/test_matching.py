"""Which event destinations receive which records: exact types, ALL and the channel aggregates."""

from __future__ import annotations

from typing import Any

from tests.messaging.support import (
    LOG_GROUP,
    ROLE,
    STREAM,
    TOPIC,
    US_DESTINATION,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)


def _deliveries(inspector: Inspector, message_id: str) -> dict[str, list[str]]:
    """Event type -> names of the destinations its record went to."""
    return {
        event["event_type"]: sorted(d["destination_name"] for d in event["deliveries"])
        for event in inspector.message(message_id)["events"]
    }


def test_each_matching_rule(v2: Any, inspector: Inspector) -> None:
    configuration_set(
        v2,
        "matching",
        sns_destination("all", "ALL"),
        sns_destination("text-all", "TEXT_ALL"),
        sns_destination("voice-all", "VOICE_ALL"),
        sns_destination("media-all", "MEDIA_ALL"),
        sns_destination("exact", "VOICE_COMPLETED", "TEXT_SUCCESSFUL"),
    )
    origin = phone_number(v2)
    common = {
        "DestinationPhoneNumber": US_DESTINATION,
        "OriginationIdentity": origin,
        "ConfigurationSetName": "matching",
    }
    text = v2.send_text_message(MessageBody="hi", **common)["MessageId"]
    voice = v2.send_voice_message(MessageBody="hi", **common)["MessageId"]
    media = v2.send_media_message(MediaUrls=["s3://bkt/a.png"], **common)["MessageId"]
    assert _deliveries(inspector, text) == {
        "TEXT_SUCCESSFUL": ["all", "exact", "text-all"],
        "TEXT_DELIVERED": ["all", "text-all"],
    }
    assert _deliveries(inspector, voice) == {
        "VOICE_INITIATED": ["all", "voice-all"],
        "VOICE_RINGING": ["all", "voice-all"],
        "VOICE_ANSWERED": ["all", "voice-all"],
        "VOICE_COMPLETED": ["all", "exact", "voice-all"],
    }
    assert _deliveries(inspector, media) == {"MEDIA_SUCCESSFUL": ["all", "media-all"]}


def test_disabled_destination_receives_nothing(v2: Any, inspector: Inspector) -> None:
    configuration_set(v2, "quiet", sns_destination("off", "ALL"), sns_destination("on", "TEXT_ALL"))
    v2.update_event_destination(ConfigurationSetName="quiet", EventDestinationName="off", Enabled=False)
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MessageBody="hi",
        ConfigurationSetName="quiet",
    )["MessageId"]
    assert _deliveries(inspector, message_id) == {"TEXT_SUCCESSFUL": ["on"], "TEXT_DELIVERED": ["on"]}


def test_no_configuration_set_publishes_nothing(v2: Any, inspector: Inspector) -> None:
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody="hi"
    )["MessageId"]
    message = inspector.message(message_id)
    assert len(message["events"]) == 2  # accepted, then delivered
    assert all(event["deliveries"] == [] for event in message["events"])


def test_outbox_rows_carry_each_sink(v2: Any, account: str, inspector: Inspector) -> None:
    configuration_set(
        v2,
        "sinks",
        sns_destination("sns", "ALL"),
        {
            "EventDestinationName": "logs",
            "MatchingEventTypes": ["ALL"],
            "CloudWatchLogsDestination": {"IamRoleArn": ROLE, "LogGroupArn": LOG_GROUP},
        },
        {
            "EventDestinationName": "firehose",
            "MatchingEventTypes": ["ALL"],
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        },
    )
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MessageBody="hi",
        ConfigurationSetName="sinks",
    )["MessageId"]
    event, _ = inspector.message(message_id)["events"]
    sinks = {
        d["destination_name"]: (d["destination_kind"], d["target_arn"], d["configuration_set"])
        for d in event["deliveries"]
    }
    assert sinks == {
        "sns": ("SNS", TOPIC, "sinks"),
        "logs": ("CLOUDWATCH_LOGS", LOG_GROUP, "sinks"),
        "firehose": ("FIREHOSE", STREAM, "sinks"),
    }
    assert {d["status"] for d in event["deliveries"]} <= {"PENDING", "DELIVERED", "DEAD"}
