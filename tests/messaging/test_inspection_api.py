"""The inspection API for messages (filters, one message, clearing) and PutMessageFeedback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import US_DESTINATION, Inspector, phone_number
from tests.support.clients import client, new_account
from tests.support.errors import error_of


def test_filters(v2: Any, v1: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    inspector.add_rules({"destination": "+12065550155", "outcome": "BLOCKED"}, account=account)
    text = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="a"
    )["MessageId"]
    blocked = v2.send_text_message(
        DestinationPhoneNumber="+12065550155", OriginationIdentity=origin, MessageBody="b"
    )["MessageId"]
    voice = v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="c"
    )["MessageId"]
    call = v1.send_voice_message(
        DestinationPhoneNumber="+12065550100", Content={"PlainTextMessage": {"Text": "d"}}
    )["MessageId"]

    def ids(**filters: str) -> list[str]:
        return [message["message_id"] for message in inspector.messages(account=account, **filters)]

    assert ids() == [text, blocked, voice, call]  # in the order they were accepted
    assert ids(destination=US_DESTINATION) == [text, voice]
    assert ids(destination="12065550155") == [blocked]
    assert ids(status="BLOCKED") == [blocked]
    assert ids(status="TEXT_BLOCKED") == [blocked]
    assert ids(status="TEXT_DELIVERED") == [text]  # a US route: accepted, then delivered
    assert ids(status="VOICE_COMPLETED") == [voice]
    assert ids(channel="VOICE") == [voice, call]
    assert ids(api="v1") == [call]
    assert ids(region="eu-west-1") == []
    assert ids(limit="2") == [text, blocked]
    assert ids(limit="2", offset="2") == [voice, call]
    assert httpx.get(f"{inspector.base}/messages", params={"limit": "x"}, timeout=10).status_code == 400


def test_regions_are_apart(endpoint: str, account: str, inspector: Inspector) -> None:
    ireland = client("pinpoint-sms-voice-v2", endpoint, account, region="eu-west-1")
    origin = phone_number(ireland)
    message_id = ireland.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi"
    )["MessageId"]
    assert [m["message_id"] for m in inspector.messages(account=account, region="eu-west-1")] == [message_id]
    assert inspector.messages(account=account, region="us-east-1") == []


def test_one_message_and_clearing(v2: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi"
    )["MessageId"]
    other_account = new_account()
    other = client("pinpoint-sms-voice-v2", inspector.base.rsplit("/_smsvoice", 1)[0], other_account)
    other.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(other), MessageBody="hi"
    )
    assert inspector.message(message_id)["price"] == {
        "message_price": 0.00581,
        "carrier_fee": 0.0025,
        "total": 0.00831,
        "currency": "USD",
    }
    cleared = httpx.delete(f"{inspector.base}/messages", params={"account": account}, timeout=10)
    assert cleared.json() == {"deleted": 1}
    assert httpx.get(f"{inspector.base}/messages/{message_id}", timeout=10).status_code == 404
    assert inspector.messages(account=account) == []
    assert len(inspector.messages(account=other_account)) == 1
    # Clearing an account also clears its month-to-date spend.
    v2.set_text_message_spend_limit_override(MonthlyLimit=1)
    body = "a" * 1530
    for _ in range(12):
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body
        )
    with pytest.raises(ClientError) as over_limit:
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body
        )
    assert error_of(over_limit)["Code"] == "ServiceQuotaExceededException"
    assert error_of(over_limit)["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"
    httpx.delete(f"{inspector.base}/messages", params={"account": account}, timeout=10)
    v2.send_text_message(DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body)


def test_put_message_feedback(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    tracked = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="hi",
        MessageFeedbackEnabled=True,
    )["MessageId"]
    answer = v2.put_message_feedback(MessageId=tracked, MessageFeedbackStatus="FAILED")
    assert (answer["MessageId"], answer["MessageFeedbackStatus"]) == (tracked, "FAILED")
    assert inspector.message(tracked)["feedback"]["status"] == "FAILED"
    v2.put_message_feedback(MessageId=tracked, MessageFeedbackStatus="RECEIVED")
    assert inspector.message(tracked)["feedback"]["status"] == "RECEIVED"

    untracked = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi"
    )["MessageId"]
    with pytest.raises(ClientError) as info:
        v2.put_message_feedback(MessageId=untracked, MessageFeedbackStatus="RECEIVED")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_REQUEST"}


def test_put_message_feedback_unknown_or_foreign_message(v2: Any, endpoint: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.put_message_feedback(
            MessageId="00000000-0000-0000-0000-000000000000", MessageFeedbackStatus="RECEIVED"
        )
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "message",
        "ResourceId": "00000000-0000-0000-0000-000000000000",
    }
    other = client("pinpoint-sms-voice-v2", endpoint, new_account())
    foreign = other.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(other),
        MessageBody="hi",
        MessageFeedbackEnabled=True,
    )["MessageId"]
    with pytest.raises(ClientError) as info:
        v2.put_message_feedback(MessageId=foreign, MessageFeedbackStatus="RECEIVED")
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_bad_advance_body(inspector: Inspector) -> None:
    url = f"{inspector.base}/messages/x/advance"
    assert httpx.post(url, content=b"{", timeout=10).status_code == 400
    assert httpx.post(url, json={"status": 3}, timeout=10).status_code == 400
    assert httpx.post(url, json={"to_end": "yes"}, timeout=10).status_code == 400
    assert (
        httpx.post(f"{inspector.base}/simulator/clock", json={"advance_seconds": -1}, timeout=10).status_code
        == 400
    )
