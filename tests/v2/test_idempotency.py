"""ClientToken idempotency of the v2 create operations of this area, through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.errors import error_of

TOPIC = "arn:aws:sns:us-east-1:111122223333:events"


def _names(v2: Any) -> list[str]:
    return [item["ConfigurationSetName"] for item in v2.describe_configuration_sets()["ConfigurationSets"]]


def test_same_token_same_parameters_returns_the_first_answer(v2: Any) -> None:
    first = v2.create_configuration_set(ConfigurationSetName="once", ClientToken="token-1")
    again = v2.create_configuration_set(ConfigurationSetName="once", ClientToken="token-1")
    assert again["ConfigurationSetArn"] == first["ConfigurationSetArn"]
    assert again["CreatedTimestamp"] == first["CreatedTimestamp"]
    assert _names(v2) == ["once"]


def test_same_token_other_parameters_is_an_error(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="first", ClientToken="token-2")
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName="second", ClientToken="token-2")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_REQUEST"}
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(
            ConfigurationSetName="first", ClientToken="token-2", Tags=[{"Key": "k", "Value": "v"}]
        )
    assert error_of(info)["Reason"] == "INVALID_REQUEST"
    assert _names(v2) == ["first"]


def test_without_a_token_botocore_sends_a_fresh_one_each_time(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="plain")
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName="plain")
    assert error_of(info)["Reason"] == "RESOURCE_ALREADY_EXISTS"


def test_tokens_are_per_account(v2: Any, endpoint: str, account: str) -> None:
    mine = v2.create_configuration_set(ConfigurationSetName="same", ClientToken="shared-token")
    other_account = "313131313131" if account != "313131313131" else "1" * 12
    other = client("pinpoint-sms-voice-v2", endpoint, other_account)
    theirs = other.create_configuration_set(ConfigurationSetName="same", ClientToken="shared-token")
    assert theirs["ConfigurationSetArn"] != mine["ConfigurationSetArn"]
    assert other_account in theirs["ConfigurationSetArn"]


def test_a_refused_request_does_not_use_up_its_token(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="taken")
    with pytest.raises(ClientError) as refused:
        v2.create_configuration_set(ConfigurationSetName="taken", ClientToken="token-3")
    assert error_of(refused)["Code"] == "ConflictException"
    assert error_of(refused)["Reason"] == "RESOURCE_ALREADY_EXISTS"
    v2.delete_configuration_set(ConfigurationSetName="taken")
    created = v2.create_configuration_set(ConfigurationSetName="taken", ClientToken="token-3")
    assert created["ConfigurationSetName"] == "taken"


def test_create_event_destination_is_idempotent(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="events")
    arguments = {
        "ConfigurationSetName": "events",
        "EventDestinationName": "dest",
        "MatchingEventTypes": ["ALL"],
        "SnsDestination": {"TopicArn": TOPIC},
        "ClientToken": "dest-token",
    }
    first = v2.create_event_destination(**arguments)
    again = v2.create_event_destination(**arguments)
    assert again["EventDestination"] == first["EventDestination"]
    described = v2.describe_configuration_sets()["ConfigurationSets"][0]["EventDestinations"]
    assert len(described) == 1
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(**{**arguments, "MatchingEventTypes": ["TEXT_ALL"]})
    assert error_of(info)["Reason"] == "INVALID_REQUEST"
