"""What smsvoice's event records must keep matching: AWS's published examples (copied here as facts,
with their sources, since the project cannot read anything outside itself), AWS's failure wording,
the handset-receipt sequence, timestamps, and the 72-hour UNKNOWN."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.messaging.support import US_DESTINATION, Inspector, phone_number
from tests.support.clients import client

# https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
# (same text: https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-features-messaging-events.html)
DOCUMENTED_SMS_RECORD: dict[str, Any] = {
    "eventType": "TEXT_SUCCESSFUL",
    "eventVersion": "1.0",
    "eventTimestamp": 1686975103470,
    "isFinal": True,
    "originationPhoneNumber": "+12065550152",
    "destinationPhoneNumber": "+14255550156",
    "isInternationalSend": False,
    "mcc": "310",
    "mnc": "800",
    "messageId": "862a8790-60c0-4430-9b2b-658bdexample",
    "messageRequestTimestamp": 1686975103170,
    "messageEncoding": "GSM",
    "messageType": "PROMOTIONAL",
    "messageStatus": "SUCCESSFUL",
    "messageStatusDescription": "Message has been accepted by phone carrier",
    "context": {"account": "bar"},
    "totalMessageParts": 1,
    "totalMessagePrice": 0.09582,
    "totalCarrierFee": 0.0,
}
# Fields the same page and AWS's EventBridge examples show as optional, with an example value each
# (https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html).
OPTIONAL_SMS_FIELDS: dict[str, Any] = {
    "isoCountryCode": "US",
    "carrierName": "T-mobile USA Inc.",
    "protectConfiguration": {"protectConfigurationId": "protect-e06e", "protectStatus": "ALLOW"},
}
# The only published voice record (EventBridge `detail`), monitor-event-bridge.html.
DOCUMENTED_VOICE_RECORD: dict[str, Any] = {
    "eventType": "VOICE_INITIATED",
    "eventVersion": "1.0",
    "eventTimestamp": 1729099130226,
    "isFinal": False,
    "originationPhoneNumber": "+18445550123",
    "isoCountryCode": "US",
    "messageId": "1d2295bd-ac9b-4517-821f-7c6d95d789a1",
    "messageRequestTimestamp": 1729099129845,
    "messageStatus": "INITIATED",
}
# AWS's words (records above, and records captured from the service) and the SNS delivery-failure
# reasons (https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html), one per status.
DESCRIPTIONS = {
    "SUCCESSFUL": "Message has been accepted by phone carrier",
    "DELIVERED": "Message has been accepted by phone",
    "TTL_EXPIRED": "The delivery TTL has expired",
    "INVALID": "Invalid phone number",
    "INVALID_MESSAGE": "Message body is invalid",
    "UNREACHABLE": "Phone is currently unreachable/unavailable",
    "CARRIER_UNREACHABLE": "Phone carrier is currently unreachable/unavailable",
    "BLOCKED": "Phone has blocked SMS",
    "CARRIER_BLOCKED": "Phone carrier has blocked this message",
    "SPAM": "Blocked as spam by phone carrier",
    "UNKNOWN": "Unknown error attempting to reach phone",
    "PROTECT_BLOCKED": "Destination is on a blocked list",
}


def _same_form(ours: Any, documented: Any) -> bool:
    """Same JSON type (an int where AWS has an int, a number where AWS has a number)."""
    if isinstance(documented, bool):
        return isinstance(ours, bool)
    if isinstance(documented, int):
        return isinstance(ours, int) and not isinstance(ours, bool)
    if isinstance(documented, float):
        return isinstance(ours, int | float) and not isinstance(ours, bool)
    return type(ours) is type(documented)


def _send(v2: Any, **extra: Any) -> str:
    params: dict[str, Any] = {
        "DestinationPhoneNumber": US_DESTINATION,
        "OriginationIdentity": phone_number(v2),
        "MessageBody": "Your order shipped",
        **extra,
    }
    return str(v2.send_text_message(**params)["MessageId"])


def test_text_records_have_the_documented_fields_types_and_forms(v2: Any, inspector: Inspector) -> None:
    message_id = _send(v2, Context={"account": "bar"}, MessageType="PROMOTIONAL")

    for record in inspector.records(message_id):
        extra = set(record) - set(DOCUMENTED_SMS_RECORD)
        assert extra <= set(OPTIONAL_SMS_FIELDS), extra
        missing = set(DOCUMENTED_SMS_RECORD) - set(record) - {"mcc", "mnc"}  # "optional"
        assert not missing, missing
        assert ("mcc" in record) == ("mnc" in record)  # together or not at all
        for name, value in record.items():
            documented = DOCUMENTED_SMS_RECORD.get(name, OPTIONAL_SMS_FIELDS.get(name))
            assert _same_form(value, documented), (name, value)
        assert record["eventType"] == "TEXT_" + record["messageStatus"]
        assert record["messageStatusDescription"] == DESCRIPTIONS[record["messageStatus"]]
        assert record["eventVersion"] == "1.0"
        assert record["context"] == {"account": "bar"}


def test_voice_records_have_the_published_fields_and_no_more(v2: Any, inspector: Inspector) -> None:
    message_id = v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody="hi"
    )["MessageId"]

    records = inspector.records(message_id)
    assert [r["eventType"] for r in records] == [
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
    ]
    for record in records:
        # destinationPhoneNumber: destination records carry it (EventBridge examples leave it out).
        assert set(record) == set(DOCUMENTED_VOICE_RECORD) | {"destinationPhoneNumber"}
        for name, documented in DOCUMENTED_VOICE_RECORD.items():
            assert _same_form(record[name], documented), name
    assert [r["isFinal"] for r in records] == [False, False, False, True]


def test_v1_voice_records_keep_to_the_synthetic_2018_fields(v1: Any, inspector: Inspector) -> None:
    message_id = v1.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationPhoneNumber="+12065550199",
        Content={"PlainTextMessage": {"Text": "hi", "VoiceId": "Joanna", "LanguageCode": "en-US"}},
    )["MessageId"]

    for record in inspector.records(message_id):
        assert set(record) == {
            "eventType",
            "eventVersion",
            "eventTimestamp",
            "isFinal",
            "originationPhoneNumber",
            "destinationPhoneNumber",
            "messageId",
            "messageStatus",
        }
        assert record["eventType"] == record["messageStatus"]


def test_a_us_text_is_accepted_then_delivered_and_each_record_is_later(v2: Any, inspector: Inspector) -> None:
    message_id = _send(v2)

    message = inspector.message(message_id)
    records = [event["record"] for event in message["events"]]
    assert [(r["eventType"], r["isFinal"]) for r in records] == [
        ("TEXT_SUCCESSFUL", False),
        ("TEXT_DELIVERED", True),
    ]
    assert message["status"] == "DELIVERED" and message["is_final"] is True
    requested = records[0]["messageRequestTimestamp"]
    assert requested == round(message["requested_at"] * 1000)
    assert all(r["messageRequestTimestamp"] == requested for r in records)
    assert requested < records[0]["eventTimestamp"] < records[1]["eventTimestamp"]


def test_rules_ask_for_either_path(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules(
        {"destination": "+12065550143", "outcome": "SUCCESSFUL"},
        {"destination": "+12065550144", "outcome": "DELIVERED", "path": ["SUCCESSFUL"]},
        {"destination": "+447700900123", "outcome": "DELIVERED", "path": ["SUCCESSFUL"]},
        account=account,
    )
    final_successful = _send(v2, DestinationPhoneNumber="+12065550143")
    two_step = _send(v2, DestinationPhoneNumber="+12065550144")

    assert [(r["eventType"], r["isFinal"]) for r in inspector.records(final_successful)] == [
        ("TEXT_SUCCESSFUL", True)
    ]
    assert [(r["eventType"], r["isFinal"]) for r in inspector.records(two_step)] == [
        ("TEXT_SUCCESSFUL", False),
        ("TEXT_DELIVERED", True),
    ]


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (
            {"outcome": "DELIVERED", "path": ["SUCCESSFUL"], "handset_receipt": False},
            "SUCCESSFUL is final",
        ),
        ({"outcome": "QUEUED", "path": ["PENDING"], "channels": ["TEXT"]}, "QUEUED cannot follow PENDING"),
        ({"outcome": "BUSY", "path": ["ANSWERED"]}, "BUSY cannot follow ANSWERED"),
    ],
)
def test_a_rule_whose_path_the_machine_cannot_take_is_refused(
    inspector: Inspector, account: str, rule: dict[str, Any], why: str
) -> None:
    answer = httpx.post(
        f"{inspector.base}/simulator/rules", json=rule, params={"account": account}, timeout=10
    )

    assert answer.status_code == 400
    assert why in answer.json()["error"]
    assert all(stored.get("account") != account for stored in inspector.rules())  # nothing stored


@pytest.mark.parametrize("status", sorted(set(DESCRIPTIONS) - {"SUCCESSFUL", "DELIVERED", "TTL_EXPIRED"}))
def test_each_failure_has_aws_wording(v2: Any, account: str, inspector: Inspector, status: str) -> None:
    destination = "+12065550177"
    inspector.add_rules({"destination": destination, "outcome": f"TEXT_{status}"}, account=account)

    (record,) = inspector.records(_send(v2, DestinationPhoneNumber=destination))

    assert (record["messageStatus"], record["isFinal"]) == (status, True)
    assert record["messageStatusDescription"] == DESCRIPTIONS[status]


def test_a_message_without_a_final_status_ends_unknown_after_72_hours(
    time_server: Any, account: str, timed: Inspector
) -> None:
    v2 = client("pinpoint-sms-voice-v2", time_server.endpoint, account)
    # The carrier accepts; the handset's receipt never comes.
    timed.add_rules(
        {"destination": US_DESTINATION, "outcome": "SUCCESSFUL", "handset_receipt": True}, account=account
    )
    message_id = _send(v2)
    assert [(r["eventType"], r["isFinal"]) for r in timed.records(message_id)] == [("TEXT_SUCCESSFUL", False)]

    timed.advance_clock(72 * 3600 - 60)
    assert timed.event_types(message_id) == ["TEXT_SUCCESSFUL"]
    timed.advance_clock(60)

    last = timed.records(message_id)[-1]
    assert (last["eventType"], last["isFinal"]) == ("TEXT_UNKNOWN", True)
    assert last["messageStatusDescription"] == "Unknown error attempting to reach phone"
    assert last["eventTimestamp"] - last["messageRequestTimestamp"] == 72 * 3600 * 1000
