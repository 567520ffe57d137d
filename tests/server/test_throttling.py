"""`--throttling aws`: the v1 event-destination resource allows 1 request per second."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client, new_account

SNS = {"MatchingEventTypes": ["BUSY"], "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:111122223333:t"}}


def test_second_put_within_a_second_is_too_many_requests(fresh_server: Any) -> None:
    process = fresh_server("--throttling", "aws")
    v1 = client("pinpoint-sms-voice", process.endpoint, new_account())
    v1.create_configuration_set(ConfigurationSetName="cs")
    v1.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=SNS
    )
    v1.update_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination={"Enabled": True}
    )
    with pytest.raises(ClientError) as info:
        v1.update_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="d", EventDestination={"Enabled": False}
        )
    assert info.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    # A throttled request changes nothing.
    (destination,) = v1.get_configuration_set_event_destinations(ConfigurationSetName="cs")[
        "EventDestinations"
    ]
    assert destination["Enabled"] is True


def test_limits_are_per_account_and_operation(fresh_server: Any) -> None:
    process = fresh_server("--throttling", "aws")
    first = client("pinpoint-sms-voice", process.endpoint, new_account())
    second = client("pinpoint-sms-voice", process.endpoint, new_account())
    for v1 in (first, second):
        v1.create_configuration_set(ConfigurationSetName="cs")
        v1.create_configuration_set(ConfigurationSetName="cs2")  # not a throttled operation
        v1.get_configuration_set_event_destinations(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as info:
        first.get_configuration_set_event_destinations(ConfigurationSetName="cs2")
    assert info.value.response["Error"]["Code"] == "TooManyRequestsException"


def test_throttling_off_allows_bursts(fresh_server: Any) -> None:
    process = fresh_server("--throttling", "off")
    v1 = client("pinpoint-sms-voice", process.endpoint, new_account())
    v1.create_configuration_set(ConfigurationSetName="cs")
    for _ in range(5):
        v1.get_configuration_set_event_destinations(ConfigurationSetName="cs")
    assert v1.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"] == []
