"""Server-side validation of every model constraint (botocore checks only required, type and min)."""

from __future__ import annotations

from typing import Any

from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.validation import validate_input

V2 = load_service_model("pinpoint-sms-voice-v2")


def _problems(operation: str, params: dict[str, Any]) -> dict[str, str]:
    _, problems = validate_input(V2.operation_model(operation).input_shape, params)
    found: dict[str, str] = {}
    for problem in problems:
        found[problem.name] = (
            f"{found[problem.name]}; {problem.message}" if problem.name in found else problem.message
        )
    return found


def test_a_valid_request_has_no_problems() -> None:
    assert _problems("CreateConfigurationSet", {"ConfigurationSetName": "cs-1"}) == {}


def test_required_member_missing() -> None:
    found = _problems("CreateConfigurationSet", {})
    assert "Member must not be null" in found["ConfigurationSetName"]


def test_max_length_and_pattern() -> None:
    found = _problems("CreateConfigurationSet", {"ConfigurationSetName": "a b" * 30})
    assert "length less than or equal to 64" in found["ConfigurationSetName"]
    assert _problems("CreateConfigurationSet", {"ConfigurationSetName": "a b"}) == {
        "ConfigurationSetName": "Value 'a b' at 'ConfigurationSetName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [A-Za-z0-9_-]+"
    }


def test_enum_outside_the_model() -> None:
    found = _problems("SetDefaultMessageType", {"ConfigurationSetName": "cs", "MessageType": "BULK"})
    assert "enum value set: [TRANSACTIONAL, PROMOTIONAL]" in found["MessageType"]


def test_list_size_and_nested_paths() -> None:
    params = {
        "ConfigurationSetName": "cs",
        "EventDestinationName": "d",
        "MatchingEventTypes": [],
        "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:111122223333:t"},
    }
    found = _problems("CreateEventDestination", params)
    assert "length greater than or equal to 1" in found["MatchingEventTypes"]
    params["MatchingEventTypes"] = ["NOT_AN_EVENT"]
    assert "enum value set" in _problems("CreateEventDestination", params)["MatchingEventTypes[0]"]


def test_numeric_range() -> None:
    found = _problems("DescribeConfigurationSets", {"MaxResults": 101})
    assert "value less than or equal to 100" in found["MaxResults"]
    assert (
        "value greater than or equal to 1"
        in _problems("DescribeConfigurationSets", {"MaxResults": 0})["MaxResults"]
    )


def test_wrong_types_are_problems_not_crashes() -> None:
    assert (
        "of type string"
        in _problems("CreateConfigurationSet", {"ConfigurationSetName": 5})["ConfigurationSetName"]
    )
    assert "of type integer" in _problems("DescribeConfigurationSets", {"MaxResults": "5"})["MaxResults"]
    assert "of type integer" in _problems("DescribeConfigurationSets", {"MaxResults": True})["MaxResults"]
    assert (
        "must be a list"
        in _problems("DescribeConfigurationSets", {"ConfigurationSetNames": "cs"})["ConfigurationSetNames"]
    )
    assert (
        "of type boolean"
        in _problems(
            "SetDefaultMessageFeedbackEnabled",
            {"ConfigurationSetName": "cs", "MessageFeedbackEnabled": "yes"},
        )["MessageFeedbackEnabled"]
    )


def test_map_sizes_and_value_patterns() -> None:
    context = {f"k{i}": "v" for i in range(6)}
    found = _problems("SendTextMessage", {"DestinationPhoneNumber": "+12065550100", "Context": context})
    assert "length less than or equal to 5" in found["Context"]
    found = _problems(
        "SendTextMessage", {"DestinationPhoneNumber": "+12065550100", "Context": {"k": " padded "}}
    )
    assert "regular expression pattern" in found["Context[k]"]


def test_union_needs_exactly_one_member() -> None:
    union = V2.shape_for("RcsContent")
    _, problems = validate_input(union, {})
    assert any("exactly one member" in problem.message for problem in problems)


def test_outputs_with_members_outside_the_model_are_rejected_in_strict_mode() -> None:
    shape = V2.operation_model("CreateConfigurationSet").output_shape
    output = {"ConfigurationSetName": "cs", "InternalNote": "leaked"}
    _, lenient = validate_input(shape, output)
    _, strict = validate_input(shape, output, reject_unknown=True)
    assert lenient == []
    assert [problem.name for problem in strict] == ["InternalNote"]
