"""EventBridge: `--eventbridge on` publishes every message status change to the default event bus with
PutEvents; a rule on that bus with an SQS target (moto) receives AWS's envelope. Off, the events are
still made and shown by /_smsvoice/eventbridge, unpublished."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from smsvoice.messaging.eventbridge import REGISTRATION_STATUS_CHANGE
from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, deliveries, unique
from tests.support.clients import client, new_account
from tests.support.waiting import wait_until

DESTINATION = "+12065550142"
ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]


def _rule_with_queue(aws: Aws) -> str:
    """A rule on moto's default bus taking every aws.sms-voice event to a new SQS queue."""
    name = unique("sms-voice")
    queue = aws.queue(name)
    sqs = aws.client("sqs")
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = aws.client("events")
    events.put_rule(Name=name, EventPattern=json.dumps({"source": ["aws.sms-voice"]}), State="ENABLED")
    events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return queue


def _send_text(endpoint: str, account: str, **extra: Any) -> str:
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumber"]
    return str(
        v2.send_text_message(
            DestinationPhoneNumber=DESTINATION, OriginationIdentity=number, MessageBody="hello", **extra
        )["MessageId"]
    )


def _listed(endpoint: str, **query: str) -> dict[str, Any]:
    answer = httpx.get(f"{endpoint}/_smsvoice/eventbridge", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    listed: dict[str, Any] = answer.json()
    return listed


def test_status_changes_arrive_on_a_rule_target_in_aws_envelope(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering("--eventbridge", "on")
    queue = _rule_with_queue(aws)
    account = new_account()
    message_id = _send_text(server.endpoint, account, Context={"order": "7"})

    bodies = [json.loads(body) for body in aws.drain(queue, expected=2)]

    mine = sorted(
        (body for body in bodies if body["detail"]["messageId"] == message_id),
        key=lambda body: body["detail"]["eventTimestamp"],
    )
    assert [body["detail"]["eventType"] for body in mine] == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    assert [body["detail"]["isFinal"] for body in mine] == [False, True]
    for body in mine:
        # moto builds the delivered envelope itself (AWS's fields less `version` and `account`);
        # the envelope smsvoice made is checked whole below.
        assert set(ENVELOPE) - {"version", "account"} <= set(body)
        assert body["source"] == "aws.sms-voice"
        assert body["detail-type"] == "Text Message Delivery Status Updated"
        assert body["region"] == "us-east-1"
        assert body["resources"] == []
        assert body["detail"]["context"] == {"order": "7"}
        assert "destinationPhoneNumber" not in body["detail"]  # as in every AWS EventBridge example

    listed = _listed(server.endpoint, subject=message_id)
    assert listed["publishing"] is True
    assert [item["event"]["detail"]["eventType"] for item in listed["events"]] == [
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    ]
    for item in listed["events"]:
        assert list(item["event"]) == ENVELOPE
        assert (item["event"]["version"], item["event"]["account"]) == ("0", account)
    wait_until(
        lambda: all(
            item["delivery"]["status"] == "DELIVERED"
            for item in _listed(server.endpoint, subject=message_id)["events"]
        ),
        timeout=20,
    )
    kinds = [row["destination"]["kind"] for row in deliveries(server.endpoint, message_id=message_id)]
    assert kinds == ["EVENTBRIDGE", "EVENTBRIDGE"]


def test_voice_and_media_have_their_own_detail_types(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering("--eventbridge", "on")
    queue = _rule_with_queue(aws)
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, new_account())
    number = v2.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS", "MMS", "VOICE"],
        NumberType="TOLL_FREE",
    )["PhoneNumber"]
    call = v2.send_voice_message(
        DestinationPhoneNumber=DESTINATION, OriginationIdentity=number, MessageBody="hello"
    )["MessageId"]
    media = v2.send_media_message(
        DestinationPhoneNumber=DESTINATION, OriginationIdentity=number, MessageBody="picture"
    )["MessageId"]

    # A call: INITIATED, RINGING, ANSWERED, COMPLETED; a media message: SUCCESSFUL.
    bodies = [json.loads(body) for body in aws.drain(queue, expected=5)]

    types = {(body["detail"]["messageId"], body["detail-type"]) for body in bodies}
    assert (call, "Voice Message Delivery Status Updated") in types
    assert (media, "Media Message Delivery Status Updated") in types


def test_off_the_events_are_made_but_not_published(delivering_server: ServerProcess) -> None:
    message_id = _send_text(delivering_server.endpoint, new_account())

    listed = _listed(delivering_server.endpoint, subject=message_id)

    assert listed["publishing"] is False
    assert [item["published"] for item in listed["events"]] == [False, False]
    assert [item["event"]["detail-type"] for item in listed["events"]] == [
        "Text Message Delivery Status Updated"
    ] * 2
    assert deliveries(delivering_server.endpoint, message_id=message_id) == []


def test_a_bad_listing_query_is_refused(delivering_server: ServerProcess) -> None:
    answer = httpx.get(
        f"{delivering_server.endpoint}/_smsvoice/eventbridge", params={"limit": "x"}, timeout=10
    )
    assert answer.status_code == 400
    assert "limit" in answer.json()["error"]


def test_registration_status_changes_arrive_on_a_rule_target(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    """Registrations write their status events through the same entry point (enqueue_eventbridge_event):
    created and deleted through boto3, both changes reach a rule's target and the inspection API."""
    server = delivering("--eventbridge", "on")
    queue = _rule_with_queue(aws)
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    created = v2.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")
    registration_id, arn = created["RegistrationId"], created["RegistrationArn"]
    v2.delete_registration(RegistrationId=registration_id)

    bodies = [json.loads(body) for body in aws.drain(queue, expected=2)]
    mine = [body for body in bodies if body["resources"] == [arn]]
    assert [body["detail"]["registrationDetails"]["currentStatus"] for body in mine] == ["CREATED", "DELETED"]
    for body in mine:
        assert body["detail-type"] == REGISTRATION_STATUS_CHANGE
        assert body["source"] == "aws.sms-voice"
        assert body["detail"]["registrationArn"] == arn
        assert body["detail"]["registrationDetails"]["registrationId"] == registration_id
        assert body["detail"]["registrationDetails"]["registrationType"] == "US_TEN_DLC_BRAND_REGISTRATION"
        assert isinstance(body["detail"]["registrationDetails"]["registrationStatusChangeTimestamp"], int)
    listed = httpx.get(f"{server.endpoint}/_smsvoice/registrations/{registration_id}/events", timeout=10)
    assert listed.status_code == 200, listed.text
    assert [event["id"] for event in listed.json()["Events"]] == [
        event["event"]["id"] for event in _listed(server.endpoint, subject=registration_id)["events"]
    ]
    wait_until(
        lambda: (
            {
                event["delivery"]["status"]
                for event in _listed(server.endpoint, subject=registration_id)["events"]
            }
            == {"DELIVERED"}
        ),
        timeout=20,
    )
