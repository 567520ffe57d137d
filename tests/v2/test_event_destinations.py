"""v2 event destinations through boto3: create, update, delete, read back via DescribeConfigurationSets."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.support.arns import delivery_stream_arn, log_group_arn, role_arn, topic_arn
from tests.support.errors import error_of

ROLE = role_arn("sms-events")
LOG_GROUP = log_group_arn("sms-events")
STREAM = delivery_stream_arn("sms-events")
TOPIC = topic_arn("sms-events")

SINKS: dict[str, dict[str, str]] = {
    "CloudWatchLogsDestination": {"IamRoleArn": ROLE, "LogGroupArn": LOG_GROUP},
    "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
    "SnsDestination": {"TopicArn": TOPIC},
}


def _destinations(v2: Any, set_name: str) -> list[dict[str, Any]]:
    answer = v2.describe_configuration_sets(ConfigurationSetNames=[set_name])
    destinations: list[dict[str, Any]] = answer["ConfigurationSets"][0]["EventDestinations"]
    return destinations


@pytest.fixture
def configuration_set(v2: Any) -> dict[str, Any]:
    answer: dict[str, Any] = v2.create_configuration_set(ConfigurationSetName="events")
    return answer


@pytest.mark.parametrize("kind", sorted(SINKS))
def test_create_each_kind_comes_back_enabled(v2: Any, configuration_set: dict[str, Any], kind: str) -> None:
    answer = v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="dest",
        MatchingEventTypes=["TEXT_DELIVERED", "TEXT_BLOCKED"],
        **{kind: SINKS[kind]},
    )
    expected = {
        "EventDestinationName": "dest",
        "Enabled": True,
        "MatchingEventTypes": ["TEXT_DELIVERED", "TEXT_BLOCKED"],
        kind: SINKS[kind],
    }
    assert answer["ConfigurationSetArn"] == configuration_set["ConfigurationSetArn"]
    assert answer["ConfigurationSetName"] == "events"
    assert answer["EventDestination"] == expected
    assert _destinations(v2, "events") == [expected]


def test_set_may_be_named_by_arn(v2: Any, configuration_set: dict[str, Any]) -> None:
    arn = configuration_set["ConfigurationSetArn"]
    v2.create_event_destination(
        ConfigurationSetName=arn,
        EventDestinationName="by-arn",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": TOPIC},
    )
    v2.update_event_destination(ConfigurationSetName=arn, EventDestinationName="by-arn", Enabled=False)
    deleted = v2.delete_event_destination(ConfigurationSetName=arn, EventDestinationName="by-arn")
    assert deleted["EventDestination"]["Enabled"] is False


def test_no_destination_is_validation_error(v2: Any, configuration_set: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(
            ConfigurationSetName="events", EventDestinationName="none", MatchingEventTypes=["ALL"]
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "MISSING_PARAMETER"}
    assert _destinations(v2, "events") == []


def test_two_destinations_is_validation_error(v2: Any, configuration_set: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(
            ConfigurationSetName="events",
            EventDestinationName="two",
            MatchingEventTypes=["ALL"],
            SnsDestination=SINKS["SnsDestination"],
            KinesisFirehoseDestination=SINKS["KinesisFirehoseDestination"],
        )
    error = error_of(info)
    assert (error["Code"], error["Reason"]) == ("ValidationException", "PARAMETERS_CANNOT_BE_USED_TOGETHER")
    fields = {item["Name"] for item in info.value.response["Fields"]}
    assert fields == {"SnsDestination", "KinesisFirehoseDestination"}


@pytest.mark.parametrize(
    ("kind", "sink"),
    [
        ("SnsDestination", {"TopicArn": "arn:aws:sqs:us-east-1:111122223333:queue"}),
        ("CloudWatchLogsDestination", {"IamRoleArn": TOPIC, "LogGroupArn": LOG_GROUP}),
        ("CloudWatchLogsDestination", {"IamRoleArn": ROLE, "LogGroupArn": STREAM}),
        ("KinesisFirehoseDestination", {"IamRoleArn": ROLE, "DeliveryStreamArn": LOG_GROUP}),
        (
            "KinesisFirehoseDestination",
            {"IamRoleArn": "arn:aws:iam::111122223333:user/bob", "DeliveryStreamArn": STREAM},
        ),
        ("SnsDestination", {"TopicArn": "arn:not-really-an-arn"}),
    ],
)
def test_destination_arns_must_name_the_right_service(
    v2: Any, configuration_set: dict[str, Any], kind: str, sink: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(
            ConfigurationSetName="events",
            EventDestinationName="bad",
            MatchingEventTypes=["ALL"],
            **{kind: sink},
        )
    assert error_of(info)["Code"] == "ValidationException"
    assert error_of(info)["Reason"] == "INVALID_ARN"


def test_unknown_configuration_set_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(
            ConfigurationSetName="missing",
            EventDestinationName="d",
            MatchingEventTypes=["ALL"],
            SnsDestination={"TopicArn": TOPIC},
        )
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": "missing",
    }


def test_duplicate_name_is_conflict(v2: Any, configuration_set: dict[str, Any]) -> None:
    arguments = {
        "ConfigurationSetName": "events",
        "EventDestinationName": "twice",
        "MatchingEventTypes": ["ALL"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    v2.create_event_destination(**arguments)
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(**arguments)
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_EXISTS",
        "ResourceType": "event-destination",
        "ResourceId": "twice",
    }


def test_at_most_five_per_set(v2: Any, configuration_set: dict[str, Any]) -> None:
    for number in range(5):
        v2.create_event_destination(
            ConfigurationSetName="events",
            EventDestinationName=f"d{number}",
            MatchingEventTypes=["ALL"],
            SnsDestination={"TopicArn": TOPIC},
        )
    with pytest.raises(ClientError) as info:
        v2.create_event_destination(
            ConfigurationSetName="events",
            EventDestinationName="d5",
            MatchingEventTypes=["ALL"],
            SnsDestination={"TopicArn": TOPIC},
        )
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "EVENT_DESTINATIONS_PER_CONFIGURATION_SET",
    }
    assert [item["EventDestinationName"] for item in _destinations(v2, "events")] == [
        f"d{number}" for number in range(5)
    ]
    # Another set has its own five.
    v2.create_configuration_set(ConfigurationSetName="other")
    v2.create_event_destination(
        ConfigurationSetName="other",
        EventDestinationName="d5",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": TOPIC},
    )


def _event_types() -> list[str]:
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    return list(model.shape_for("EventType").enum)


def test_matching_event_types_take_every_value_of_the_model(
    v2: Any, configuration_set: dict[str, Any]
) -> None:
    every = _event_types()
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    maximum = (
        model.operation_model("CreateEventDestination")
        .input_shape.members["MatchingEventTypes"]
        .metadata["max"]
    )
    chosen = every[:maximum]
    answer = v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="all-types",
        MatchingEventTypes=chosen,
        SnsDestination={"TopicArn": TOPIC},
    )
    assert answer["EventDestination"]["MatchingEventTypes"] == chosen
    # TEXT_SENT is in the enum though AWS says it is "not supported": accepted, never published.
    assert "TEXT_SENT" in every


def test_matching_event_types_bounds_and_enum_are_validated(
    v2: Any, configuration_set: dict[str, Any]
) -> None:
    # (botocore itself refuses an empty list: the minimum is checked client-side.)
    for types in (["NOT_AN_EVENT"], ["TEXT_DELIVERED"] * 100):
        with pytest.raises(ClientError) as info:
            v2.create_event_destination(
                ConfigurationSetName="events",
                EventDestinationName="bounds",
                MatchingEventTypes=types,
                SnsDestination={"TopicArn": TOPIC},
            )
        assert error_of(info)["Code"] == "ValidationException"


def _create_sns(v2: Any, name: str = "dest") -> None:
    v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName=name,
        MatchingEventTypes=["TEXT_DELIVERED"],
        SnsDestination={"TopicArn": TOPIC},
    )


def test_update_changes_only_members_given(v2: Any, configuration_set: dict[str, Any]) -> None:
    _create_sns(v2)
    disabled = v2.update_event_destination(
        ConfigurationSetName="events", EventDestinationName="dest", Enabled=False
    )
    assert disabled["EventDestination"] == {
        "EventDestinationName": "dest",
        "Enabled": False,
        "MatchingEventTypes": ["TEXT_DELIVERED"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    retyped = v2.update_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="dest",
        MatchingEventTypes=["TEXT_QUEUED", "TEXT_BLOCKED"],
    )
    assert retyped["EventDestination"]["Enabled"] is False
    assert retyped["EventDestination"]["MatchingEventTypes"] == ["TEXT_QUEUED", "TEXT_BLOCKED"]
    new_topic = "arn:aws:sns:us-east-1:111122223333:other-topic"
    moved = v2.update_event_destination(
        ConfigurationSetName="events", EventDestinationName="dest", SnsDestination={"TopicArn": new_topic}
    )
    assert moved["EventDestination"] == {
        "EventDestinationName": "dest",
        "Enabled": False,
        "MatchingEventTypes": ["TEXT_QUEUED", "TEXT_BLOCKED"],
        "SnsDestination": {"TopicArn": new_topic},
    }
    assert _destinations(v2, "events") == [moved["EventDestination"]]


def test_update_role_of_a_firehose_destination(v2: Any, configuration_set: dict[str, Any]) -> None:
    v2.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="hose",
        MatchingEventTypes=["ALL"],
        KinesisFirehoseDestination=SINKS["KinesisFirehoseDestination"],
    )
    new_role = "arn:aws:iam::111122223333:role/another"
    answer = v2.update_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="hose",
        KinesisFirehoseDestination={"IamRoleArn": new_role, "DeliveryStreamArn": STREAM},
    )
    assert answer["EventDestination"]["KinesisFirehoseDestination"]["IamRoleArn"] == new_role


def test_update_to_another_kind_is_conflict(v2: Any, configuration_set: dict[str, Any]) -> None:
    _create_sns(v2)
    with pytest.raises(ClientError) as info:
        v2.update_event_destination(
            ConfigurationSetName="events",
            EventDestinationName="dest",
            CloudWatchLogsDestination=SINKS["CloudWatchLogsDestination"],
        )
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "EVENT_DESTINATION_MISMATCH",
        "ResourceType": "event-destination",
        "ResourceId": "dest",
    }
    assert "SnsDestination" in _destinations(v2, "events")[0]


def test_update_with_bad_arn_or_two_kinds_is_validation_error(
    v2: Any, configuration_set: dict[str, Any]
) -> None:
    _create_sns(v2)
    with pytest.raises(ClientError) as info:
        v2.update_event_destination(
            ConfigurationSetName="events", EventDestinationName="dest", SnsDestination={"TopicArn": ROLE}
        )
    assert error_of(info)["Reason"] == "INVALID_ARN"
    with pytest.raises(ClientError) as info:
        v2.update_event_destination(
            ConfigurationSetName="events",
            EventDestinationName="dest",
            SnsDestination={"TopicArn": TOPIC},
            CloudWatchLogsDestination=SINKS["CloudWatchLogsDestination"],
        )
    assert error_of(info)["Reason"] == "PARAMETERS_CANNOT_BE_USED_TOGETHER"


def test_update_unknown_destination_or_set_is_not_found(v2: Any, configuration_set: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        v2.update_event_destination(ConfigurationSetName="events", EventDestinationName="nope", Enabled=True)
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "event-destination",
        "ResourceId": "nope",
    }
    with pytest.raises(ClientError) as info:
        v2.update_event_destination(ConfigurationSetName="no-set", EventDestinationName="nope", Enabled=True)
    assert error_of(info)["ResourceType"] == "configuration-set"


def test_delete_returns_the_deleted_destination(v2: Any, configuration_set: dict[str, Any]) -> None:
    _create_sns(v2, "keep")
    _create_sns(v2, "drop")
    answer = v2.delete_event_destination(ConfigurationSetName="events", EventDestinationName="drop")
    assert answer["ConfigurationSetArn"] == configuration_set["ConfigurationSetArn"]
    assert answer["ConfigurationSetName"] == "events"
    assert answer["EventDestination"] == {
        "EventDestinationName": "drop",
        "Enabled": True,
        "MatchingEventTypes": ["TEXT_DELIVERED"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    assert [item["EventDestinationName"] for item in _destinations(v2, "events")] == ["keep"]
    with pytest.raises(ClientError) as info:
        v2.delete_event_destination(ConfigurationSetName="events", EventDestinationName="drop")
    assert error_of(info)["ResourceType"] == "event-destination"
    with pytest.raises(ClientError) as info:
        v2.delete_event_destination(ConfigurationSetName="no-set", EventDestinationName="keep")
    assert error_of(info)["ResourceType"] == "configuration-set"


def test_a_deleted_slot_can_be_reused(v2: Any, configuration_set: dict[str, Any]) -> None:
    for number in range(5):
        _create_sns(v2, f"d{number}")
    v2.delete_event_destination(ConfigurationSetName="events", EventDestinationName="d2")
    _create_sns(v2, "d2")
    assert len(_destinations(v2, "events")) == 5
