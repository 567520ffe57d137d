"""The declared state machines and the rules' decisions, checked directly (no server needed)."""

from __future__ import annotations

import botocore.session
import pytest

from smsvoice.domain.machines import (
    ACCEPTED,
    MACHINES,
    MEDIA,
    TEXT,
    V1_VOICE,
    VOICE,
    Machine,
    UnreachableStatus,
)
from smsvoice.domain.message import Message
from smsvoice.messaging.descriptions import description
from smsvoice.messaging.records import build_record
from smsvoice.messaging.rules import RuleError, RuleSet, parse_rules


def _model_event_types(service: str) -> set[str]:
    model = botocore.session.get_session().get_service_model(service)
    return set(model.shape_for("EventType").enum)


@pytest.mark.parametrize("machine", list(MACHINES.values()), ids=list(MACHINES))
def test_every_status_is_reachable_an_aws_event_type_and_described(machine: Machine) -> None:
    service = "pinpoint-sms-voice" if machine is V1_VOICE else "pinpoint-sms-voice-v2"
    known = _model_event_types(service)
    for status in machine.statuses:
        assert machine.event_type(status) in known
        if machine.channel != "VOICE":  # voice records carry no messageStatusDescription
            assert description(machine.channel, status)
        machine.route(ACCEPTED, status)  # raises when unreachable
    for final in machine.finals:
        assert machine.transitions.get(final, ()) == ()


def test_model_event_types_of_the_three_channels_are_all_covered() -> None:
    emitted = {m.event_type(s) for m in (TEXT, MEDIA, VOICE) for s in m.statuses}
    channel_types = {
        t
        for t in _model_event_types("pinpoint-sms-voice-v2")
        if t.split("_")[0] in {"TEXT", "MEDIA", "VOICE"}
    }
    assert channel_types - emitted == {"TEXT_ALL", "MEDIA_ALL", "VOICE_ALL", "TEXT_SENT"}
    assert {V1_VOICE.event_type(s) for s in V1_VOICE.statuses} == _model_event_types("pinpoint-sms-voice")


def test_routes_and_names() -> None:
    assert VOICE.route(ACCEPTED, "NO_ANSWER") == ["INITIATED", "RINGING", "NO_ANSWER"]
    assert VOICE.route("RINGING", "COMPLETED") == ["ANSWERED", "COMPLETED"]
    with pytest.raises(UnreachableStatus):
        VOICE.route("RINGING", "BUSY")
    assert TEXT.resolve("text_delivered") == "DELIVERED"
    assert TEXT.resolve("BUSY") is None
    assert V1_VOICE.resolve("COMPLETED") == "COMPLETED_CALL"
    assert V1_VOICE.resolve("TTL_EXPIRED") is None
    assert MEDIA.resolve("FAILURE") == "UNREACHABLE"


def test_record_leaves_out_what_is_unknown() -> None:
    message = Message(
        message_id="m",
        account="1",
        region="r",
        api="v2",
        operation="SendVoiceMessage",
        channel="VOICE",
        destination="+12065550100",
        requested_at=1.5,
    )
    record = build_record(message, "INITIATED", 2.0)
    assert record["eventTimestamp"] == 2000 and record["messageRequestTimestamp"] == 1500
    for absent in (
        "originationPhoneNumber",
        "mcc",
        "mnc",
        "carrierName",
        "context",
        "messageEncoding",
        "totalMessageParts",
        "messageStatusDescription",
        "totalMessagePrice",
    ):
        assert absent not in record


def test_rule_documents() -> None:
    rules = RuleSet(
        tuple(parse_rules([{"prefix": "1206", "outcome": "busy"}, {"destination": "+12065550100"}]))
    )
    decision = rules.decide(VOICE, "111122223333", "+12065550199")
    assert (decision.outcome, decision.source) == ("BUSY", rules.rules[0].id)
    # The exact rule has no outcome: it sets timing only, and the default success applies.
    assert rules.decide(VOICE, "111122223333", "+12065550100").outcome == "COMPLETED"
    assert rules.decide(TEXT, "111122223333", "+12065550199").outcome == "SUCCESSFUL"
    with pytest.raises(RuleError):
        parse_rules({"rules": [], "extra": 1})
    with pytest.raises(RuleError):
        parse_rules([{"id": "a"}, {"id": "a"}])
