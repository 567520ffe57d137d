"""v1 configuration sets through boto3 against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client, new_account


def _error(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = info.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_create_list_delete(v1: Any) -> None:
    v1.create_configuration_set(ConfigurationSetName="orders")
    v1.create_configuration_set(ConfigurationSetName="alerts")
    assert v1.list_configuration_sets()["ConfigurationSets"] == ["alerts", "orders"]
    v1.delete_configuration_set(ConfigurationSetName="orders")
    assert v1.list_configuration_sets()["ConfigurationSets"] == ["alerts"]


def test_duplicate_is_already_exists_409(v1: Any) -> None:
    v1.create_configuration_set(ConfigurationSetName="dup")
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set(ConfigurationSetName="dup")
    code, status, message = _error(info)
    assert (code, status) == ("AlreadyExistsException", 409)
    assert "dup" in message


def test_missing_or_bad_name_is_bad_request(v1: Any) -> None:
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set()
    assert _error(info)[:2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set(ConfigurationSetName="has space")
    assert _error(info)[:2] == ("BadRequestException", 400)
    assert v1.list_configuration_sets()["ConfigurationSets"] == []


def test_delete_missing_is_not_found_404(v1: Any) -> None:
    with pytest.raises(ClientError) as info:
        v1.delete_configuration_set(ConfigurationSetName="ghost")
    assert _error(info)[:2] == ("NotFoundException", 404)


def test_paging_with_next_token_and_page_size(v1: Any) -> None:
    names = [f"set-{index:02d}" for index in range(7)]
    for name in names:
        v1.create_configuration_set(ConfigurationSetName=name)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs = {"PageSize": "3"} | ({"NextToken": token} if token else {})
        page = v1.list_configuration_sets(**kwargs)
        assert len(page["ConfigurationSets"]) <= 3
        seen.extend(page["ConfigurationSets"])
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    assert pages == 3


def test_bad_page_size_and_token_are_bad_requests(v1: Any) -> None:
    for kwargs in ({"PageSize": "zero"}, {"PageSize": "0"}, {"NextToken": "%%%not-a-token"}):
        with pytest.raises(ClientError) as info:
            v1.list_configuration_sets(**kwargs)
        assert _error(info)[:2] == ("BadRequestException", 400)


def test_names_with_url_special_characters_round_trip(v1: Any) -> None:
    v1.create_configuration_set(ConfigurationSetName="with-dash_and_underscore")
    v1.delete_configuration_set(ConfigurationSetName="with-dash_and_underscore")
    with pytest.raises(ClientError) as info:
        v1.delete_configuration_set(ConfigurationSetName="a/b")
    assert _error(info)[1] in (400, 404)


def test_accounts_and_regions_are_isolated(endpoint: str) -> None:
    account = new_account()
    first = client("pinpoint-sms-voice", endpoint, account)
    first_west = client("pinpoint-sms-voice", endpoint, account, region="us-west-2")
    second = client("pinpoint-sms-voice", endpoint, new_account())
    first.create_configuration_set(ConfigurationSetName="mine")
    assert first.list_configuration_sets()["ConfigurationSets"] == ["mine"]
    assert second.list_configuration_sets()["ConfigurationSets"] == []
    assert first_west.list_configuration_sets()["ConfigurationSets"] == []
    second.create_configuration_set(ConfigurationSetName="mine")  # same name, other account: fine
    first_west.create_configuration_set(ConfigurationSetName="mine")  # same account, other region: fine


def test_non_numeric_access_key_uses_the_default_account(endpoint: str) -> None:
    named = client("pinpoint-sms-voice", endpoint, "AKIAEXAMPLEKEY", region="eu-north-1")
    other_named = client("pinpoint-sms-voice", endpoint, "AKIAANOTHERKEY", region="eu-north-1")
    named.create_configuration_set(ConfigurationSetName="shared-default")
    try:
        assert "shared-default" in other_named.list_configuration_sets()["ConfigurationSets"]
    finally:
        named.delete_configuration_set(ConfigurationSetName="shared-default")
