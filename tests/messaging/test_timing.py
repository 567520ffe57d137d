"""Delays, TimeToLive, matching at the time of the event and feedback expiry, on a server whose clock the
tests move forward (POST /_smsvoice/simulator/clock) instead of sleeping."""

from __future__ import annotations

from typing import Any

from tests.messaging.support import (
    US_DESTINATION,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)


def _offsets(records: list[dict[str, Any]]) -> list[float]:
    """Seconds from the request to each record."""
    return [round((r["eventTimestamp"] - r["messageRequestTimestamp"]) / 1000) for r in records]


def test_delays_hold_each_record_until_its_time(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules({"destination": US_DESTINATION, "delay_seconds": 30, "step_seconds": 10}, account=account)
    message_id = timed_v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(timed_v2), MessageBody="hi"
    )["MessageId"]
    message = timed.message(message_id)
    assert (message["status"], message["events"]) == ("ACCEPTED", [])
    first_due = message["simulation"]["pending"][0]["due_at"]
    assert round(first_due - message["requested_at"]) == 30
    timed.advance_clock(29)
    assert timed.event_types(message_id) == []
    timed.advance_clock(1)
    assert timed.event_types(message_id) == ["VOICE_INITIATED"]
    timed.advance_clock(25)
    assert timed.event_types(message_id) == ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_ANSWERED"]
    timed.advance_clock(5)
    records = timed.records(message_id)
    assert [r["eventType"] for r in records][-1] == "VOICE_COMPLETED"
    assert _offsets(records) == [30, 40, 50, 60]


def test_time_to_live_expires_a_message_held_too_long(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules({"prefix": "+1206555", "delay_seconds": 120}, account=account)
    origin = phone_number(timed_v2)
    expiring = timed_v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi", TimeToLive=60
    )["MessageId"]
    lasting = timed_v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi", TimeToLive=600
    )["MessageId"]
    timed.advance_clock(59)
    assert timed.event_types(expiring) == []
    timed.advance_clock(1)
    (record,) = timed.records(expiring)
    assert (record["eventType"], record["messageStatus"], record["isFinal"]) == (
        "TEXT_TTL_EXPIRED",
        "TTL_EXPIRED",
        True,
    )
    assert record["messageStatusDescription"] == "The delivery TTL has expired"
    assert _offsets([record]) == [60]
    assert timed.event_types(lasting) == []
    timed.advance_clock(60)
    assert timed.event_types(lasting) == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]


def test_voice_time_to_live(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules({"destination": US_DESTINATION, "delay_seconds": 100}, account=account)
    message_id = timed_v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(timed_v2),
        MessageBody="hi",
        TimeToLive=30,
    )["MessageId"]
    timed.advance_clock(30)
    assert timed.event_types(message_id) == ["VOICE_TTL_EXPIRED"]


def test_destinations_are_read_when_the_event_happens(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules({"destination": US_DESTINATION, "delay_seconds": 10, "step_seconds": 10}, account=account)
    configuration_set(timed_v2, "changing", sns_destination("early", "ALL"))
    message_id = timed_v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(timed_v2),
        MessageBody="hi",
        ConfigurationSetName="changing",
    )["MessageId"]
    timed.advance_clock(10)  # INITIATED goes to "early"
    timed_v2.update_event_destination(
        ConfigurationSetName="changing", EventDestinationName="early", Enabled=False
    )
    timed_v2.create_event_destination(**sns_destination("late", "VOICE_ALL"), ConfigurationSetName="changing")
    timed.advance_clock(20)  # RINGING and ANSWERED go to "late" only
    timed_v2.delete_configuration_set(ConfigurationSetName="changing")
    timed.advance_clock(10)  # COMPLETED: the set is gone, nothing is published
    message = timed.message(message_id)
    assert [
        (e["event_type"], [d["destination_name"] for d in e["deliveries"]]) for e in message["events"]
    ] == [
        ("VOICE_INITIATED", ["early"]),
        ("VOICE_RINGING", ["late"]),
        ("VOICE_ANSWERED", ["late"]),
        ("VOICE_COMPLETED", []),
    ]


def test_manual_advance_skips_a_delay(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules(
        {"destination": US_DESTINATION, "delay_seconds": 3000, "step_seconds": 100}, account=account
    )
    message_id = timed_v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(timed_v2), MessageBody="hi"
    )["MessageId"]
    assert timed.advance(message_id).json()["status"] == "INITIATED"
    pending = timed.message(message_id)["simulation"]["pending"]
    assert [step["status"] for step in pending] == ["RINGING", "ANSWERED", "COMPLETED"]
    timed.advance_clock(100)
    assert timed.message(message_id)["status"] == "RINGING"


def test_message_feedback_fails_after_an_hour_unless_received(timed_v2: Any, timed: Inspector) -> None:
    origin = phone_number(timed_v2)
    configuration_set(timed_v2, "feedback")
    timed_v2.set_default_message_feedback_enabled(
        ConfigurationSetName="feedback", MessageFeedbackEnabled=True
    )
    waiting = timed_v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="hi",
        ConfigurationSetName="feedback",
    )["MessageId"]
    received = timed_v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="hi",
        ConfigurationSetName="feedback",
    )["MessageId"]
    assert timed_v2.put_message_feedback(MessageId=received, MessageFeedbackStatus="RECEIVED")[
        "MessageFeedbackStatus"
    ] == ("RECEIVED")
    assert timed.message(waiting)["feedback"]["status"] == "PENDING"
    timed.advance_clock(3600)
    assert timed.message(waiting)["feedback"]["status"] == "FAILED"
    assert timed.message(received)["feedback"]["status"] == "RECEIVED"
