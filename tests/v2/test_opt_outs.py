"""v2 opt-out lists and opted-out numbers through boto3."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_ACCOUNT_LIMITS
from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix, request_number

NUMBER = "+14255550199"
OTHER = "+14255550142"


def _names(v2: Any, **params: Any) -> list[str]:
    return [item["OptOutListName"] for item in v2.describe_opt_out_lists(**params)["OptOutLists"]]


def test_every_account_has_a_default_list(v2: Any, account: str) -> None:
    lists = v2.describe_opt_out_lists()["OptOutLists"]
    assert [(item["OptOutListName"], item["OptOutListArn"]) for item in lists] == [
        ("Default", f"{arn_prefix(account)}opt-out-list/Default")
    ]
    assert isinstance(lists[0]["CreatedTimestamp"], datetime)
    # The same list (and timestamp) every time.
    assert v2.describe_opt_out_lists()["OptOutLists"] == lists


def test_create_describe_and_delete(v2: Any, account: str) -> None:
    created = v2.create_opt_out_list(OptOutListName="marketing", Tags=[{"Key": "use", "Value": "promo"}])
    assert created["OptOutListArn"] == f"{arn_prefix(account)}opt-out-list/marketing"
    assert created["Tags"] == [{"Key": "use", "Value": "promo"}]
    assert _names(v2) == ["Default", "marketing"]
    assert _names(v2, OptOutListNames=[created["OptOutListArn"]]) == ["marketing"]
    deleted = v2.delete_opt_out_list(OptOutListName="marketing")
    assert (deleted["OptOutListName"], deleted["CreatedTimestamp"]) == (
        "marketing",
        created["CreatedTimestamp"],
    )
    assert _names(v2) == ["Default"]
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=created["OptOutListArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_duplicate_and_unknown(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="dup")
    with pytest.raises(ClientError) as info:
        v2.create_opt_out_list(OptOutListName="dup")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_EXISTS",
        "ResourceType": "opt-out-list",
        "ResourceId": "dup",
    }
    with pytest.raises(ClientError) as info:
        v2.create_opt_out_list(OptOutListName="Default")
    assert error_of(info)["Reason"] == "RESOURCE_ALREADY_EXISTS"
    calls: tuple[Callable[[], object], ...] = (
        lambda: v2.describe_opt_out_lists(OptOutListNames=["nope"]),
        lambda: v2.delete_opt_out_list(OptOutListName="nope"),
        lambda: v2.put_opted_out_number(OptOutListName="nope", OptedOutNumber=NUMBER),
        lambda: v2.describe_opted_out_numbers(OptOutListName="nope"),
    )
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info) == {
            "Code": "ResourceNotFoundException",
            "Status": 400,
            "ResourceType": "opt-out-list",
            "ResourceId": "nope",
        }


def test_name_rules_come_from_the_model(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_opt_out_list(OptOutListName="has space")
    assert error_of(info)["Reason"] == "FIELD_VALIDATION_FAILED"


def test_list_in_use_or_default_cannot_be_deleted(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="used")
    request_number(v2, OptOutListName="used")
    with pytest.raises(ClientError) as info:
        v2.delete_opt_out_list(OptOutListName="used")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_DELETION_NOT_ALLOWED",
        "ResourceType": "opt-out-list",
        "ResourceId": "used",
    }
    with pytest.raises(ClientError) as info:
        v2.delete_opt_out_list(OptOutListName="Default")
    assert error_of(info)["Reason"] == "RESOURCE_DELETION_NOT_ALLOWED"


def test_put_describe_and_delete_numbers(v2: Any) -> None:
    created = v2.create_opt_out_list(OptOutListName="shop")
    put = v2.put_opted_out_number(OptOutListName="shop", OptedOutNumber=NUMBER)
    assert (put["OptOutListName"], put["OptOutListArn"], put["OptedOutNumber"], put["EndUserOptedOut"]) == (
        "shop",
        created["OptOutListArn"],
        NUMBER,
        False,
    )
    assert isinstance(put["OptedOutTimestamp"], datetime)
    # Without '+' it is the same number; putting it again keeps the first entry.
    again = v2.put_opted_out_number(OptOutListName=created["OptOutListArn"], OptedOutNumber=NUMBER[1:])
    assert (again["OptedOutNumber"], again["OptedOutTimestamp"]) == (NUMBER, put["OptedOutTimestamp"])
    v2.put_opted_out_number(OptOutListName="shop", OptedOutNumber=OTHER)
    described = v2.describe_opted_out_numbers(OptOutListName="shop")
    assert (described["OptOutListName"], described["OptOutListArn"]) == ("shop", created["OptOutListArn"])
    assert [item["OptedOutNumber"] for item in described["OptedOutNumbers"]] == [OTHER, NUMBER]
    # Other lists are unaffected.
    assert v2.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"] == []
    deleted = v2.delete_opted_out_number(OptOutListName="shop", OptedOutNumber=NUMBER)
    assert deleted["OptedOutNumber"] == NUMBER
    remaining = v2.describe_opted_out_numbers(OptOutListName="shop")["OptedOutNumbers"]
    assert [item["OptedOutNumber"] for item in remaining] == [OTHER]


def test_invalid_number_is_refused(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber="+10000000000")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}


def test_describe_searches_numbers_filters_and_pages(v2: Any) -> None:
    numbers = [f"+1425555013{digit}" for digit in range(5)]
    for number in numbers:
        v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=number)
    found = v2.describe_opted_out_numbers(
        OptOutListName="Default", OptedOutNumbers=[numbers[1], "+14255550999"]
    )
    assert [item["OptedOutNumber"] for item in found["OptedOutNumbers"]] == [numbers[1]]
    end_user = [{"Name": "end-user-opted-out", "Values": ["true"]}]
    assert v2.describe_opted_out_numbers(OptOutListName="Default", Filters=end_user)["OptedOutNumbers"] == []
    api_added = [{"Name": "end-user-opted-out", "Values": ["false"]}]
    assert (
        len(v2.describe_opted_out_numbers(OptOutListName="Default", Filters=api_added)["OptedOutNumbers"])
        == 5
    )
    pages = list(
        v2.get_paginator("describe_opted_out_numbers").paginate(
            OptOutListName="Default", PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["OptedOutNumbers"]) for page in pages] == [2, 2, 1]
    assert all(page["OptOutListName"] == "Default" for page in pages)


def test_delete_unknown_number_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.delete_opted_out_number(OptOutListName="Default", OptedOutNumber=NUMBER)
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "opted-out-number",
        "ResourceId": NUMBER,
    }


def test_a_number_is_removed_at_most_once_in_30_days(v2: Any) -> None:
    v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=NUMBER)
    v2.delete_opted_out_number(OptOutListName="Default", OptedOutNumber=NUMBER)
    v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=NUMBER)
    with pytest.raises(ClientError) as info:
        v2.delete_opted_out_number(OptOutListName="Default", OptedOutNumber=NUMBER)
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "PHONE_NUMBER_CANNOT_BE_OPTED_IN",
    }
    assert len(v2.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"]) == 1


def test_deleting_a_list_deletes_its_numbers(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="temp")
    v2.put_opted_out_number(OptOutListName="temp", OptedOutNumber=NUMBER)
    v2.delete_opt_out_list(OptOutListName="temp")
    v2.create_opt_out_list(OptOutListName="temp")
    assert v2.describe_opted_out_numbers(OptOutListName="temp")["OptedOutNumbers"] == []


def test_owner_shared_is_empty(v2: Any) -> None:
    assert v2.describe_opt_out_lists(Owner="SHARED")["OptOutLists"] == []
    with pytest.raises(ClientError) as info:
        v2.describe_opt_out_lists(Owner="SELF", OptOutListNames=["Default"])
    assert error_of(info)["Reason"] == "PARAMETERS_CANNOT_BE_USED_TOGETHER"


def test_opt_out_lists_per_account_quota(v2: Any) -> None:
    # The Default list counts.
    for index in range(V2_ACCOUNT_LIMITS["OPT_OUT_LISTS"] - 1):
        v2.create_opt_out_list(OptOutListName=f"list-{index}")
    with pytest.raises(ClientError) as info:
        v2.create_opt_out_list(OptOutListName="one-too-many")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "OPT_OUT_LISTS_PER_ACCOUNT",
    }
    pages = list(v2.get_paginator("describe_opt_out_lists").paginate(PaginationConfig={"PageSize": 10}))
    assert sum(len(page["OptOutLists"]) for page in pages) == V2_ACCOUNT_LIMITS["OPT_OUT_LISTS"]
