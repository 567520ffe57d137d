"""v2 configuration sets through boto3: create, describe (names, ARNs, filters, paging), delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.errors import error_of

SNS_TOPIC = "arn:aws:sns:us-east-1:111122223333:events"


def _names(answer: dict[str, Any]) -> list[str]:
    return [item["ConfigurationSetName"] for item in answer["ConfigurationSets"]]


def test_create_answers_arn_name_tags_and_timestamp(v2: Any, account: str) -> None:
    answer = v2.create_configuration_set(
        ConfigurationSetName="orders", Tags=[{"Key": "team", "Value": "billing"}]
    )
    assert answer["ConfigurationSetArn"] == f"arn:aws:sms-voice:us-east-1:{account}:configuration-set/orders"
    assert answer["ConfigurationSetName"] == "orders"
    assert answer["Tags"] == [{"Key": "team", "Value": "billing"}]
    assert isinstance(answer["CreatedTimestamp"], datetime)
    tags = v2.list_tags_for_resource(ResourceArn=answer["ConfigurationSetArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "billing"}]


def test_new_set_is_described_with_its_defaults(v2: Any) -> None:
    created = v2.create_configuration_set(ConfigurationSetName="fresh")
    described = v2.describe_configuration_sets()["ConfigurationSets"]
    assert described == [
        {
            "ConfigurationSetArn": created["ConfigurationSetArn"],
            "ConfigurationSetName": "fresh",
            "EventDestinations": [],
            "DefaultMessageFeedbackEnabled": False,
            "CreatedTimestamp": created["CreatedTimestamp"],
        }
    ]


def test_duplicate_name_is_conflict(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="dup")
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName="dup")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_EXISTS",
        "ResourceType": "configuration-set",
        "ResourceId": "dup",
    }


@pytest.mark.parametrize("name", ["has space", "x" * 65, "slash/name", "arn:aws:sms-voice:x"])
def test_invalid_name_is_validation_error(v2: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName=name)
    assert error_of(info)["Code"] == "ValidationException"
    assert error_of(info)["Reason"] == "FIELD_VALIDATION_FAILED"


def test_quota_of_configuration_sets_per_account(v2: Any) -> None:
    limits = {item["Name"]: item for item in v2.describe_account_limits()["AccountLimits"]}
    maximum = limits["CONFIGURATION_SETS"]["Max"]
    for number in range(maximum):
        v2.create_configuration_set(ConfigurationSetName=f"set-{number:03d}")
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName="one-too-many")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "CONFIGURATION_SETS_PER_ACCOUNT",
    }
    # Deleting one makes room again.
    v2.delete_configuration_set(ConfigurationSetName="set-000")
    v2.create_configuration_set(ConfigurationSetName="one-more")


def test_describe_by_names_and_arns(v2: Any) -> None:
    first = v2.create_configuration_set(ConfigurationSetName="alpha")
    v2.create_configuration_set(ConfigurationSetName="beta")
    v2.create_configuration_set(ConfigurationSetName="gamma")
    answer = v2.describe_configuration_sets(ConfigurationSetNames=["gamma", first["ConfigurationSetArn"]])
    assert _names(answer) == ["alpha", "gamma"]
    # The same set named twice, once by ARN, comes back once.
    twice = v2.describe_configuration_sets(ConfigurationSetNames=["alpha", first["ConfigurationSetArn"]])
    assert _names(twice) == ["alpha"]


def test_describe_unknown_name_is_not_found_with_the_name_given(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="known")
    with pytest.raises(ClientError) as info:
        v2.describe_configuration_sets(ConfigurationSetNames=["known", "unknown"])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": "unknown",
    }


def test_arn_of_another_account_or_region_is_not_found(v2: Any, endpoint: str, account: str) -> None:
    v2.create_configuration_set(ConfigurationSetName="mine")
    other_account = "999988887777" if account != "999988887777" else "111122223333"
    for arn in (
        f"arn:aws:sms-voice:us-east-1:{other_account}:configuration-set/mine",
        f"arn:aws:sms-voice:eu-west-1:{account}:configuration-set/mine",
        f"arn:aws:sms-voice:us-east-1:{account}:pool/mine",
    ):
        with pytest.raises(ClientError) as info:
            v2.describe_configuration_sets(ConfigurationSetNames=[arn])
        assert error_of(info)["Code"] == "ResourceNotFoundException"
        assert error_of(info)["ResourceId"] == arn
        with pytest.raises(ClientError) as info:
            v2.delete_configuration_set(ConfigurationSetName=arn)
        assert error_of(info)["Code"] == "ResourceNotFoundException"
    assert _names(v2.describe_configuration_sets()) == ["mine"]


def test_accounts_and_regions_are_isolated(v2: Any, endpoint: str, account: str) -> None:
    v2.create_configuration_set(ConfigurationSetName="shared-name")
    other = client(
        "pinpoint-sms-voice-v2", endpoint, "123412341234" if account != "123412341234" else "1" * 12
    )
    other_region = client("pinpoint-sms-voice-v2", endpoint, account, region="eu-west-1")
    assert _names(other_region.describe_configuration_sets()) == []
    # The same name is free in another region, and gets that region's ARN.
    created = other_region.create_configuration_set(ConfigurationSetName="shared-name")
    assert created["ConfigurationSetArn"] == (
        f"arn:aws:sms-voice:eu-west-1:{account}:configuration-set/shared-name"
    )
    assert "shared-name" not in _names(other.describe_configuration_sets())
    with pytest.raises(ClientError) as info:
        other.delete_configuration_set(ConfigurationSetName="shared-name")
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    other_region.delete_configuration_set(ConfigurationSetName="shared-name")
    assert _names(v2.describe_configuration_sets()) == ["shared-name"]


def test_paging_with_max_results_and_next_token(v2: Any) -> None:
    for name in ("e", "a", "d", "c", "b"):
        v2.create_configuration_set(ConfigurationSetName=name)
    first = v2.describe_configuration_sets(MaxResults=2)
    assert _names(first) == ["a", "b"]
    second = v2.describe_configuration_sets(MaxResults=2, NextToken=first["NextToken"])
    assert _names(second) == ["c", "d"]
    third = v2.describe_configuration_sets(MaxResults=2, NextToken=second["NextToken"])
    assert _names(third) == ["e"]
    assert "NextToken" not in third


def test_botocore_paginator_walks_every_page(v2: Any) -> None:
    for number in range(7):
        v2.create_configuration_set(ConfigurationSetName=f"p{number}")
    paginator = v2.get_paginator("describe_configuration_sets")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["ConfigurationSets"]) for page in pages] == [3, 3, 1]
    whole = paginator.paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert _names(whole) == [f"p{number}" for number in range(7)]


def test_invalid_next_token_is_validation_error(v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="only")
    with pytest.raises(ClientError) as info:
        v2.describe_configuration_sets(NextToken="not-a-token")
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_NEXT_TOKEN"}


def test_next_token_of_another_operation_is_invalid(v2: Any) -> None:
    limits = v2.describe_account_limits(MaxResults=1)
    with pytest.raises(ClientError) as info:
        v2.describe_configuration_sets(NextToken=limits["NextToken"])
    assert error_of(info)["Reason"] == "INVALID_NEXT_TOKEN"


def _filtered(v2: Any, name: str, *values: str) -> list[str]:
    return _names(v2.describe_configuration_sets(Filters=[{"Name": name, "Values": list(values)}]))


@pytest.fixture
def three_sets(v2: Any) -> Any:
    """`plain`; `sns` (destination `to-sns`, TEXT_DELIVERED, transactional, sender ACME, feedback on);
    `logs` (destination `to-logs`, VOICE_ALL + TEXT_BLOCKED, promotional)."""
    for name in ("plain", "sns", "logs"):
        v2.create_configuration_set(ConfigurationSetName=name)
    v2.create_event_destination(
        ConfigurationSetName="sns",
        EventDestinationName="to-sns",
        MatchingEventTypes=["TEXT_DELIVERED"],
        SnsDestination={"TopicArn": SNS_TOPIC},
    )
    v2.create_event_destination(
        ConfigurationSetName="logs",
        EventDestinationName="to-logs",
        MatchingEventTypes=["VOICE_ALL", "TEXT_BLOCKED"],
        CloudWatchLogsDestination={
            "IamRoleArn": "arn:aws:iam::111122223333:role/sms-logs",
            "LogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:sms",
        },
    )
    v2.set_default_message_type(ConfigurationSetName="sns", MessageType="TRANSACTIONAL")
    v2.set_default_message_type(ConfigurationSetName="logs", MessageType="PROMOTIONAL")
    v2.set_default_sender_id(ConfigurationSetName="sns", SenderId="ACME")
    v2.set_default_message_feedback_enabled(ConfigurationSetName="sns", MessageFeedbackEnabled=True)
    return v2


def test_filter_event_destination_name(three_sets: Any) -> None:
    assert _filtered(three_sets, "event-destination-name", "to-sns") == ["sns"]
    assert _filtered(three_sets, "event-destination-name", "to-sns", "to-logs") == ["logs", "sns"]
    assert _filtered(three_sets, "event-destination-name", "nothing") == []


def test_filter_matching_event_types(three_sets: Any) -> None:
    assert _filtered(three_sets, "matching-event-types", "TEXT_BLOCKED") == ["logs"]
    assert _filtered(three_sets, "matching-event-types", "TEXT_DELIVERED", "VOICE_ALL") == ["logs", "sns"]
    assert _filtered(three_sets, "matching-event-types", "MEDIA_ALL") == []


def test_filter_default_message_type(three_sets: Any) -> None:
    assert _filtered(three_sets, "default-message-type", "TRANSACTIONAL") == ["sns"]
    assert _filtered(three_sets, "default-message-type", "PROMOTIONAL", "TRANSACTIONAL") == ["logs", "sns"]


def test_filter_default_sender_id(three_sets: Any) -> None:
    assert _filtered(three_sets, "default-sender-id", "ACME") == ["sns"]
    assert _filtered(three_sets, "default-sender-id", "OTHER") == []


def test_filter_default_message_feedback_enabled(three_sets: Any) -> None:
    assert _filtered(three_sets, "default-message-feedback-enabled", "true") == ["sns"]
    assert _filtered(three_sets, "default-message-feedback-enabled", "false") == ["logs", "plain"]
    assert _filtered(three_sets, "default-message-feedback-enabled", "true", "false") == [
        "logs",
        "plain",
        "sns",
    ]


def test_filter_boolean_value_must_be_true_or_false(three_sets: Any) -> None:
    with pytest.raises(ClientError) as info:
        _filtered(three_sets, "default-message-feedback-enabled", "yes")
    assert error_of(info)["Reason"] == "INVALID_FILTER_VALUES"


def test_filter_protect_configuration_id_matches_nothing_without_one(three_sets: Any) -> None:
    assert _filtered(three_sets, "protect-configuration-id", "protect-0123456789abcdef0123456789abcdef") == []


def test_filters_combine_with_and(three_sets: Any) -> None:
    answer = three_sets.describe_configuration_sets(
        Filters=[
            {"Name": "default-message-type", "Values": ["TRANSACTIONAL", "PROMOTIONAL"]},
            {"Name": "matching-event-types", "Values": ["VOICE_ALL"]},
        ]
    )
    assert _names(answer) == ["logs"]


def test_unknown_filter_name_is_validation_error(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.describe_configuration_sets(Filters=[{"Name": "color", "Values": ["red"]}])
    assert error_of(info)["Code"] == "ValidationException"


def test_filters_apply_to_named_sets_too(three_sets: Any) -> None:
    answer = three_sets.describe_configuration_sets(
        ConfigurationSetNames=["plain", "sns"],
        Filters=[{"Name": "default-sender-id", "Values": ["ACME"]}],
    )
    assert _names(answer) == ["sns"]


def test_delete_returns_the_set_with_its_destinations_and_drops_it(v2: Any) -> None:
    created = v2.create_configuration_set(ConfigurationSetName="gone", Tags=[{"Key": "k", "Value": "v"}])
    v2.create_event_destination(
        ConfigurationSetName="gone",
        EventDestinationName="d1",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": SNS_TOPIC},
    )
    v2.set_default_sender_id(ConfigurationSetName="gone", SenderId="GONE")
    deleted = v2.delete_configuration_set(ConfigurationSetName=created["ConfigurationSetArn"])
    assert deleted["ConfigurationSetArn"] == created["ConfigurationSetArn"]
    assert deleted["ConfigurationSetName"] == "gone"
    assert deleted["DefaultSenderId"] == "GONE"
    assert deleted["CreatedTimestamp"] == created["CreatedTimestamp"]
    assert deleted["EventDestinations"] == [
        {
            "EventDestinationName": "d1",
            "Enabled": True,
            "MatchingEventTypes": ["ALL"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        }
    ]
    assert _names(v2.describe_configuration_sets()) == []
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=created["ConfigurationSetArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    # A set created again under the same name starts without the old tags.
    v2.create_configuration_set(ConfigurationSetName="gone")
    assert v2.list_tags_for_resource(ResourceArn=created["ConfigurationSetArn"])["Tags"] == []


def test_delete_unknown_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.delete_configuration_set(ConfigurationSetName="never-was")
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": "never-was",
    }
