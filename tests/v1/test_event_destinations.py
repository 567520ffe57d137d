"""v1 event destinations (the seed's resource) through boto3 against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.arns import delivery_stream_arn, log_group_arn, role_arn, topic_arn

TOPIC = topic_arn("voice-events")
ROLE = role_arn("sms-voice-events")
LOG_GROUP = log_group_arn("voice-calls")
STREAM = delivery_stream_arn("voice-calls")


def _code_status(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def voice_set(v1: Any) -> str:
    v1.create_configuration_set(ConfigurationSetName="voice")
    return "voice"


def _sns(types: list[str], enabled: bool | None = True) -> dict[str, Any]:
    definition: dict[str, Any] = {"MatchingEventTypes": types, "SnsDestination": {"TopicArn": TOPIC}}
    if enabled is not None:
        definition["Enabled"] = enabled
    return definition


def test_create_and_get_each_destination_kind(v1: Any, voice_set: str) -> None:
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set, EventDestinationName="sns", EventDestination=_sns(["RINGING"])
    )
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set,
        EventDestinationName="logs",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["ANSWERED", "COMPLETED_CALL"],
            "CloudWatchLogsDestination": {"IamRoleArn": ROLE, "LogGroupArn": LOG_GROUP},
        },
    )
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set,
        EventDestinationName="firehose",
        EventDestination={
            "MatchingEventTypes": ["FAILED"],
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        },
    )
    found = {
        d["Name"]: d
        for d in v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)[
            "EventDestinations"
        ]
    }
    assert found["sns"] == {
        "Name": "sns",
        "Enabled": True,
        "MatchingEventTypes": ["RINGING"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    assert found["logs"]["CloudWatchLogsDestination"] == {"IamRoleArn": ROLE, "LogGroupArn": LOG_GROUP}
    assert found["firehose"]["KinesisFirehoseDestination"]["DeliveryStreamArn"] == STREAM
    assert found["firehose"]["Enabled"] is False  # omitted Enabled is false (documented choice)


def test_eleventh_destination_is_limit_exceeded_412(v1: Any, voice_set: str) -> None:
    for index in range(10):
        v1.create_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName=f"d{index}", EventDestination=_sns(["BUSY"])
        )
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName="d10", EventDestination=_sns(["BUSY"])
        )
    assert _code_status(info) == ("LimitExceededException", 412)
    assert (
        len(v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)["EventDestinations"])
        == 10
    )


def test_duplicate_destination_is_already_exists_409(v1: Any, voice_set: str) -> None:
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set, EventDestinationName="d", EventDestination=_sns(["BUSY"])
    )
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName="d", EventDestination=_sns(["FAILED"])
        )
    assert _code_status(info) == ("AlreadyExistsException", 409)


def test_missing_set_is_not_found_404(v1: Any) -> None:
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set_event_destination(
            ConfigurationSetName="ghost", EventDestinationName="d", EventDestination=_sns(["BUSY"])
        )
    assert _code_status(info) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        v1.get_configuration_set_event_destinations(ConfigurationSetName="ghost")
    assert _code_status(info) == ("NotFoundException", 404)


@pytest.mark.parametrize(
    "definition",
    [
        {"MatchingEventTypes": ["DELIVERED"], "SnsDestination": {"TopicArn": TOPIC}},  # outside the v1 enum
        {"MatchingEventTypes": [], "SnsDestination": {"TopicArn": TOPIC}},
        {"MatchingEventTypes": ["BUSY"]},  # no destination
        {
            "MatchingEventTypes": ["BUSY"],
            "SnsDestination": {"TopicArn": TOPIC},
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        },
        {"MatchingEventTypes": ["BUSY"], "SnsDestination": {"TopicArn": "not-an-arn"}},
        {"MatchingEventTypes": ["BUSY"], "CloudWatchLogsDestination": {"LogGroupArn": LOG_GROUP}},
        {"MatchingEventTypes": ["BUSY"], "SnsDestination": {"TopicArn": LOG_GROUP}},  # ARN of another service
    ],
    ids=["bad-enum", "no-types", "no-kind", "two-kinds", "bad-arn", "missing-role", "wrong-service"],
)
def test_bad_definitions_are_bad_requests_and_change_nothing(
    v1: Any, voice_set: str, definition: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName="bad", EventDestination=definition
        )
    assert _code_status(info) == ("BadRequestException", 400)
    assert (
        v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)["EventDestinations"] == []
    )


def test_update_changes_members_given(v1: Any, voice_set: str) -> None:
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set, EventDestinationName="d", EventDestination=_sns(["BUSY"])
    )
    v1.update_configuration_set_event_destination(
        ConfigurationSetName=voice_set,
        EventDestinationName="d",
        EventDestination={"Enabled": False, "MatchingEventTypes": ["NO_ANSWER", "FAILED"]},
    )
    (destination,) = v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)[
        "EventDestinations"
    ]
    assert destination == {
        "Name": "d",
        "Enabled": False,
        "MatchingEventTypes": ["NO_ANSWER", "FAILED"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    v1.update_configuration_set_event_destination(
        ConfigurationSetName=voice_set,
        EventDestinationName="d",
        EventDestination={"CloudWatchLogsDestination": {"IamRoleArn": ROLE, "LogGroupArn": LOG_GROUP}},
    )
    (destination,) = v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)[
        "EventDestinations"
    ]
    assert "SnsDestination" not in destination
    assert destination["CloudWatchLogsDestination"]["LogGroupArn"] == LOG_GROUP


def test_update_and_delete_missing_destination_are_not_found(v1: Any, voice_set: str) -> None:
    with pytest.raises(ClientError) as info:
        v1.update_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName="ghost", EventDestination=_sns(["BUSY"])
        )
    assert _code_status(info) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        v1.delete_configuration_set_event_destination(
            ConfigurationSetName=voice_set, EventDestinationName="ghost"
        )
    assert _code_status(info) == ("NotFoundException", 404)


def test_delete_destination_then_set(v1: Any, voice_set: str) -> None:
    v1.create_configuration_set_event_destination(
        ConfigurationSetName=voice_set, EventDestinationName="d", EventDestination=_sns(["BUSY"])
    )
    v1.delete_configuration_set_event_destination(ConfigurationSetName=voice_set, EventDestinationName="d")
    assert (
        v1.get_configuration_set_event_destinations(ConfigurationSetName=voice_set)["EventDestinations"] == []
    )
    v1.delete_configuration_set(ConfigurationSetName=voice_set)
    assert v1.list_configuration_sets()["ConfigurationSets"] == []
