"""SendTextMessage through boto3: every parameter, encodings and parts, prices and every refusal."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import (
    US_DESTINATION,
    US_SIMULATOR_SUCCESS,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)
from tests.support.errors import error_of


def test_send_stores_message_and_aws_shaped_record(v2: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    before = time.time()
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="Your order shipped",
        Context={"order": "42", "team": "shop"},
    )["MessageId"]
    assert uuid.UUID(message_id)
    message = inspector.message(message_id)
    assert (message["account"], message["region"], message["api"], message["channel"]) == (
        account,
        "us-east-1",
        "v2",
        "TEXT",
    )
    # A US toll-free route returns handset receipts: accepted by the carrier, then delivered.
    assert (message["status"], message["is_final"], message["body"]) == (
        "DELIVERED",
        True,
        "Your order shipped",
    )
    assert message["origination"] == origin
    assert message["origination_identity"]["number_type"] == "TOLL_FREE"
    record, delivered = inspector.records(message_id)
    assert (
        list(record)
        == list(delivered)
        == [
            "eventType",
            "eventVersion",
            "eventTimestamp",
            "isFinal",
            "originationPhoneNumber",
            "destinationPhoneNumber",
            "isoCountryCode",
            "isInternationalSend",
            "messageId",
            "messageRequestTimestamp",
            "messageEncoding",
            "messageType",
            "messageStatus",
            "messageStatusDescription",
            "context",
            "totalMessageParts",
            "totalMessagePrice",
            "totalCarrierFee",
        ]
    )
    assert record["eventType"] == "TEXT_SUCCESSFUL"
    assert record["eventVersion"] == "1.0"
    assert record["isFinal"] is False
    assert record["messageStatus"] == "SUCCESSFUL"
    assert record["messageStatusDescription"] == "Message has been accepted by phone carrier"
    assert (delivered["eventType"], delivered["isFinal"]) == ("TEXT_DELIVERED", True)
    assert delivered["messageStatusDescription"] == "Message has been accepted by phone"
    assert (record["originationPhoneNumber"], record["destinationPhoneNumber"]) == (origin, US_DESTINATION)
    # No carrier is known for the number, so neither mcc nor mnc is given (they come together).
    assert (record["isoCountryCode"], record["isInternationalSend"]) == ("US", False)
    assert record["messageId"] == message_id
    assert isinstance(record["eventTimestamp"], int) and isinstance(record["messageRequestTimestamp"], int)
    assert before * 1000 - 5_000 <= record["messageRequestTimestamp"] < record["eventTimestamp"]
    assert record["eventTimestamp"] < delivered["eventTimestamp"]
    assert (record["messageEncoding"], record["messageType"], record["totalMessageParts"]) == (
        "GSM",
        "TRANSACTIONAL",
        1,
    )
    assert record["context"] == {"order": "42", "team": "shop"}
    # Estimated US rates (domain/pricing.py): 0.00581 per part plus a 0.0025 toll-free carrier fee.
    assert (record["totalMessagePrice"], record["totalCarrierFee"]) == (0.00581, 0.0025)


@pytest.mark.parametrize(
    ("body", "encoding", "parts"),
    [
        ("a" * 160, "GSM", 1),
        ("a" * 161, "GSM", 2),
        ("€" * 80, "GSM", 1),  # extension characters count two
        ("€" * 81, "GSM", 2),
        ("a" * 1530, "GSM", 10),
        ("你" * 70, "UNICODE", 1),
        ("你" * 71, "UNICODE", 2),
        ("a" * 129 + "\u2019", "UNICODE", 2),  # the user guide's curly-quote example
        ("😀" * 35, "UNICODE", 1),  # surrogate pairs count two
        ("😀" * 36, "UNICODE", 2),
        ("你" * 630, "UNICODE", 10),
    ],
)
def test_encoding_parts_and_price(
    v2: Any, inspector: Inspector, body: str, encoding: str, parts: int
) -> None:
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody=body
    )["MessageId"]
    message = inspector.message(message_id)
    assert (message["encoding"], message["parts"]) == (encoding, parts)
    record, _ = inspector.records(message_id)  # accepted, then delivered
    assert (record["messageEncoding"], record["totalMessageParts"]) == (encoding, parts)
    assert record["totalMessagePrice"] == round(0.00581 * parts, 5)
    assert record["totalCarrierFee"] == round(0.0025 * parts, 5)


@pytest.mark.parametrize("body", ["a" * 1531, "你" * 631, "€" * 766])
def test_too_long_for_sms_is_refused(v2: Any, account: str, inspector: Inspector, body: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody=body
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "MAXIMUM_SIZE_EXCEEDED"}
    assert inspector.messages(account=account) == []


def test_body_is_required(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_text_message(DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2))
    assert error_of(info)["Reason"] == "MISSING_PARAMETER"
    assert info.value.response["Fields"][0]["Name"] == "MessageBody"


def test_message_type_request_then_set_default_then_transactional(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    configuration_set(v2, "promo")
    v2.set_default_message_type(ConfigurationSetName="promo", MessageType="PROMOTIONAL")
    sends = {
        "set default": {"ConfigurationSetName": "promo"},
        "request": {"ConfigurationSetName": "promo", "MessageType": "TRANSACTIONAL"},
        "none": {},
    }
    types = {}
    for name, extra in sends.items():
        message_id = v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi", **extra
        )["MessageId"]
        types[name] = inspector.records(message_id)[0]["messageType"]
    assert types == {"set default": "PROMOTIONAL", "request": "TRANSACTIONAL", "none": "TRANSACTIONAL"}


def test_other_parameters_are_kept(v2: Any, inspector: Inspector) -> None:
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION.lstrip("+"),
        OriginationIdentity=phone_number(v2),
        MessageBody="hi",
        Keyword="HELP",
        TimeToLive=600,
        DestinationCountryParameters={"IN_ENTITY_ID": "e1", "IN_TEMPLATE_ID": "t1"},
        MessageFeedbackEnabled=True,
    )["MessageId"]
    message = inspector.message(message_id)
    assert message["destination"] == US_DESTINATION
    assert message["time_to_live"] == 600
    assert message["details"]["keyword"] == "HELP"
    assert message["details"]["destination_country_parameters"] == {
        "IN_ENTITY_ID": "e1",
        "IN_TEMPLATE_ID": "t1",
    }
    assert message["feedback"] == {"enabled": True, "status": "PENDING", "updated_at": None}


def test_configuration_set_by_arn(v2: Any, inspector: Inspector) -> None:
    configuration_set(v2, "by-arn", sns_destination("all", "ALL"))
    arn = v2.describe_configuration_sets(ConfigurationSetNames=["by-arn"])["ConfigurationSets"][0][
        "ConfigurationSetArn"
    ]
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MessageBody="hi",
        ConfigurationSetName=arn,
    )["MessageId"]
    message = inspector.message(message_id)
    assert message["configuration_set"] == "by-arn"
    assert [d["destination_name"] for d in message["events"][0]["deliveries"]] == ["all"]


def test_number_that_is_not_valid_gets_text_invalid(v2: Any, inspector: Inspector) -> None:
    message_id = v2.send_text_message(
        DestinationPhoneNumber="+15555555555", OriginationIdentity=phone_number(v2), MessageBody="hi"
    )["MessageId"]
    assert inspector.event_types(message_id) == ["TEXT_INVALID"]
    assert inspector.records(message_id)[0]["isFinal"] is True


def test_unparseable_number_is_refused(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_text_message(
            DestinationPhoneNumber="+999123456", OriginationIdentity=phone_number(v2), MessageBody="hi"
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}


def _refused(v2: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        v2.send_text_message(**{"DestinationPhoneNumber": US_DESTINATION, "MessageBody": "hi", **params})
    return error_of(info)


def test_unknown_configuration_set(v2: Any, account: str, inspector: Inspector) -> None:
    assert _refused(v2, OriginationIdentity=phone_number(v2), ConfigurationSetName="ghost") == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": "ghost",
    }
    assert inspector.messages(account=account) == []


def test_unknown_protect_configuration(v2: Any) -> None:
    found = _refused(
        v2,
        OriginationIdentity=phone_number(v2),
        ProtectConfigurationId="protect-0123456789abcdef0123456789abcdef",
    )
    assert (found["Code"], found["ResourceType"]) == ("ResourceNotFoundException", "protect-configuration")


def test_no_origination_identity(v2: Any) -> None:
    found = _refused(v2)
    assert (found["Code"], found["Reason"]) == ("ConflictException", "NO_ORIGINATION_IDENTITIES_FOUND")


def test_opted_out_destination_is_refused_and_nothing_published(
    v2: Any, account: str, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    configuration_set(v2, "watched", sns_destination("all", "ALL"))
    v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=US_DESTINATION)
    for dry_run in (False, True):
        found = _refused(v2, OriginationIdentity=origin, ConfigurationSetName="watched", DryRun=dry_run)
        assert found == {
            "Code": "ConflictException",
            "Status": 400,
            "Reason": "DESTINATION_PHONE_NUMBER_OPTED_OUT",
            "ResourceType": "opted-out-number",
            "ResourceId": US_DESTINATION,
        }
    assert inspector.messages(account=account) == []


def test_a_number_on_another_opt_out_list_answers_to_that_list_only(
    v2: Any, account: str, inspector: Inspector
) -> None:
    # On PostgreSQL a send reads the Default list's entry ahead, as a guess (services/v2/sending.py):
    # a number on another list must be judged by its own list, whatever the Default one says.
    v2.create_opt_out_list(OptOutListName="shop")
    origin = phone_number(v2, OptOutListName="shop")
    v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=US_DESTINATION)
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi"
    )["MessageId"]
    assert [m["message_id"] for m in inspector.messages(account=account)] == [message_id]

    v2.put_opted_out_number(OptOutListName="shop", OptedOutNumber=US_DESTINATION)
    found = _refused(v2, OriginationIdentity=origin)
    assert (found["Code"], found["Reason"], found["ResourceId"]) == (
        "ConflictException",
        "DESTINATION_PHONE_NUMBER_OPTED_OUT",
        US_DESTINATION,
    )
    assert len(inspector.messages(account=account)) == 1


def test_sandbox_refuses_unverified_destination_but_not_simulator(
    v2: Any, account: str, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    inspector.set_tier(account, "SANDBOX")
    found = _refused(v2, OriginationIdentity=origin)
    assert (found["Code"], found["Reason"], found["ResourceType"]) == (
        "ConflictException",
        "DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
        "verified-destination-number",
    )
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_SIMULATOR_SUCCESS, OriginationIdentity=origin, MessageBody="hi"
    )["MessageId"]
    assert [m["message_id"] for m in inspector.messages(account=account)] == [message_id]


def test_max_price(v2: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    found = _refused(v2, OriginationIdentity=origin, MaxPrice="0.00830")  # the message costs 0.00831
    assert (found["Code"], found["Reason"]) == ("ValidationException", "PRICE_OVER_THRESHOLD")
    assert inspector.messages(account=account) == []
    v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="hi",
        MaxPrice="0.00831",
    )
    assert len(inspector.messages(account=account)) == 1


def test_spend_limit_counts_the_month_and_refuses_past_it(
    v2: Any, account: str, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    v2.set_text_message_spend_limit_override(MonthlyLimit=1)
    body = "a" * 1530  # ten parts: 0.0831 USD each
    for _ in range(11):  # 0.9141 USD
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body
        )
    # DryRun is not charged: five of them leave room for one more real message.
    for _ in range(5):
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body, DryRun=True
        )
    v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=body
    )  # 0.9972
    found = _refused(v2, OriginationIdentity=origin)  # 0.9972 + 0.00831 > 1
    assert found == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT",
    }
    assert len(inspector.messages(account=account)) == 12
    # Each channel has its own limit.
    v2.send_voice_message(DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="hi")


def test_spend_limit_of_zero_refuses_everything(v2: Any, account: str, inspector: Inspector) -> None:
    v2.set_text_message_spend_limit_override(MonthlyLimit=0)
    found = _refused(v2, OriginationIdentity=phone_number(v2))
    assert found["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"
    assert inspector.messages(account=account) == []


def test_dry_run_validates_answers_an_id_and_stores_nothing(
    v2: Any, account: str, inspector: Inspector
) -> None:
    configuration_set(v2, "dry", sns_destination("all", "ALL"))
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=phone_number(v2),
        MessageBody="hi",
        ConfigurationSetName="dry",
        DryRun=True,
    )["MessageId"]
    assert uuid.UUID(message_id)
    assert inspector.messages(account=account) == []
    assert httpx_status(inspector, message_id) == 404
    assert (
        _refused(v2, OriginationIdentity="+12065550000", DryRun=True)["Code"] == "ResourceNotFoundException"
    )


def httpx_status(inspector: Inspector, message_id: str) -> int:
    return httpx.get(f"{inspector.base}/messages/{message_id}", timeout=10).status_code
