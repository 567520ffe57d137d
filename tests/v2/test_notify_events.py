"""Notify sends publish their event records to the configuration set's destinations: an SNS topic on
moto's server, read back from an SQS queue subscribed to it."""

from __future__ import annotations

import json
from typing import Any

from smsvoice.testing.process import ServerProcess
from tests.delivery.conftest import aws, delivering_server, moto_endpoint  # noqa: F401 (fixtures)
from tests.delivery.support import Aws, deliveries, unique, wait_for_status
from tests.support.clients import client, new_account

US_SUCCESS = "+14254147755"


def test_text_and_voice_records_reach_the_topic(delivering_server: ServerProcess, aws: Aws) -> None:  # noqa: F811
    v2 = client("pinpoint-sms-voice-v2", delivering_server.endpoint, new_account())
    topic, queue = aws.topic_with_queue(unique("notify"))
    v2.create_configuration_set(ConfigurationSetName="otp")
    v2.create_event_destination(
        ConfigurationSetName="otp",
        EventDestinationName="to-sns",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": topic},
    )
    config_id = v2.create_notify_configuration(
        DisplayName="AcmeCorp",
        UseCase="CODE_VERIFICATION",
        EnabledChannels=["SMS", "VOICE"],
        DefaultTemplateId="notify-code-verification-english-001",
    )["NotifyConfigurationId"]
    common: dict[str, Any] = {
        "NotifyConfigurationId": config_id,
        "DestinationPhoneNumber": US_SUCCESS,
        "TemplateVariables": {"code": "246810"},
        "ConfigurationSetName": "otp",
        "Context": {"flow": "login"},
    }
    text_id = v2.send_notify_text_message(**common)["MessageId"]
    voice_id = v2.send_notify_voice_message(**common)["MessageId"]

    wait_for_status(delivering_server.endpoint, [text_id, voice_id], "DELIVERED")
    expected = len(deliveries(delivering_server.endpoint, message_id=text_id)) + len(
        deliveries(delivering_server.endpoint, message_id=voice_id)
    )
    records = [json.loads(body) for body in aws.drain(queue, expected=expected)]
    by_message: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_message.setdefault(record["messageId"], []).append(record)
    assert set(by_message) == {text_id, voice_id}
    text_records, voice_records = by_message[text_id], by_message[voice_id]
    assert all(record["eventType"].startswith("TEXT_") for record in text_records)
    assert all(record["eventType"].startswith("VOICE_") for record in voice_records)
    assert any(record["isFinal"] for record in text_records)
    assert any(record["isFinal"] for record in voice_records)
    for record in text_records + voice_records:
        assert record["destinationPhoneNumber"] == US_SUCCESS
        assert record["originationPhoneNumber"] == "+12065550100"
        assert record["context"] == {"flow": "login"}
    finals = {record["eventType"] for record in text_records + voice_records if record["isFinal"]}
    assert finals & {"TEXT_DELIVERED", "TEXT_SUCCESSFUL"}
    assert "VOICE_COMPLETED" in finals
