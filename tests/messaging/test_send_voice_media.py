"""v2 SendVoiceMessage and SendMediaMessage, and v1 SendVoiceMessage: parameters, lifecycle, records."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import (
    TOPIC,
    US_DESTINATION,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)
from tests.support.errors import error_of


def test_voice_call_lifecycle_and_records(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    message_id = v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="Your appointment is tomorrow at nine",
        Context={"visit": "7"},
    )["MessageId"]
    message = inspector.message(message_id)
    assert (message["channel"], message["status"], message["is_final"]) == ("VOICE", "COMPLETED", True)
    assert message["details"]["voice_id"] == "MATTHEW"
    assert message["details"]["text_type"] == "TEXT"
    records = inspector.records(message_id)
    assert [r["eventType"] for r in records] == [
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
    ]
    assert [r["messageStatus"] for r in records] == ["INITIATED", "RINGING", "ANSWERED", "COMPLETED"]
    assert [r["isFinal"] for r in records] == [False, False, False, True]
    for record in records:
        # AWS's published voice record: no encoding, parts, type, description or prices.
        for absent in (
            "messageEncoding",
            "totalMessageParts",
            "messageType",
            "messageStatusDescription",
            "totalMessagePrice",
            "totalCarrierFee",
        ):
            assert absent not in record
        assert (record["originationPhoneNumber"], record["destinationPhoneNumber"]) == (
            origin,
            US_DESTINATION,
        )
        assert record["context"] == {"visit": "7"}
    # A short call is one billable minute at the estimated US rate of 0.013 USD (the inspection API
    # shows it; the records do not).
    assert message["price"]["message_price"] == 0.013


def test_voice_parameters(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    ssml = "<speak>Hello <break strength='weak'/> there</speak>"
    message_id = v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody=ssml,
        MessageBodyTextType="SSML",
        VoiceId="JOANNA",
        TimeToLive=60,
        MaxPricePerMinute="0.02",
    )["MessageId"]
    message = inspector.message(message_id)
    assert message["body"] == ssml
    assert (message["details"]["voice_id"], message["details"]["text_type"], message["time_to_live"]) == (
        "JOANNA",
        "SSML",
        60,
    )


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"MessageBody": "x" * 3001}, "MAXIMUM_SIZE_EXCEEDED"),
        ({"MessageBody": "x" * 6001, "MessageBodyTextType": "SSML"}, "FIELD_VALIDATION_FAILED"),
        ({}, "MISSING_PARAMETER"),
        ({"MessageBody": "hi", "MaxPricePerMinute": "0.01"}, "PRICE_OVER_THRESHOLD"),
    ],
    ids=["text-too-long", "over-model-max", "no-body", "price-per-minute"],
)
def test_voice_refusals(
    v2: Any, account: str, inspector: Inspector, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_voice_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), **params
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": reason}
    assert inspector.messages(account=account) == []


def test_voice_needs_a_voice_capable_identity(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_voice_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=phone_number(v2, capabilities=("SMS",)),
            MessageBody="hi",
        )
    assert error_of(info)["Reason"] == "VOICE_CAPABILITY_NOT_AVAILABLE"


def test_media_message_is_one_part_with_media(v2: Any, inspector: Inspector) -> None:
    body = "Look at this " + "你" * 100
    message_id = v2.send_media_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MessageBody=body,
        MediaUrls=["s3://my-bucket/photos/cat.jpg"],
        MaxPrice="0.05",
    )["MessageId"]
    message = inspector.message(message_id)
    assert message["details"]["media_urls"] == ["s3://my-bucket/photos/cat.jpg"]
    (record,) = inspector.records(message_id)
    assert record["eventType"] == "MEDIA_SUCCESSFUL"
    assert (record["messageEncoding"], record["totalMessageParts"]) == ("UNICODE", 1)
    # Estimated US MMS: 0.02 USD plus a 0.005 toll-free carrier fee, per message.
    assert (record["totalMessagePrice"], record["totalCarrierFee"]) == (0.02, 0.005)


def test_media_without_body(v2: Any, inspector: Inspector) -> None:
    message_id = v2.send_media_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MediaUrls=["s3://bkt/k.pdf"],
    )["MessageId"]
    assert inspector.message(message_id)["body"] is None


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"MediaUrls": ["s3://my-bucket/clip.exe"]}, "MEDIA_TYPE_NOT_SUPPORTED"),
        ({}, "MISSING_PARAMETER"),
        ({"MediaUrls": ["https://example.com/a.png"]}, "FIELD_VALIDATION_FAILED"),
        ({"MediaUrls": ["s3://bkt/a.png"], "MaxPrice": "0.01"}, "PRICE_OVER_THRESHOLD"),
    ],
    ids=["type", "nothing-to-send", "not-s3", "price"],
)
def test_media_refusals(
    v2: Any, account: str, inspector: Inspector, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_media_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), **params
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": reason}
    assert inspector.messages(account=account) == []


def test_media_spend_limit(v2: Any) -> None:
    v2.set_media_message_spend_limit_override(MonthlyLimit=0)
    with pytest.raises(ClientError) as info:
        v2.send_media_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=phone_number(v2),
            MediaUrls=["s3://bkt/a.png"],
        )
    assert error_of(info)["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_MEDIA"


def test_voice_spend_limit(v2: Any) -> None:
    v2.set_voice_message_spend_limit_override(MonthlyLimit=0)
    with pytest.raises(ClientError) as info:
        v2.send_voice_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody="hi"
        )
    assert error_of(info)["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_VOICE"


V1_CONTENT = {
    "PlainTextMessage": {"Text": "Your code is 1 2 3", "VoiceId": "Joanna", "LanguageCode": "en-US"}
}


def _v1_set(v1: Any, name: str, *types: str, enabled: bool = True) -> None:
    v1.create_configuration_set(ConfigurationSetName=name)
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="calls",
        EventDestination={
            "Enabled": enabled,
            "MatchingEventTypes": list(types),
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )


def test_v1_call_lifecycle_uses_v1_names_in_the_v2_envelope(
    v1: Any, account: str, inspector: Inspector
) -> None:
    _v1_set(v1, "v1-calls", "INITIATED_CALL", "COMPLETED_CALL")
    message_id = v1.send_voice_message(
        DestinationPhoneNumber="+12065550100",
        OriginationPhoneNumber="+12065550199",
        CallerId="+12065550198",
        ConfigurationSetName="v1-calls",
        Content=V1_CONTENT,
    )["MessageId"]
    message = inspector.message(message_id)
    assert (message["api"], message["channel"], message["status"]) == ("v1", "VOICE", "COMPLETED_CALL")
    assert message["details"]["voice_id"] == "Joanna"
    records = [event["record"] for event in message["events"]]
    assert [r["eventType"] for r in records] == ["INITIATED_CALL", "RINGING", "ANSWERED", "COMPLETED_CALL"]
    assert [r["messageStatus"] for r in records] == [
        "INITIATED_CALL",
        "RINGING",
        "ANSWERED",
        "COMPLETED_CALL",
    ]
    assert records[-1]["isFinal"] is True
    assert {r["eventVersion"] for r in records} == {"1.0"}
    assert {r["originationPhoneNumber"] for r in records} == {"+12065550199"}
    # v1 destinations match the exact v1 event types only.
    delivered = [event["event_type"] for event in message["events"] if event["deliveries"]]
    assert delivered == ["INITIATED_CALL", "COMPLETED_CALL"]
    assert (
        inspector.messages(account=account, api="v1", status="COMPLETED_CALL")[0]["message_id"] == message_id
    )


def test_v1_disabled_destination_receives_nothing(v1: Any, inspector: Inspector) -> None:
    _v1_set(v1, "v1-off", "INITIATED_CALL", "RINGING", "ANSWERED", "COMPLETED_CALL", enabled=False)
    message_id = v1.send_voice_message(
        DestinationPhoneNumber="+12065550100", ConfigurationSetName="v1-off", Content=V1_CONTENT
    )["MessageId"]
    message = inspector.message(message_id)
    assert len(message["events"]) == 4
    assert all(event["deliveries"] == [] for event in message["events"])
    # Without OriginationPhoneNumber or CallerId the records name no origination number.
    assert "originationPhoneNumber" not in message["events"][0]["record"]


def test_v1_caller_id_is_the_origination_when_alone(v1: Any, inspector: Inspector) -> None:
    message_id = v1.send_voice_message(
        DestinationPhoneNumber="+12065550100", CallerId="+12065550198", Content=V1_CONTENT
    )["MessageId"]
    assert inspector.records(message_id)[0]["originationPhoneNumber"] == "+12065550198"


def test_v2_set_does_not_serve_v1_sends(v1: Any, v2: Any) -> None:
    configuration_set(v2, "only-v2", sns_destination("all", "ALL"))
    with pytest.raises(ClientError) as info:
        v1.send_voice_message(
            DestinationPhoneNumber="+12065550100", ConfigurationSetName="only-v2", Content=V1_CONTENT
        )
    assert info.value.response["Error"]["Code"] == "BadRequestException"
