"""Per-configuration-set defaults through boto3: message type, sender ID, message feedback."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of


def _described(v2: Any, name: str = "defaults") -> dict[str, Any]:
    found: dict[str, Any] = v2.describe_configuration_sets(ConfigurationSetNames=[name])["ConfigurationSets"][
        0
    ]
    return found


@pytest.fixture
def configuration_set(v2: Any) -> dict[str, Any]:
    answer: dict[str, Any] = v2.create_configuration_set(ConfigurationSetName="defaults")
    return answer


def test_default_message_type_set_shown_and_deleted(v2: Any, configuration_set: dict[str, Any]) -> None:
    answer = v2.set_default_message_type(ConfigurationSetName="defaults", MessageType="TRANSACTIONAL")
    assert answer["ConfigurationSetArn"] == configuration_set["ConfigurationSetArn"]
    assert answer["ConfigurationSetName"] == "defaults"
    assert answer["MessageType"] == "TRANSACTIONAL"
    assert _described(v2)["DefaultMessageType"] == "TRANSACTIONAL"
    v2.set_default_message_type(ConfigurationSetName="defaults", MessageType="PROMOTIONAL")
    assert _described(v2)["DefaultMessageType"] == "PROMOTIONAL"
    deleted = v2.delete_default_message_type(ConfigurationSetName="defaults")
    # The answer carries the value that was removed.
    assert deleted["MessageType"] == "PROMOTIONAL"
    assert "DefaultMessageType" not in _described(v2)


def test_deleting_an_unset_default_is_not_an_error(v2: Any, configuration_set: dict[str, Any]) -> None:
    message_type = v2.delete_default_message_type(ConfigurationSetName="defaults")
    assert message_type["ConfigurationSetName"] == "defaults"
    assert "MessageType" not in message_type
    sender_id = v2.delete_default_sender_id(ConfigurationSetName="defaults")
    assert "SenderId" not in sender_id


def test_invalid_message_type_is_validation_error(v2: Any, configuration_set: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        v2.set_default_message_type(ConfigurationSetName="defaults", MessageType="MARKETING")
    assert error_of(info)["Code"] == "ValidationException"
    assert "DefaultMessageType" not in _described(v2)


def test_default_sender_id_set_shown_and_deleted(v2: Any, configuration_set: dict[str, Any]) -> None:
    answer = v2.set_default_sender_id(ConfigurationSetName="defaults", SenderId="MyBrand")
    assert answer["SenderId"] == "MyBrand"
    assert answer["ConfigurationSetArn"] == configuration_set["ConfigurationSetArn"]
    assert _described(v2)["DefaultSenderId"] == "MyBrand"
    deleted = v2.delete_default_sender_id(ConfigurationSetName=configuration_set["ConfigurationSetArn"])
    assert deleted["SenderId"] == "MyBrand"
    assert "DefaultSenderId" not in _described(v2)


@pytest.mark.parametrize("sender_id", ["TWELVE_CHARS", "with space", "dot.ted"])
def test_sender_id_must_follow_the_model(v2: Any, configuration_set: dict[str, Any], sender_id: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.set_default_sender_id(ConfigurationSetName="defaults", SenderId=sender_id)
    assert error_of(info)["Code"] == "ValidationException"


def test_message_feedback_default_is_false_and_can_be_switched(
    v2: Any, configuration_set: dict[str, Any]
) -> None:
    assert _described(v2)["DefaultMessageFeedbackEnabled"] is False
    answer = v2.set_default_message_feedback_enabled(
        ConfigurationSetName="defaults", MessageFeedbackEnabled=True
    )
    assert answer["MessageFeedbackEnabled"] is True
    assert answer["ConfigurationSetName"] == "defaults"
    assert _described(v2)["DefaultMessageFeedbackEnabled"] is True
    v2.set_default_message_feedback_enabled(ConfigurationSetName="defaults", MessageFeedbackEnabled=False)
    assert _described(v2)["DefaultMessageFeedbackEnabled"] is False


def test_defaults_survive_other_changes_and_show_in_delete(
    v2: Any, configuration_set: dict[str, Any]
) -> None:
    v2.set_default_message_type(ConfigurationSetName="defaults", MessageType="TRANSACTIONAL")
    v2.set_default_sender_id(ConfigurationSetName="defaults", SenderId="ACME")
    v2.set_default_message_feedback_enabled(ConfigurationSetName="defaults", MessageFeedbackEnabled=True)
    v2.create_event_destination(
        ConfigurationSetName="defaults",
        EventDestinationName="d",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": "arn:aws:sns:us-east-1:111122223333:t"},
    )
    deleted = v2.delete_configuration_set(ConfigurationSetName="defaults")
    assert deleted["DefaultMessageType"] == "TRANSACTIONAL"
    assert deleted["DefaultSenderId"] == "ACME"
    assert deleted["DefaultMessageFeedbackEnabled"] is True
    assert len(deleted["EventDestinations"]) == 1


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        ("set_default_message_type", {"MessageType": "TRANSACTIONAL"}),
        ("delete_default_message_type", {}),
        ("set_default_sender_id", {"SenderId": "ACME"}),
        ("delete_default_sender_id", {}),
        ("set_default_message_feedback_enabled", {"MessageFeedbackEnabled": True}),
    ],
)
def test_unknown_set_is_not_found(v2: Any, operation: str, arguments: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        getattr(v2, operation)(ConfigurationSetName="nowhere", **arguments)
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": "nowhere",
    }
