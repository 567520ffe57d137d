"""v2 pools through boto3: create, describe, update, delete, associate, disassociate, list members."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_ACCOUNT_LIMITS, V2_ORIGINATION_IDENTITIES_PER_POOL
from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix, request_number

CHANNEL = "arn:aws:sns:us-east-1:111122223333:inbound"


def _pool(v2: Any, identity: str, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = v2.create_pool(
        OriginationIdentity=identity, MessageType="TRANSACTIONAL", **extra
    )
    return answer


def _members(v2: Any, pool_id: str, **extra: Any) -> list[str]:
    found = v2.list_pool_origination_identities(PoolId=pool_id, **extra)["OriginationIdentities"]
    return [item["OriginationIdentity"] for item in found]


def test_create_answers_creating_and_is_active_afterwards(v2: Any, account: str) -> None:
    number = request_number(v2)
    answer = _pool(v2, number["PhoneNumberId"], Tags=[{"Key": "team", "Value": "ops"}])
    assert re.fullmatch(r"pool-[0-9a-f]{32}", answer["PoolId"])
    assert answer["PoolArn"] == f"{arn_prefix(account)}pool/{answer['PoolId']}"
    assert answer["Status"] == "CREATING"
    assert answer["Tags"] == [{"Key": "team", "Value": "ops"}]
    described = v2.describe_pools(PoolIds=[answer["PoolId"]])["Pools"][0]
    assert described["Status"] == "ACTIVE"
    assert {
        key: described[key] for key in ("OptOutListName", "SharedRoutesEnabled", "DeletionProtectionEnabled")
    } == {
        "OptOutListName": "Default",
        "SharedRoutesEnabled": False,
        "DeletionProtectionEnabled": False,
    }
    assert _members(v2, answer["PoolId"]) == [number["PhoneNumberId"]]
    assert (
        v2.describe_phone_numbers(PhoneNumberIds=[number["PhoneNumberId"]])["PhoneNumbers"][0]["PoolId"]
        == answer["PoolId"]
    )


def test_create_inherits_the_number_configuration_and_keywords(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="shop")
    number = request_number(v2, OptOutListName="shop", DeletionProtectionEnabled=True)
    v2.update_phone_number(
        PhoneNumberId=number["PhoneNumberId"],
        TwoWayEnabled=True,
        TwoWayChannelArn=CHANNEL,
        SelfManagedOptOutsEnabled=True,
    )
    v2.put_keyword(
        OriginationIdentity=number["PhoneNumberId"], Keyword="PRICE", KeywordMessage="Prices at example.com"
    )
    pool = _pool(v2, number["PhoneNumberArn"])
    assert (
        pool["OptOutListName"],
        pool["TwoWayEnabled"],
        pool["TwoWayChannelArn"],
        pool["SelfManagedOptOutsEnabled"],
    ) == (
        "shop",
        True,
        CHANNEL,
        True,
    )
    assert pool["DeletionProtectionEnabled"] is False  # not inherited
    words = v2.describe_keywords(OriginationIdentity=pool["PoolId"])["Keywords"]
    assert {word["Keyword"] for word in words} == {"HELP", "STOP", "PRICE"}


def test_create_by_number_digits_and_by_sender_id(v2: Any) -> None:
    number = request_number(v2)
    assert _members(v2, _pool(v2, number["PhoneNumber"].lstrip("+"))["PoolId"]) == [number["PhoneNumberId"]]
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    pool = _pool(v2, "ACME", IsoCountryCode="GB")
    assert pool["OptOutListName"] == "Default"
    listed = v2.list_pool_origination_identities(PoolId=pool["PoolId"])["OriginationIdentities"]
    assert listed == [
        {
            "OriginationIdentityArn": listed[0]["OriginationIdentityArn"],
            "OriginationIdentity": "ACME",
            "IsoCountryCode": "GB",
            "NumberCapabilities": ["SMS"],
        }
    ]
    assert listed[0]["OriginationIdentityArn"].endswith(":sender-id/ACME/GB")


def test_create_refusals(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        _pool(v2, "phone-00000000000000000000000000000000")
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "phone-number",
        "ResourceId": "phone-00000000000000000000000000000000",
    }
    with pytest.raises(ClientError) as info:
        _pool(v2, "NOSUCH", IsoCountryCode="GB")
    assert error_of(info)["ResourceType"] == "sender-id"
    number = request_number(v2)
    with pytest.raises(ClientError) as info:
        v2.create_pool(OriginationIdentity=number["PhoneNumberId"], MessageType="PROMOTIONAL")
    assert error_of(info)["Reason"] == "MESSAGE_TYPE_MISMATCH"
    with pytest.raises(ClientError) as info:
        _pool(v2, number["PhoneNumberId"], IsoCountryCode="GB")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "COUNTRY_CODE_MISMATCH"}
    first = _pool(v2, number["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        _pool(v2, number["PhoneNumberId"])
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "PHONE_NUMBER_ASSOCIATED_TO_POOL",
        "ResourceType": "phone-number",
        "ResourceId": number["PhoneNumberId"],
    }
    assert len(v2.describe_pools()["Pools"]) == 1
    assert v2.describe_pools()["Pools"][0]["PoolId"] == first["PoolId"]


def test_sender_id_message_types_must_include_the_pool_type(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB", MessageTypes=["PROMOTIONAL"])
    with pytest.raises(ClientError) as info:
        _pool(v2, "ACME", IsoCountryCode="GB")
    assert error_of(info)["Reason"] == "MESSAGE_TYPE_MISMATCH"


def test_describe_filters_and_pages(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    plain = _pool(v2, "ACME")
    protected = _pool(v2, "ACME", DeletionProtectionEnabled=True)
    third = _pool(v2, "ACME")

    def ids(*filters: dict[str, Any]) -> set[str]:
        return {pool["PoolId"] for pool in v2.describe_pools(Filters=list(filters))["Pools"]}

    assert ids({"Name": "deletion-protection-enabled", "Values": ["true"]}) == {protected["PoolId"]}
    assert ids(
        {"Name": "message-type", "Values": ["TRANSACTIONAL"]}, {"Name": "status", "Values": ["ACTIVE"]}
    ) == {
        plain["PoolId"],
        protected["PoolId"],
        third["PoolId"],
    }
    assert ids({"Name": "shared-routes-enabled", "Values": ["true"]}) == set()
    pages = list(v2.get_paginator("describe_pools").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Pools"]) for page in pages] == [2, 1]
    with pytest.raises(ClientError) as info:
        v2.describe_pools(PoolIds=["pool-00000000000000000000000000000000"])
    assert error_of(info)["ResourceType"] == "pool"


def test_update_every_member_and_carry_it_to_the_numbers(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="other")
    number = request_number(v2)
    pool = _pool(v2, number["PhoneNumberId"])
    updated = v2.update_pool(
        PoolId=pool["PoolArn"],
        TwoWayEnabled=True,
        TwoWayChannelArn=CHANNEL,
        TwoWayChannelRole="arn:aws:iam::111122223333:role/inbound",
        SelfManagedOptOutsEnabled=True,
        OptOutListName="other",
        SharedRoutesEnabled=True,
        DeletionProtectionEnabled=True,
    )
    expected = {
        "TwoWayEnabled": True,
        "TwoWayChannelArn": CHANNEL,
        "TwoWayChannelRole": "arn:aws:iam::111122223333:role/inbound",
        "SelfManagedOptOutsEnabled": True,
        "OptOutListName": "other",
        "SharedRoutesEnabled": True,
        "DeletionProtectionEnabled": True,
    }
    assert {key: updated[key] for key in expected} == expected
    described = v2.describe_pools(PoolIds=[pool["PoolId"]])["Pools"][0]
    assert {key: described[key] for key in expected} == expected
    member = v2.describe_phone_numbers(PhoneNumberIds=[number["PhoneNumberId"]])["PhoneNumbers"][0]
    assert (member["OptOutListName"], member["TwoWayEnabled"], member["SelfManagedOptOutsEnabled"]) == (
        "other",
        True,
        True,
    )
    with pytest.raises(ClientError) as info:
        v2.update_pool(PoolId=pool["PoolId"], OptOutListName="missing")
    assert error_of(info)["ResourceType"] == "opt-out-list"


def test_delete(v2: Any) -> None:
    number = request_number(v2)
    pool = _pool(v2, number["PhoneNumberId"], DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as info:
        v2.delete_pool(PoolId=pool["PoolId"])
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DELETION_PROTECTION_ENABLED",
        "ResourceType": "pool",
        "ResourceId": pool["PoolId"],
    }
    v2.update_pool(PoolId=pool["PoolId"], DeletionProtectionEnabled=False)
    deleted = v2.delete_pool(PoolId=pool["PoolId"])
    assert (deleted["PoolId"], deleted["Status"]) == (pool["PoolId"], "DELETING")
    assert v2.describe_pools()["Pools"] == []
    # Deleting a pool disassociates its numbers, which can then be released.
    assert "PoolId" not in v2.describe_phone_numbers()["PhoneNumbers"][0]
    assert v2.release_phone_number(PhoneNumberId=number["PhoneNumberId"])["Status"] == "DELETED"
    with pytest.raises(ClientError) as info:
        v2.delete_pool(PoolId=pool["PoolId"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_associate_and_list(v2: Any, account: str) -> None:
    first = request_number(v2)
    second = request_number(v2, NumberCapabilities=["SMS", "VOICE"])
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    pool = _pool(v2, first["PhoneNumberId"])
    answer = v2.associate_origination_identity(
        PoolId=pool["PoolId"], OriginationIdentity=second["PhoneNumberArn"]
    )
    assert answer["PoolArn"] == pool["PoolArn"]
    assert (answer["OriginationIdentity"], answer["OriginationIdentityArn"], answer["IsoCountryCode"]) == (
        second["PhoneNumberId"],
        second["PhoneNumberArn"],
        "US",
    )
    sender = v2.associate_origination_identity(
        PoolId=pool["PoolId"], OriginationIdentity=f"{arn_prefix(account)}sender-id/ACME/GB"
    )
    assert sender["OriginationIdentity"] == "ACME"
    assert set(_members(v2, pool["PoolId"])) == {first["PhoneNumberId"], second["PhoneNumberId"], "ACME"}
    voice = _members(v2, pool["PoolId"], Filters=[{"Name": "number-capability", "Values": ["VOICE"]}])
    assert voice == [second["PhoneNumberId"]]
    assert _members(v2, pool["PoolId"], Filters=[{"Name": "iso-country-code", "Values": ["GB"]}]) == ["ACME"]
    pages = list(
        v2.get_paginator("list_pool_origination_identities").paginate(
            PoolId=pool["PoolId"], PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["OriginationIdentities"]) for page in pages] == [2, 1]
    assert all(page["PoolId"] == pool["PoolId"] for page in pages)


def test_associate_conflicts(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="other")
    first = request_number(v2)
    pool = _pool(v2, first["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity=first["PhoneNumberId"])
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_ASSOCIATED",
        "ResourceType": "pool",
        "ResourceId": pool["PoolId"],
    }
    cases = {
        "MESSAGE_TYPE_MISMATCH": request_number(v2, MessageType="PROMOTIONAL"),
        "OPT_OUT_LIST_MISMATCH": request_number(v2, OptOutListName="other"),
    }
    self_managed = request_number(v2)
    v2.update_phone_number(PhoneNumberId=self_managed["PhoneNumberId"], SelfManagedOptOutsEnabled=True)
    cases["SELF_MANAGED_OPT_OUTS_MISMATCH"] = self_managed
    two_way = request_number(v2)
    v2.update_phone_number(
        PhoneNumberId=two_way["PhoneNumberId"], TwoWayEnabled=True, TwoWayChannelArn=CHANNEL
    )
    cases["TWO_WAY_CONFIG_MISMATCH"] = two_way
    for reason, number in cases.items():
        with pytest.raises(ClientError) as info:
            v2.associate_origination_identity(
                PoolId=pool["PoolId"], OriginationIdentity=number["PhoneNumberId"]
            )
        assert error_of(info)["Reason"] == reason
    other = _pool(v2, request_number(v2)["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.associate_origination_identity(PoolId=other["PoolId"], OriginationIdentity=first["PhoneNumberId"])
    assert error_of(info)["Reason"] == "PHONE_NUMBER_ASSOCIATED_TO_POOL"
    with pytest.raises(ClientError) as info:
        v2.associate_origination_identity(
            PoolId="pool-00000000000000000000000000000000", OriginationIdentity="x1"
        )
    assert error_of(info)["ResourceType"] == "pool"
    assert _members(v2, pool["PoolId"]) == [first["PhoneNumberId"]]


def test_sender_id_may_be_in_several_pools(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    first = _pool(v2, "ACME")
    second = _pool(v2, "ACME")
    assert _members(v2, first["PoolId"]) == _members(v2, second["PoolId"]) == ["ACME"]


def test_disassociate(v2: Any) -> None:
    first = request_number(v2)
    second = request_number(v2)
    pool = _pool(v2, first["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.disassociate_origination_identity(
            PoolId=pool["PoolId"], OriginationIdentity=second["PhoneNumberId"]
        )
    assert error_of(info)["Reason"] == "PHONE_NUMBER_NOT_ASSOCIATED_TO_POOL"
    with pytest.raises(ClientError) as info:
        v2.disassociate_origination_identity(
            PoolId=pool["PoolId"], OriginationIdentity=first["PhoneNumberId"]
        )
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "LAST_PHONE_NUMBER",
        "ResourceType": "pool",
        "ResourceId": pool["PoolId"],
    }
    v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity=second["PhoneNumberId"])
    answer = v2.disassociate_origination_identity(
        PoolId=pool["PoolId"], OriginationIdentity=first["PhoneNumberId"]
    )
    assert answer["OriginationIdentity"] == first["PhoneNumberId"]
    assert _members(v2, pool["PoolId"]) == [second["PhoneNumberId"]]
    assert (
        "PoolId" not in v2.describe_phone_numbers(PhoneNumberIds=[first["PhoneNumberId"]])["PhoneNumbers"][0]
    )


def test_tags_follow_the_pool(v2: Any) -> None:
    pool = _pool(v2, request_number(v2)["PhoneNumberId"])
    v2.tag_resource(ResourceArn=pool["PoolArn"], Tags=[{"Key": "a", "Value": "1"}])
    assert v2.list_tags_for_resource(ResourceArn=pool["PoolArn"])["Tags"] == [{"Key": "a", "Value": "1"}]
    v2.delete_pool(PoolId=pool["PoolId"])
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=pool["PoolArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_pools_per_account_quota(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    for _ in range(V2_ACCOUNT_LIMITS["POOLS"]):
        _pool(v2, "ACME")
    with pytest.raises(ClientError) as info:
        _pool(v2, "ACME")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "POOLS_PER_ACCOUNT",
    }


def test_origination_identities_per_pool_quota(v2: Any) -> None:
    numbers = [request_number(v2)["PhoneNumberId"] for _ in range(V2_ORIGINATION_IDENTITIES_PER_POOL)]
    pool = _pool(v2, numbers[0])
    for number in numbers[1:]:
        v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity=number)
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    with pytest.raises(ClientError) as info:
        v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity="ACME")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "ORIGINATION_IDENTITIES_PER_POOL",
    }
