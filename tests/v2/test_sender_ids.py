"""v2 sender IDs through boto3: request, describe (ids, ARNs, filters, paging), update, release."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix, request_number


def test_request_answers_the_sender_id(v2: Any, account: str) -> None:
    answer = v2.request_sender_id(
        SenderId="ACME",
        IsoCountryCode="GB",
        MessageTypes=["TRANSACTIONAL"],
        Tags=[{"Key": "brand", "Value": "acme"}],
    )
    assert answer["SenderIdArn"] == f"{arn_prefix(account)}sender-id/ACME/GB"
    assert (answer["SenderId"], answer["IsoCountryCode"], answer["MessageTypes"]) == (
        "ACME",
        "GB",
        ["TRANSACTIONAL"],
    )
    assert (answer["Registered"], answer["DeletionProtectionEnabled"], answer["MonthlyLeasingPrice"]) == (
        False,
        False,
        "0.00",
    )
    assert answer["Tags"] == [{"Key": "brand", "Value": "acme"}]
    assert v2.list_tags_for_resource(ResourceArn=answer["SenderIdArn"])["Tags"] == answer["Tags"]


def test_message_types_default_to_both(v2: Any) -> None:
    answer = v2.request_sender_id(SenderId="ACME", IsoCountryCode="DE")
    assert answer["MessageTypes"] == ["TRANSACTIONAL", "PROMOTIONAL"]


def test_same_sender_id_in_two_countries(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="FR")
    found = v2.describe_sender_ids()["SenderIds"]
    assert [(item["SenderId"], item["IsoCountryCode"]) for item in found] == [("ACME", "FR"), ("ACME", "GB")]


def test_duplicate_is_conflict(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    with pytest.raises(ClientError) as info:
        v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_EXISTS",
        "ResourceType": "sender-id",
        "ResourceId": "ACME",
    }


@pytest.mark.parametrize("sender_id", ["-ACME", "ACME-", "12345", "AC_ME"])
def test_sender_id_rules(v2: Any, sender_id: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.request_sender_id(SenderId=sender_id, IsoCountryCode="GB")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}


def test_model_length_is_validated(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.request_sender_id(SenderId="ABCDEFGHIJKL", IsoCountryCode="GB")
    assert error_of(info)["Reason"] == "FIELD_VALIDATION_FAILED"


def test_us_does_not_support_sender_ids(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.request_sender_id(SenderId="ACME", IsoCountryCode="US")
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "SENDER_ID_NOT_SUPPORTED",
    }


def test_describe_by_id_and_arn(v2: Any) -> None:
    gb = v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    v2.request_sender_id(SenderId="OTHER", IsoCountryCode="GB")
    by_id = v2.describe_sender_ids(SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "GB"}])["SenderIds"]
    by_arn = v2.describe_sender_ids(SenderIds=[{"SenderId": gb["SenderIdArn"], "IsoCountryCode": "GB"}])[
        "SenderIds"
    ]
    assert [item["SenderIdArn"] for item in by_id] == [gb["SenderIdArn"]]
    assert by_arn == by_id
    with pytest.raises(ClientError) as info:
        v2.describe_sender_ids(SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "FR"}])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "sender-id",
        "ResourceId": "ACME",
    }


def test_describe_filters_and_pages(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB", MessageTypes=["PROMOTIONAL"])
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="FR", DeletionProtectionEnabled=True)
    v2.request_sender_id(SenderId="SHOP", IsoCountryCode="FR", MessageTypes=["TRANSACTIONAL"])

    def keys(*filters: dict[str, Any]) -> list[str]:
        found = v2.describe_sender_ids(Filters=list(filters))["SenderIds"]
        return [f"{item['SenderId']}/{item['IsoCountryCode']}" for item in found]

    assert keys({"Name": "sender-id", "Values": ["ACME"]}) == ["ACME/FR", "ACME/GB"]
    assert keys(
        {"Name": "iso-country-code", "Values": ["FR"]}, {"Name": "message-type", "Values": ["TRANSACTIONAL"]}
    ) == [
        "ACME/FR",
        "SHOP/FR",
    ]
    assert keys({"Name": "deletion-protection-enabled", "Values": ["true"]}) == ["ACME/FR"]
    assert keys({"Name": "registered", "Values": ["true"]}) == []
    pages = list(v2.get_paginator("describe_sender_ids").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["SenderIds"]) for page in pages] == [2, 1]


def test_update_deletion_protection(v2: Any) -> None:
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    updated = v2.update_sender_id(SenderId="ACME", IsoCountryCode="GB", DeletionProtectionEnabled=True)
    assert updated["DeletionProtectionEnabled"] is True
    assert v2.describe_sender_ids()["SenderIds"][0]["DeletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as info:
        v2.update_sender_id(SenderId="ACME", IsoCountryCode="FR", DeletionProtectionEnabled=True)
    assert error_of(info)["ResourceType"] == "sender-id"


def test_release(v2: Any) -> None:
    answer = v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB", DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as info:
        v2.release_sender_id(SenderId="ACME", IsoCountryCode="GB")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DELETION_PROTECTION_ENABLED",
        "ResourceType": "sender-id",
        "ResourceId": "ACME",
    }
    v2.update_sender_id(SenderId="ACME", IsoCountryCode="GB", DeletionProtectionEnabled=False)
    released = v2.release_sender_id(SenderId=answer["SenderIdArn"], IsoCountryCode="GB")
    assert released["SenderIdArn"] == answer["SenderIdArn"]
    assert v2.describe_sender_ids()["SenderIds"] == []
    with pytest.raises(ClientError) as info:
        v2.release_sender_id(SenderId="ACME", IsoCountryCode="GB")
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_release_refused_while_in_a_pool(v2: Any) -> None:
    number = request_number(v2, IsoCountryCode="GB")
    v2.request_sender_id(SenderId="ACME", IsoCountryCode="GB")
    pool = v2.create_pool(OriginationIdentity=number["PhoneNumberId"], MessageType="TRANSACTIONAL")
    v2.associate_origination_identity(PoolId=pool["PoolId"], OriginationIdentity="ACME", IsoCountryCode="GB")
    with pytest.raises(ClientError) as info:
        v2.release_sender_id(SenderId="ACME", IsoCountryCode="GB")
    assert error_of(info)["Reason"] == "SENDER_ID_ASSOCIATED_TO_POOL"
