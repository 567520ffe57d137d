"""Verified destination numbers: create, describe, delete, tags, and the verification code flow."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import (
    US_SIMULATOR_SUCCESS,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)
from tests.support.errors import error_of

NUMBER = "+12065550188"


def _code(inspector: Inspector, message_id: str) -> str:
    body = inspector.message(message_id)["body"]
    found = re.search(r"\d{6}", body.replace(" ", ""))
    assert found is not None, body
    return found.group(0)


def test_create_describe_and_tags(v2: Any, account: str) -> None:
    created = v2.create_verified_destination_number(
        DestinationPhoneNumber=NUMBER, Tags=[{"Key": "env", "Value": "ci"}]
    )
    key = created["VerifiedDestinationNumberId"]
    assert re.fullmatch(r"verified-destination-number-[0-9a-f]{32}", key)
    assert (
        created["VerifiedDestinationNumberArn"]
        == f"arn:aws:sms-voice:us-east-1:{account}:verified-destination-number/{key}"
    )
    assert (created["DestinationPhoneNumber"], created["Status"]) == (NUMBER, "PENDING")
    assert isinstance(created["CreatedTimestamp"], datetime)
    assert v2.list_tags_for_resource(ResourceArn=created["VerifiedDestinationNumberArn"])["Tags"] == [
        {"Key": "env", "Value": "ci"}
    ]
    other = v2.create_verified_destination_number(DestinationPhoneNumber="12065550189")
    assert other["DestinationPhoneNumber"] == "+12065550189"
    listed = v2.describe_verified_destination_numbers()["VerifiedDestinationNumbers"]
    assert [item["VerifiedDestinationNumberId"] for item in listed] == [
        key,
        other["VerifiedDestinationNumberId"],
    ]
    assert "VerificationCode" not in listed[0]
    by_id = v2.describe_verified_destination_numbers(
        VerifiedDestinationNumberIds=[created["VerifiedDestinationNumberArn"]]
    )
    assert [item["DestinationPhoneNumber"] for item in by_id["VerifiedDestinationNumbers"]] == [NUMBER]
    by_number = v2.describe_verified_destination_numbers(DestinationPhoneNumbers=["+12065550189"])
    assert [item["VerifiedDestinationNumberId"] for item in by_number["VerifiedDestinationNumbers"]] == [
        other["VerifiedDestinationNumberId"]
    ]
    filtered = v2.describe_verified_destination_numbers(Filters=[{"Name": "status", "Values": ["VERIFIED"]}])
    assert filtered["VerifiedDestinationNumbers"] == []
    page = v2.describe_verified_destination_numbers(MaxResults=1)
    assert len(page["VerifiedDestinationNumbers"]) == 1 and page["NextToken"]
    rest = v2.describe_verified_destination_numbers(MaxResults=1, NextToken=page["NextToken"])
    assert [item["VerifiedDestinationNumberId"] for item in rest["VerifiedDestinationNumbers"]] == [
        other["VerifiedDestinationNumberId"]
    ]
    with pytest.raises(ClientError) as info:
        v2.describe_verified_destination_numbers(
            VerifiedDestinationNumberIds=["verified-destination-number-nope"]
        )
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_refusals_on_create(v2: Any) -> None:
    v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)
    with pytest.raises(ClientError) as info:
        v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)
    assert error_of(info)["Reason"] == "RESOURCE_ALREADY_EXISTS"
    for index in range(9):
        v2.create_verified_destination_number(DestinationPhoneNumber=f"+1206555020{index}")
    with pytest.raises(ClientError) as info:
        v2.create_verified_destination_number(DestinationPhoneNumber="+12065550299")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT",
    }


def test_verification_flow_lets_a_sandbox_account_send(v2: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    inspector.set_tier(account, "SANDBOX")
    created = v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)
    key = created["VerifiedDestinationNumberId"]
    configuration_set(v2, "codes", sns_destination("all", "ALL"))
    message_id = v2.send_destination_number_verification_code(
        VerifiedDestinationNumberId=key,
        VerificationChannel="TEXT",
        ConfigurationSetName="codes",
        Context={"k": "v"},
    )["MessageId"]
    message = inspector.message(message_id)
    assert (message["destination"], message["channel"], message["operation"]) == (
        NUMBER,
        "TEXT",
        "SendDestinationNumberVerificationCode",
    )
    assert re.fullmatch(r"Your verification code is \d{6}", message["body"])
    assert message["events"][0]["record"]["context"] == {"k": "v"}
    assert message["events"][0]["deliveries"][0]["destination_name"] == "all"
    with pytest.raises(ClientError) as info:
        v2.send_text_message(DestinationPhoneNumber=NUMBER, OriginationIdentity=origin, MessageBody="hi")
    assert error_of(info)["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"
    code = _code(inspector, message_id)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ClientError) as info:
        v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=wrong)
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "VERIFICATION_CODE_MISMATCH",
    }
    verified = v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=code)
    assert (verified["Status"], verified["VerifiedDestinationNumberId"]) == ("VERIFIED", key)
    v2.send_text_message(DestinationPhoneNumber=NUMBER, OriginationIdentity=origin, MessageBody="hi")
    calls: tuple[Callable[[], object], ...] = (
        lambda: v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=code),
        lambda: v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        ),
    )
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info)["Reason"] == "VERIFICATION_ALREADY_COMPLETE"
    # A verified number can be deleted only 24 hours after it was added.
    with pytest.raises(ClientError) as info:
        v2.delete_verified_destination_number(VerifiedDestinationNumberId=key)
    assert error_of(info)["Reason"] == "RESOURCE_DELETION_NOT_ALLOWED"


def test_voice_code_in_another_language_from_an_identity(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    key = v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)["VerifiedDestinationNumberId"]
    message_id = v2.send_destination_number_verification_code(
        VerifiedDestinationNumberId=key,
        VerificationChannel="VOICE",
        LanguageCode="FR_FR",
        OriginationIdentity=origin,
    )["MessageId"]
    message = inspector.message(message_id)
    assert message["channel"] == "VOICE"
    assert message["body"].startswith("Votre code de vérification est ")
    assert message["origination"] == origin
    assert message["events"][-1]["event_type"] == "VOICE_COMPLETED"
    code = _code(inspector, message_id)
    assert (
        v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=code)["Status"]
        == "VERIFIED"
    )


def test_five_codes_a_day(v2: Any) -> None:
    key = v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)["VerifiedDestinationNumberId"]
    for _ in range(5):
        v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        )
    with pytest.raises(ClientError) as info:
        v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        )
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "VERIFICATION_ATTEMPTS_PER_DAY",
    }


def test_only_the_latest_code_counts_and_codes_need_sending(v2: Any, inspector: Inspector) -> None:
    key = v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)["VerifiedDestinationNumberId"]
    with pytest.raises(ClientError) as info:
        v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode="123456")
    assert error_of(info)["Reason"] == "VERIFICATION_CODE_EXPIRED"
    first = _code(
        inspector,
        v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        )["MessageId"],
    )
    second = _code(
        inspector,
        v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        )["MessageId"],
    )
    if first != second:
        with pytest.raises(ClientError) as info:
            v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=first)
        assert error_of(info)["Reason"] == "VERIFICATION_CODE_MISMATCH"
    assert (
        v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=second)["Status"]
        == "VERIFIED"
    )


def test_simulator_numbers_cannot_be_verified(v2: Any) -> None:
    created = v2.create_verified_destination_number(DestinationPhoneNumber=US_SIMULATOR_SUCCESS)
    assert created["Status"] == "UNSUPPORTED"
    with pytest.raises(ClientError) as info:
        v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=created["VerifiedDestinationNumberId"], VerificationChannel="TEXT"
        )
    assert error_of(info)["Reason"] == "INVALID_PARAMETER"


def test_delete_pending_number(v2: Any) -> None:
    created = v2.create_verified_destination_number(
        DestinationPhoneNumber=NUMBER, Tags=[{"Key": "a", "Value": "b"}]
    )
    deleted = v2.delete_verified_destination_number(
        VerifiedDestinationNumberId=created["VerifiedDestinationNumberArn"]
    )
    assert deleted["VerifiedDestinationNumberId"] == created["VerifiedDestinationNumberId"]
    assert deleted["DestinationPhoneNumber"] == NUMBER
    assert v2.describe_verified_destination_numbers()["VerifiedDestinationNumbers"] == []
    with pytest.raises(ClientError) as info:
        v2.delete_verified_destination_number(
            VerifiedDestinationNumberId=created["VerifiedDestinationNumberId"]
        )
    assert error_of(info)["ResourceType"] == "verified-destination-number"
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=created["VerifiedDestinationNumberArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_code_expires_and_verified_number_can_go_after_a_day(timed_v2: Any, timed: Inspector) -> None:
    key = timed_v2.create_verified_destination_number(DestinationPhoneNumber=NUMBER)[
        "VerifiedDestinationNumberId"
    ]
    message_id = timed_v2.send_destination_number_verification_code(
        VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
    )["MessageId"]
    code = _code(timed, message_id)
    timed.advance_clock(601)
    with pytest.raises(ClientError) as info:
        timed_v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=code)
    assert error_of(info)["Reason"] == "VERIFICATION_CODE_EXPIRED"
    code = _code(
        timed,
        timed_v2.send_destination_number_verification_code(
            VerifiedDestinationNumberId=key, VerificationChannel="TEXT"
        )["MessageId"],
    )
    timed_v2.verify_destination_number(VerifiedDestinationNumberId=key, VerificationCode=code)
    timed.advance_clock(24 * 3600)
    assert (
        timed_v2.delete_verified_destination_number(VerifiedDestinationNumberId=key)["DestinationPhoneNumber"]
        == NUMBER
    )
