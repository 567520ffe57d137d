"""The carrier simulator: AWS's simulator numbers, the rules table, manual mode and its API.

Rules here are scoped to the test's own account, so they never touch other tests' messages.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.messaging.support import (
    US_DESTINATION,
    US_SIMULATOR_FAILURE,
    US_SIMULATOR_SUCCESS,
    Inspector,
    phone_number,
)

V1_CONTENT = {"PlainTextMessage": {"Text": "Hello", "VoiceId": "Joanna", "LanguageCode": "en-US"}}


def _text(v2: Any, destination: str = US_DESTINATION, **params: Any) -> str:
    origin = params.pop("OriginationIdentity", None) or phone_number(v2)
    return str(
        v2.send_text_message(
            DestinationPhoneNumber=destination, OriginationIdentity=origin, MessageBody="hi", **params
        )["MessageId"]
    )


def _voice(v2: Any, destination: str = US_DESTINATION) -> str:
    return str(
        v2.send_voice_message(
            DestinationPhoneNumber=destination, OriginationIdentity=phone_number(v2), MessageBody="hi"
        )["MessageId"]
    )


def _media(v2: Any, destination: str = US_DESTINATION) -> str:
    return str(
        v2.send_media_message(
            DestinationPhoneNumber=destination,
            OriginationIdentity=phone_number(v2),
            MediaUrls=["s3://bkt/a.png"],
        )["MessageId"]
    )


def test_simulator_numbers_succeed_and_fail(v2: Any, inspector: Inspector) -> None:
    simulator = v2.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS", "MMS"],
        NumberType="SIMULATOR",
    )["PhoneNumber"]
    assert inspector.event_types(_text(v2, US_SIMULATOR_SUCCESS, OriginationIdentity=simulator)) == [
        "TEXT_SUCCESSFUL"
    ]
    assert inspector.event_types(_text(v2, US_SIMULATOR_FAILURE, OriginationIdentity=simulator)) == [
        "TEXT_UNREACHABLE"
    ]
    failed = inspector.message(_text(v2, US_SIMULATOR_FAILURE))
    assert failed["simulation"]["rule"] == "simulator-number"
    assert failed["events"][0]["record"]["messageStatusDescription"] == (
        "Phone is currently unreachable/unavailable"
    )
    assert inspector.event_types(_media(v2, US_SIMULATOR_FAILURE)) == ["MEDIA_UNREACHABLE"]
    assert inspector.event_types(_voice(v2, US_SIMULATOR_FAILURE)) == ["VOICE_INITIATED", "VOICE_FAILED"]


def test_any_other_number_succeeds(v2: Any, inspector: Inspector) -> None:
    # A US toll-free route returns handset receipts: the text is accepted, then delivered.
    message = inspector.message(_text(v2))
    assert (message["event_type"], message["simulation"]["rule"]) == ("TEXT_DELIVERED", "default")


TEXT_FINALS = [
    "TEXT_SUCCESSFUL",
    "TEXT_DELIVERED",
    "TEXT_INVALID",
    "TEXT_INVALID_MESSAGE",
    "TEXT_UNREACHABLE",
    "TEXT_CARRIER_UNREACHABLE",
    "TEXT_BLOCKED",
    "TEXT_CARRIER_BLOCKED",
    "TEXT_SPAM",
    "TEXT_UNKNOWN",
    "TEXT_TTL_EXPIRED",
    "TEXT_PROTECT_BLOCKED",
]
MEDIA_FINALS = [
    "MEDIA_SUCCESSFUL",
    "MEDIA_DELIVERED",
    "MEDIA_INVALID",
    "MEDIA_INVALID_MESSAGE",
    "MEDIA_UNREACHABLE",
    "MEDIA_CARRIER_UNREACHABLE",
    "MEDIA_BLOCKED",
    "MEDIA_CARRIER_BLOCKED",
    "MEDIA_SPAM",
    "MEDIA_UNKNOWN",
    "MEDIA_TTL_EXPIRED",
    "MEDIA_FILE_INACCESSIBLE",
    "MEDIA_FILE_TYPE_UNSUPPORTED",
    "MEDIA_FILE_SIZE_EXCEEDED",
]


@pytest.mark.parametrize("outcome", TEXT_FINALS + MEDIA_FINALS)
def test_every_text_and_media_outcome(v2: Any, account: str, inspector: Inspector, outcome: str) -> None:
    inspector.add_rules({"destination": US_DESTINATION, "outcome": outcome}, account=account)
    message_id = _media(v2) if outcome.startswith("MEDIA_") else _text(v2)
    records = inspector.records(message_id)
    # On a route with handset receipts, a delivered text is first accepted by the carrier.
    expected = ["TEXT_SUCCESSFUL", outcome] if outcome == "TEXT_DELIVERED" else [outcome]
    assert [r["eventType"] for r in records] == expected
    record = records[-1]
    assert record["messageStatus"] == outcome.split("_", 1)[1]
    assert record["isFinal"] is True
    assert record["messageStatusDescription"]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("COMPLETED", ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_ANSWERED", "VOICE_COMPLETED"]),
        ("BUSY", ["VOICE_INITIATED", "VOICE_BUSY"]),
        ("VOICE_NO_ANSWER", ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_NO_ANSWER"]),
        ("FAILURE", ["VOICE_INITIATED", "VOICE_FAILED"]),
        ("TTL_EXPIRED", ["VOICE_TTL_EXPIRED"]),
    ],
)
def test_voice_outcomes(
    v2: Any, account: str, inspector: Inspector, outcome: str, expected: list[str]
) -> None:
    inspector.add_rules({"destination": US_DESTINATION, "outcome": outcome}, account=account)
    message_id = _voice(v2)
    assert inspector.event_types(message_id) == expected
    records = inspector.records(message_id)
    assert [r["isFinal"] for r in records] == [False] * (len(expected) - 1) + [True]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("BUSY", ["INITIATED_CALL", "BUSY"]),
        ("NO_ANSWER", ["INITIATED_CALL", "RINGING", "NO_ANSWER"]),
        ("FAILED", ["INITIATED_CALL", "FAILED"]),
        ("COMPLETED", ["INITIATED_CALL", "RINGING", "ANSWERED", "COMPLETED_CALL"]),
    ],
)
def test_v1_voice_outcomes(
    v1: Any, account: str, inspector: Inspector, outcome: str, expected: list[str]
) -> None:
    inspector.add_rules({"destination": "+12065550100", "outcome": outcome}, account=account)
    message_id = v1.send_voice_message(DestinationPhoneNumber="+12065550100", Content=V1_CONTENT)["MessageId"]
    assert inspector.event_types(message_id) == expected


def test_rule_applies_only_to_channels_that_know_its_outcome(
    v2: Any, account: str, inspector: Inspector
) -> None:
    inspector.add_rules(
        {"prefix": "+1206", "outcome": "BUSY"}, {"prefix": "+1206555", "outcome": "SPAM"}, account=account
    )
    assert inspector.event_types(_text(v2)) == ["TEXT_SPAM"]
    assert inspector.event_types(_voice(v2)) == ["VOICE_INITIATED", "VOICE_BUSY"]


def test_channels_narrow_a_rule(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules(
        {"destination": US_DESTINATION, "outcome": "BLOCKED", "channels": ["MEDIA"]}, account=account
    )
    assert inspector.event_types(_text(v2)) == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    assert inspector.event_types(_media(v2)) == ["MEDIA_BLOCKED"]


def test_path_passes_through_intermediate_statuses(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules(
        {"destination": US_DESTINATION, "path": ["QUEUED", "PENDING"], "outcome": "DELIVERED"},
        account=account,
    )
    records = inspector.records(_text(v2))
    # The route returns handset receipts, so the carrier's acceptance comes before the receipt.
    assert [(r["eventType"], r["isFinal"]) for r in records] == [
        ("TEXT_QUEUED", False),
        ("TEXT_PENDING", False),
        ("TEXT_SUCCESSFUL", False),
        ("TEXT_DELIVERED", True),
    ]
    assert records[-1]["messageStatusDescription"] == "Message has been accepted by phone"


def test_precedence_exact_then_simulator_then_longest_prefix(
    v2: Any, account: str, inspector: Inspector
) -> None:
    inspector.add_rules(
        {"outcome": "UNKNOWN"},
        {"prefix": "+1", "outcome": "SPAM"},
        {"prefix": "+1425", "outcome": "BLOCKED"},
        {"destination": "+14255550111", "outcome": "DELIVERED"},
        account=account,
    )
    assert inspector.event_types(_text(v2, "+14255550111")) == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    assert inspector.event_types(_text(v2, US_SIMULATOR_FAILURE)) == ["TEXT_UNREACHABLE"]
    assert inspector.event_types(_text(v2, "+14255550112")) == ["TEXT_BLOCKED"]
    assert inspector.event_types(_text(v2, "+12065550113")) == ["TEXT_SPAM"]
    assert inspector.event_types(_text(v2, "+442071838750", OriginationIdentity=_international(v2))) == [
        "TEXT_UNKNOWN"
    ]


def _international(v2: Any) -> str:
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )
    v2.update_phone_number(PhoneNumberId=number["PhoneNumberId"], InternationalSendingEnabled=True)
    return str(number["PhoneNumber"])


def test_international_send_is_reported(v2: Any, inspector: Inspector) -> None:
    (record,) = inspector.records(_text(v2, "+447400123456", OriginationIdentity=_international(v2)))
    assert (record["isoCountryCode"], record["isInternationalSend"]) == ("GB", True)
    assert (record["mcc"], record["mnc"], record["carrierName"]) == ("234", "20", "Three")
    assert record["totalCarrierFee"] == 0.0  # only US routes carry carrier fees (estimates)
    assert record["totalMessagePrice"] == 0.0463


def test_account_rule_beats_global_rule_and_stays_in_its_account(
    v2: Any, account: str, endpoint: str, inspector: Inspector
) -> None:
    from tests.support.clients import client, new_account

    inspector.add_rules({"destination": "+12065550177", "outcome": "SPAM"}, account=account)
    other = client("pinpoint-sms-voice-v2", endpoint, new_account())
    assert inspector.event_types(_text(v2, "+12065550177")) == ["TEXT_SPAM"]
    assert inspector.event_types(_text(other, "+12065550177")) == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]


def test_manual_mode_waits_for_the_test(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules({"manual": True}, account=account)
    message_id = _voice(v2)
    message = inspector.message(message_id)
    assert (message["status"], message["events"], message["simulation"]["manual"]) == ("ACCEPTED", [], True)
    assert [step["event_type"] for step in message["simulation"]["pending"]] == [
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
    ]
    advanced = inspector.advance(message_id)
    assert advanced.status_code == 200
    assert advanced.json()["status"] == "INITIATED"
    # Straight to a status: the ones on the way are recorded too.
    assert inspector.advance(message_id, status="VOICE_NO_ANSWER").json()["status"] == "NO_ANSWER"
    assert inspector.event_types(message_id) == ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_NO_ANSWER"]
    final = inspector.advance(message_id)
    assert final.status_code == 409


def test_manual_advance_to_end_and_errors(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules(
        {"manual": True, "path": ["QUEUED"], "outcome": "DELIVERED"},  # an SMS outcome: SMS and MMS only
        {"manual": True, "channels": ["VOICE"]},
        account=account,
    )
    message_id = _text(v2)
    assert inspector.advance(message_id, status="BUSY").status_code == 400  # not an SMS status
    assert inspector.advance(message_id, status="TEXT_NOPE").status_code == 400
    assert inspector.advance(message_id, to_end=True).json()["status"] == "DELIVERED"
    assert inspector.event_types(message_id) == ["TEXT_QUEUED", "TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    assert inspector.advance("00000000-0000-0000-0000-000000000000").status_code == 404
    voice_id = _voice(v2)
    assert inspector.advance(voice_id, status="RINGING").status_code == 200
    unreachable = inspector.advance(voice_id, status="BUSY")  # a ringing line is no longer busy
    assert unreachable.status_code == 409
    assert "RINGING" in unreachable.json()["error"]


def test_manual_step_moves_to_a_status_off_the_plan(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules({"manual": True, "outcome": "BLOCKED"}, account=account)
    message_id = _text(v2)
    assert inspector.advance(message_id, status="QUEUED").json()["status"] == "QUEUED"
    # The rest of the plan still leads to the rule's outcome.
    assert inspector.advance(message_id).json()["status"] == "BLOCKED"


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"outcome": "EXPLODED"}, "EXPLODED"),
        ({"destination": "+1", "prefix": "+1"}, "not both"),
        ({"prefix": "44a"}, "prefix"),
        ({"account": "123"}, "12 digits"),
        ({"colour": "red"}, "unknown member"),
        ({"delay_seconds": -1}, "between"),
        ({"manual": "yes"}, "true or false"),
        ({"channels": ["FAX"]}, "FAX"),
        ({"outcome": "BUSY", "channels": ["TEXT"]}, "BUSY"),
        ({"path": ["RINGING"], "channels": ["TEXT"]}, "RINGING"),
    ],
)
def test_bad_rules_are_refused(inspector: Inspector, rule: dict[str, Any], problem: str) -> None:
    answer = httpx.post(f"{inspector.base}/simulator/rules", json=rule, timeout=10)
    assert answer.status_code == 400
    assert problem in answer.json()["error"]


def test_rules_api_round_trip(inspector: Inspector, account: str) -> None:
    added = inspector.add_rules(
        {"id": f"r-{account}", "prefix": "+44", "outcome": "DELIVERED"}, account=account
    )
    assert added == [
        {
            "id": f"r-{account}",
            "account": account,
            "prefix": "+44",
            "outcome": "DELIVERED",
            "channels": ["TEXT", "MEDIA", "VOICE"],
            "delay_seconds": 0.0,
            "step_seconds": 0.0,
            "manual": False,
        }
    ]
    assert added[0] in inspector.rules()
    duplicate = httpx.post(f"{inspector.base}/simulator/rules", json=added[0], timeout=10)
    assert duplicate.status_code == 400
    replaced = httpx.put(
        f"{inspector.base}/simulator/rules",
        params={"account": account},
        json={"rules": [{"outcome": "SPAM"}]},
        timeout=10,
    )
    assert replaced.status_code == 200
    mine = [rule for rule in replaced.json()["rules"] if rule.get("account") == account]
    assert [rule["outcome"] for rule in mine] == ["SPAM"]
    inspector.clear_rules(account=account)
    assert [rule for rule in inspector.rules() if rule.get("account") == account] == []
