"""v2 phone numbers through boto3: request, describe (ids, numbers, ARNs, filters, paging), update, release."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import phonenumbers
import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix, request_number


def test_request_answers_pending_number_with_defaults(v2: Any, account: str) -> None:
    answer = request_number(v2, NumberCapabilities=["SMS", "VOICE"], Tags=[{"Key": "team", "Value": "ops"}])
    assert re.fullmatch(r"phone-[0-9a-f]{32}", answer["PhoneNumberId"])
    assert answer["PhoneNumberArn"] == f"{arn_prefix(account)}phone-number/{answer['PhoneNumberId']}"
    assert answer["Status"] == "PENDING"
    assert answer["OptOutListName"] == "Default"
    assert answer["MonthlyLeasingPrice"] == "1.00"
    assert answer["NumberCapabilities"] == ["SMS", "VOICE"]
    assert (
        answer["TwoWayEnabled"],
        answer["SelfManagedOptOutsEnabled"],
        answer["DeletionProtectionEnabled"],
    ) == (
        False,
        False,
        False,
    )
    assert answer["Tags"] == [{"Key": "team", "Value": "ops"}]
    assert isinstance(answer["CreatedTimestamp"], datetime)
    parsed = phonenumbers.parse(answer["PhoneNumber"])
    assert phonenumbers.is_valid_number_for_region(parsed, "US")
    assert v2.list_tags_for_resource(ResourceArn=answer["PhoneNumberArn"])["Tags"] == answer["Tags"]


def test_requested_number_is_active_on_first_describe(v2: Any) -> None:
    answer = request_number(v2)
    described = v2.describe_phone_numbers(PhoneNumberIds=[answer["PhoneNumberId"]])["PhoneNumbers"]
    assert len(described) == 1
    assert described[0]["Status"] == "ACTIVE"
    assert described[0]["PhoneNumber"] == answer["PhoneNumber"]
    assert described[0]["CreatedTimestamp"] == answer["CreatedTimestamp"]


@pytest.mark.parametrize(
    ("country", "number_type", "kind"),
    [
        ("GB", "LONG_CODE", phonenumbers.PhoneNumberType.MOBILE),
        ("US", "TOLL_FREE", phonenumbers.PhoneNumberType.TOLL_FREE),
        ("US", "TEN_DLC", phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE),
    ],
)
def test_minted_numbers_fit_country_and_type(v2: Any, country: str, number_type: str, kind: int) -> None:
    answer = request_number(v2, IsoCountryCode=country, NumberType=number_type)
    parsed = phonenumbers.parse(answer["PhoneNumber"])
    assert phonenumbers.is_valid_number_for_region(parsed, country)
    assert phonenumbers.number_type(parsed) == kind
    assert answer["NumberType"] == number_type


def test_simulator_number_is_us_and_transactional_only(v2: Any) -> None:
    answer = request_number(v2, NumberType="SIMULATOR")
    assert answer["NumberType"] == "SIMULATOR"
    assert answer["PhoneNumber"].startswith("+1")
    with pytest.raises(ClientError) as info:
        request_number(v2, NumberType="SIMULATOR", IsoCountryCode="GB")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}
    assert info.value.response["Fields"][0]["Name"] == "IsoCountryCode"
    with pytest.raises(ClientError) as info:
        request_number(v2, NumberType="SIMULATOR", MessageType="PROMOTIONAL")
    assert error_of(info)["Reason"] == "INVALID_PARAMETER"
    assert info.value.response["Fields"][0]["Name"] == "MessageType"


def test_ten_dlc_outside_us_is_refused(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        request_number(v2, NumberType="TEN_DLC", IsoCountryCode="FR")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}


def test_model_constraints_are_validated(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        request_number(v2, NumberType="PLATINUM")
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "FIELD_VALIDATION_FAILED",
    }


def test_request_with_opt_out_list_by_name_or_arn(v2: Any) -> None:
    created = v2.create_opt_out_list(OptOutListName="shop")
    assert request_number(v2, OptOutListName="shop")["OptOutListName"] == "shop"
    assert request_number(v2, OptOutListName=created["OptOutListArn"])["OptOutListName"] == "shop"
    with pytest.raises(ClientError) as info:
        request_number(v2, OptOutListName="missing")
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "opt-out-list",
        "ResourceId": "missing",
    }


def test_request_into_pool_associates_and_inherits(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="pooled")
    first = request_number(v2, OptOutListName="pooled")
    pool = v2.create_pool(OriginationIdentity=first["PhoneNumberId"], MessageType="TRANSACTIONAL")
    second = request_number(v2, PoolId=pool["PoolId"])
    assert second["PoolId"] == pool["PoolId"]
    assert second["OptOutListName"] == "pooled"
    members = v2.list_pool_origination_identities(PoolId=pool["PoolId"])["OriginationIdentities"]
    assert {member["PhoneNumber"] for member in members} == {first["PhoneNumber"], second["PhoneNumber"]}
    with pytest.raises(ClientError) as info:
        request_number(v2, PoolId=pool["PoolId"], MessageType="PROMOTIONAL")
    assert error_of(info)["Reason"] == "MESSAGE_TYPE_MISMATCH"
    with pytest.raises(ClientError) as info:
        request_number(v2, PoolId="pool-00000000000000000000000000000000")
    assert error_of(info)["ResourceType"] == "pool"


def test_registration_id_is_stored(v2: Any) -> None:
    answer = request_number(
        v2, NumberType="TEN_DLC", RegistrationId="registration-0123456789abcdef0123456789abcdef"
    )
    assert answer["RegistrationId"] == "registration-0123456789abcdef0123456789abcdef"
    described = v2.describe_phone_numbers(PhoneNumberIds=[answer["PhoneNumberId"]])["PhoneNumbers"][0]
    assert described["RegistrationId"] == answer["RegistrationId"]


def test_client_token_replays_the_first_answer(v2: Any) -> None:
    first = request_number(v2, ClientToken="token-1")
    again = request_number(v2, ClientToken="token-1")
    assert again["PhoneNumberId"] == first["PhoneNumberId"]
    assert len(v2.describe_phone_numbers()["PhoneNumbers"]) == 1


def test_describe_by_id_arn_and_number(v2: Any) -> None:
    answer = request_number(v2)
    for value in (answer["PhoneNumberId"], answer["PhoneNumberArn"], answer["PhoneNumber"].lstrip("+")):
        found = v2.describe_phone_numbers(PhoneNumberIds=[value])["PhoneNumbers"]
        assert [number["PhoneNumberId"] for number in found] == [answer["PhoneNumberId"]]


def test_describe_unknown_id_is_not_found(v2: Any, account: str) -> None:
    for value in (
        "phone-00000000000000000000000000000000",
        f"arn:aws:sms-voice:us-east-1:{'1' * 12}:phone-number/x",
    ):
        with pytest.raises(ClientError) as info:
            v2.describe_phone_numbers(PhoneNumberIds=[value])
        assert error_of(info) == {
            "Code": "ResourceNotFoundException",
            "Status": 400,
            "ResourceType": "phone-number",
            "ResourceId": value,
        }


def test_describe_filters(v2: Any) -> None:
    plain = request_number(v2)
    voice = request_number(
        v2, NumberCapabilities=["VOICE"], MessageType="PROMOTIONAL", DeletionProtectionEnabled=True
    )
    toll_free = request_number(v2, NumberType="TOLL_FREE", NumberCapabilities=["SMS", "VOICE"])

    def ids(*filters: dict[str, Any]) -> set[str]:
        found = v2.describe_phone_numbers(Filters=list(filters))["PhoneNumbers"]
        return {number["PhoneNumberId"] for number in found}

    assert ids({"Name": "number-capability", "Values": ["VOICE"]}) == {
        voice["PhoneNumberId"],
        toll_free["PhoneNumberId"],
    }
    assert ids({"Name": "message-type", "Values": ["PROMOTIONAL"]}) == {voice["PhoneNumberId"]}
    assert ids({"Name": "number-type", "Values": ["TOLL_FREE", "TEN_DLC"]}) == {toll_free["PhoneNumberId"]}
    assert ids({"Name": "deletion-protection-enabled", "Values": ["true"]}) == {voice["PhoneNumberId"]}
    assert ids({"Name": "status", "Values": ["ACTIVE"]}) == {
        plain["PhoneNumberId"],
        voice["PhoneNumberId"],
        toll_free["PhoneNumberId"],
    }
    assert ids({"Name": "iso-country-code", "Values": ["GB"]}) == set()
    assert ids(
        {"Name": "opt-out-list-name", "Values": ["Default"]}, {"Name": "two-way-enabled", "Values": ["false"]}
    ) == {
        plain["PhoneNumberId"],
        voice["PhoneNumberId"],
        toll_free["PhoneNumberId"],
    }
    with pytest.raises(ClientError) as info:
        ids({"Name": "two-way-enabled", "Values": ["maybe"]})
    assert error_of(info)["Reason"] == "INVALID_FILTER_VALUES"


def test_describe_pages(v2: Any) -> None:
    created = {request_number(v2)["PhoneNumberId"] for _ in range(5)}
    paginator = v2.get_paginator("describe_phone_numbers")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["PhoneNumbers"]) for page in pages] == [2, 2, 1]
    assert {number["PhoneNumberId"] for page in pages for number in page["PhoneNumbers"]} == created


def test_owner_shared_is_empty_and_exclusive_with_ids(v2: Any) -> None:
    answer = request_number(v2)
    assert v2.describe_phone_numbers(Owner="SHARED")["PhoneNumbers"] == []
    assert len(v2.describe_phone_numbers(Owner="SELF")["PhoneNumbers"]) == 1
    with pytest.raises(ClientError) as info:
        v2.describe_phone_numbers(Owner="SELF", PhoneNumberIds=[answer["PhoneNumberId"]])
    assert error_of(info)["Reason"] == "PARAMETERS_CANNOT_BE_USED_TOGETHER"


def test_update_every_member(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="other")
    answer = request_number(v2)
    updated = v2.update_phone_number(
        PhoneNumberId=answer["PhoneNumberArn"],
        TwoWayEnabled=True,
        TwoWayChannelArn="arn:aws:sns:us-east-1:111122223333:inbound",
        TwoWayChannelRole="arn:aws:iam::111122223333:role/inbound",
        SelfManagedOptOutsEnabled=True,
        OptOutListName="other",
        InternationalSendingEnabled=True,
        DeletionProtectionEnabled=True,
    )
    expected = {
        "TwoWayEnabled": True,
        "TwoWayChannelArn": "arn:aws:sns:us-east-1:111122223333:inbound",
        "TwoWayChannelRole": "arn:aws:iam::111122223333:role/inbound",
        "SelfManagedOptOutsEnabled": True,
        "OptOutListName": "other",
        "InternationalSendingEnabled": True,
        "DeletionProtectionEnabled": True,
    }
    assert {key: updated[key] for key in expected} == expected
    assert updated["Status"] == "ACTIVE"
    described = v2.describe_phone_numbers(PhoneNumberIds=[answer["PhoneNumberId"]])["PhoneNumbers"][0]
    assert {key: described[key] for key in expected} == expected
    # Omitted members stay as they are.
    again = v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], DeletionProtectionEnabled=False)
    assert (again["DeletionProtectionEnabled"], again["OptOutListName"], again["TwoWayEnabled"]) == (
        False,
        "other",
        True,
    )


def test_update_two_way_needs_a_channel(v2: Any) -> None:
    answer = request_number(v2)
    with pytest.raises(ClientError) as info:
        v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], TwoWayEnabled=True)
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "TWO_WAY_CHANNEL_NOT_PRESENT",
    }


def test_update_unknown_number_or_list(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.update_phone_number(
            PhoneNumberId="phone-00000000000000000000000000000000", DeletionProtectionEnabled=True
        )
    assert error_of(info)["ResourceType"] == "phone-number"
    answer = request_number(v2)
    with pytest.raises(ClientError) as info:
        v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], OptOutListName="nope")
    assert error_of(info)["ResourceType"] == "opt-out-list"


def test_update_pool_governed_settings_of_pooled_number_is_conflict(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="other")
    answer = request_number(v2)
    v2.create_pool(OriginationIdentity=answer["PhoneNumberId"], MessageType="TRANSACTIONAL")
    with pytest.raises(ClientError) as info:
        v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], OptOutListName="other")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "PHONE_NUMBER_ASSOCIATED_TO_POOL",
        "ResourceType": "phone-number",
        "ResourceId": answer["PhoneNumberId"],
    }
    # The number's own switches stay open.
    assert v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], DeletionProtectionEnabled=True)[
        "DeletionProtectionEnabled"
    ]


def test_release_answers_deleted_and_forgets_the_number(v2: Any) -> None:
    answer = request_number(v2, Tags=[{"Key": "k", "Value": "v"}])
    released = v2.release_phone_number(PhoneNumberId=answer["PhoneNumber"].lstrip("+"))
    assert released["Status"] == "DELETED"
    assert released["PhoneNumberId"] == answer["PhoneNumberId"]
    assert v2.describe_phone_numbers()["PhoneNumbers"] == []
    with pytest.raises(ClientError) as info:
        v2.release_phone_number(PhoneNumberId=answer["PhoneNumberId"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=answer["PhoneNumberArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_release_refused_while_protected(v2: Any) -> None:
    answer = request_number(v2, DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as info:
        v2.release_phone_number(PhoneNumberId=answer["PhoneNumberId"])
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DELETION_PROTECTION_ENABLED",
        "ResourceType": "phone-number",
        "ResourceId": answer["PhoneNumberId"],
    }
    v2.update_phone_number(PhoneNumberId=answer["PhoneNumberId"], DeletionProtectionEnabled=False)
    assert v2.release_phone_number(PhoneNumberId=answer["PhoneNumberId"])["Status"] == "DELETED"


def test_release_refused_while_in_a_pool(v2: Any) -> None:
    first = request_number(v2)
    second = request_number(v2)
    pool = v2.create_pool(OriginationIdentity=first["PhoneNumberId"], MessageType="TRANSACTIONAL")
    v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity=second["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.release_phone_number(PhoneNumberId=second["PhoneNumberId"])
    assert error_of(info)["Reason"] == "PHONE_NUMBER_ASSOCIATED_TO_POOL"
    v2.disassociate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity=second["PhoneNumberId"])
    assert v2.release_phone_number(PhoneNumberId=second["PhoneNumberId"])["Status"] == "DELETED"


def test_numbers_are_per_account(v2: Any, endpoint: str) -> None:
    from tests.support.clients import client, new_account

    request_number(v2)
    other = client("pinpoint-sms-voice-v2", endpoint, new_account())
    assert other.describe_phone_numbers()["PhoneNumbers"] == []


def test_phone_numbers_per_account_quota(v2: Any) -> None:
    from smsvoice.quotas import V2_ACCOUNT_LIMITS

    for _ in range(V2_ACCOUNT_LIMITS["PHONE_NUMBERS"]):
        request_number(v2)
    with pytest.raises(ClientError) as info:
        request_number(v2)
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "PHONE_NUMBERS_PER_ACCOUNT",
    }


def test_describe_two_way_and_self_managed_filters(v2: Any) -> None:
    channel = "arn:aws:sns:us-east-1:111122223333:inbound"
    two_way = request_number(v2)
    v2.update_phone_number(
        PhoneNumberId=two_way["PhoneNumberId"], TwoWayEnabled=True, TwoWayChannelArn=channel
    )
    self_managed = request_number(v2)
    v2.update_phone_number(PhoneNumberId=self_managed["PhoneNumberId"], SelfManagedOptOutsEnabled=True)

    def ids(name: str, value: str) -> list[str]:
        found = v2.describe_phone_numbers(Filters=[{"Name": name, "Values": [value]}])["PhoneNumbers"]
        return [number["PhoneNumberId"] for number in found]

    assert ids("two-way-enabled", "true") == [two_way["PhoneNumberId"]]
    assert ids("two-way-channel-arn", channel) == [two_way["PhoneNumberId"]]
    assert ids("self-managed-opt-outs-enabled", "TRUE") == [self_managed["PhoneNumberId"]]
