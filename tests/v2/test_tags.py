"""Tags on configuration sets through boto3: tag, overwrite, untag, list, limits and unknown ARNs."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.errors import error_of


def _tags(v2: Any, arn: str) -> dict[str, str]:
    answer = v2.list_tags_for_resource(ResourceArn=arn)
    assert answer["ResourceArn"] == arn
    return {item["Key"]: item["Value"] for item in answer["Tags"]}


@pytest.fixture
def arn(v2: Any) -> str:
    created: str = v2.create_configuration_set(ConfigurationSetName="tagged")["ConfigurationSetArn"]
    return created


def test_a_new_set_has_no_tags(v2: Any, arn: str) -> None:
    assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == []


def test_tag_adds_and_overwrites_by_key(v2: Any, arn: str) -> None:
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}])
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}, {"Key": "cost", "Value": ""}])
    assert _tags(v2, arn) == {"team": "b", "env": "dev", "cost": ""}


def test_keys_are_case_sensitive(v2: Any, arn: str) -> None:
    v2.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "Team", "Value": "upper"}, {"Key": "team", "Value": "lower"}]
    )
    assert _tags(v2, arn) == {"Team": "upper", "team": "lower"}


def test_untag_removes_only_the_keys_given(v2: Any, arn: str) -> None:
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": key, "Value": key.upper()} for key in ("a", "b", "c")])
    v2.untag_resource(ResourceArn=arn, TagKeys=["a", "c", "not-there"])
    assert _tags(v2, arn) == {"b": "B"}
    v2.untag_resource(ResourceArn=arn, TagKeys=["b"])
    assert _tags(v2, arn) == {}


def test_untag_of_an_untagged_resource_is_fine(v2: Any, arn: str) -> None:
    v2.untag_resource(ResourceArn=arn, TagKeys=["nothing"])
    assert _tags(v2, arn) == {}


def test_at_most_200_tags_per_resource(v2: Any, arn: str) -> None:
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{number}", "Value": "v"} for number in range(150)])
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{number}", "Value": "w"} for number in range(100, 200)])
    assert len(_tags(v2, arn)) == 200
    with pytest.raises(ClientError) as info:
        v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "k200", "Value": "v"}])
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "TAGS_PER_RESOURCE",
    }
    # Overwriting existing keys at the limit is still allowed, and nothing of the refused call was kept.
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "changed"}])
    tags = _tags(v2, arn)
    assert len(tags) == 200
    assert tags["k0"] == "changed"
    assert "k200" not in tags


def test_create_with_200_tags_then_one_more_is_refused(v2: Any) -> None:
    created = v2.create_configuration_set(
        ConfigurationSetName="full", Tags=[{"Key": f"k{number}", "Value": "v"} for number in range(200)]
    )
    with pytest.raises(ClientError) as info:
        v2.tag_resource(ResourceArn=created["ConfigurationSetArn"], Tags=[{"Key": "extra", "Value": "v"}])
    assert error_of(info)["Reason"] == "TAGS_PER_RESOURCE"


def test_more_than_200_in_one_call_is_validation_error(v2: Any, arn: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{number}", "Value": "v"} for number in range(201)])
    assert error_of(info)["Code"] == "ValidationException"


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_unknown_arn_is_not_found(v2: Any, account: str, operation: str) -> None:
    missing = f"arn:aws:sms-voice:us-east-1:{account}:configuration-set/missing"
    with pytest.raises(ClientError) as info:
        if operation == "tag":
            v2.tag_resource(ResourceArn=missing, Tags=[{"Key": "k", "Value": "v"}])
        elif operation == "untag":
            v2.untag_resource(ResourceArn=missing, TagKeys=["k"])
        else:
            v2.list_tags_for_resource(ResourceArn=missing)
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "configuration-set",
        "ResourceId": missing,
    }


def test_arn_of_another_account_or_region_is_not_found(
    v2: Any, endpoint: str, account: str, arn: str
) -> None:
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "me"}])
    stranger = client(
        "pinpoint-sms-voice-v2", endpoint, "555566667777" if account != "555566667777" else "1" * 12
    )
    elsewhere = client("pinpoint-sms-voice-v2", endpoint, account, region="ap-southeast-2")
    for other in (stranger, elsewhere):
        with pytest.raises(ClientError) as info:
            other.tag_resource(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "them"}])
        assert error_of(info)["Code"] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as info:
            other.list_tags_for_resource(ResourceArn=arn)
        assert error_of(info)["Code"] == "ResourceNotFoundException"
    assert _tags(v2, arn) == {"owner": "me"}


def test_arns_of_no_known_resource_are_not_found(v2: Any, account: str) -> None:
    for arn in (
        f"arn:aws:sms-voice:us-east-1:{account}:gadget/thing",
        "arn:aws:sns:us-east-1:111122223333:topic",
        f"arn:aws:sms-voice:us-east-1:{account}:configuration-set",
    ):
        with pytest.raises(ClientError) as info:
            v2.list_tags_for_resource(ResourceArn=arn)
        error = error_of(info)
        assert error["Code"] == "ResourceNotFoundException"
        assert error["ResourceId"] == arn


def test_malformed_arn_is_validation_error(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn="not-an-arn-at-all-really")
    assert error_of(info)["Code"] == "ValidationException"
