"""v2 RCS agents through boto3: create, describe (ids, ARNs, filters, paging), update, delete, launch status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_RCS_AGENTS_PER_ACCOUNT
from tests.support.clients import client, new_account
from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix

CHANNEL_ARN = "arn:aws:sns:us-east-1:111122223333:inbound"


def test_create_answers_an_active_agent(v2: Any, account: str) -> None:
    answer = v2.create_rcs_agent(Tags=[{"Key": "team", "Value": "cx"}])
    agent_id = answer["RcsAgentId"]
    assert re.fullmatch(r"rcs-[0-9a-f]{32}", agent_id)
    assert answer["RcsAgentArn"] == f"{arn_prefix(account)}rcs-agent/{agent_id}"
    assert answer["Status"] == "ACTIVE"
    assert (
        answer["DeletionProtectionEnabled"],
        answer["SelfManagedOptOutsEnabled"],
        answer["TwoWayEnabled"],
    ) == (
        False,
        False,
        False,
    )
    assert answer["OptOutListName"] == "Default"
    assert answer["Tags"] == [{"Key": "team", "Value": "cx"}]
    assert v2.list_tags_for_resource(ResourceArn=answer["RcsAgentArn"])["Tags"] == answer["Tags"]


def test_create_with_an_opt_out_list_by_arn(v2: Any) -> None:
    created = v2.create_opt_out_list(OptOutListName="rcs-list")
    answer = v2.create_rcs_agent(OptOutListName=created["OptOutListArn"], DeletionProtectionEnabled=True)
    assert (answer["OptOutListName"], answer["DeletionProtectionEnabled"]) == ("rcs-list", True)


def test_create_with_an_unknown_opt_out_list_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.create_rcs_agent(OptOutListName="nope")
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    assert error_of(info)["ResourceType"] == "opt-out-list"
    assert v2.describe_rcs_agents()["RcsAgents"] == []


def test_describe_by_id_and_arn(v2: Any) -> None:
    first = v2.create_rcs_agent()
    second = v2.create_rcs_agent()
    found = v2.describe_rcs_agents(RcsAgentIds=[first["RcsAgentId"], second["RcsAgentArn"]])["RcsAgents"]
    assert sorted(item["RcsAgentId"] for item in found) == sorted([first["RcsAgentId"], second["RcsAgentId"]])
    assert all(item["Status"] == "ACTIVE" and "CreatedTimestamp" in item for item in found)


def test_describe_unknown_id_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.describe_rcs_agents(RcsAgentIds=["rcs-00000000000000000000000000000000"])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "rcs-agent",
        "ResourceId": "rcs-00000000000000000000000000000000",
    }


def test_arn_of_another_account_is_not_found(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    foreign = agent["RcsAgentArn"].replace(agent["RcsAgentArn"].split(":")[4], "999999999999")
    with pytest.raises(ClientError) as info:
        v2.describe_rcs_agents(RcsAgentIds=[foreign])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_agents_of_another_account_are_invisible(v2: Any, endpoint: str) -> None:
    v2.create_rcs_agent()
    other = client("pinpoint-sms-voice-v2", endpoint, new_account())
    assert other.describe_rcs_agents()["RcsAgents"] == []


def test_owner_and_ids_together_are_invalid(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    with pytest.raises(ClientError) as info:
        v2.describe_rcs_agents(RcsAgentIds=[agent["RcsAgentId"]], Owner="SELF")
    assert error_of(info)["Reason"] == "PARAMETERS_CANNOT_BE_USED_TOGETHER"
    assert v2.describe_rcs_agents(Owner="SHARED")["RcsAgents"] == []


def test_filters(v2: Any) -> None:
    protected = v2.create_rcs_agent(DeletionProtectionEnabled=True)
    plain = v2.create_rcs_agent()

    def ids(filters: list[dict[str, Any]]) -> list[str]:
        return [item["RcsAgentId"] for item in v2.describe_rcs_agents(Filters=filters)["RcsAgents"]]

    assert ids([{"Name": "deletion-protection-enabled", "Values": ["true"]}]) == [protected["RcsAgentId"]]
    assert ids([{"Name": "deletion-protection-enabled", "Values": ["false"]}]) == [plain["RcsAgentId"]]
    assert len(ids([{"Name": "status", "Values": ["ACTIVE"]}])) == 2
    assert ids([{"Name": "status", "Values": ["PENDING"]}]) == []
    assert len(ids([{"Name": "opt-out-list-name", "Values": ["Default"]}])) == 2
    with pytest.raises(ClientError) as info:
        ids([{"Name": "two-way-enabled", "Values": ["maybe"]}])
    assert error_of(info)["Reason"] == "INVALID_FILTER_VALUES"


def test_paging(v2: Any) -> None:
    created = sorted(v2.create_rcs_agent()["RcsAgentId"] for _ in range(3))
    first = v2.describe_rcs_agents(MaxResults=2)
    assert [item["RcsAgentId"] for item in first["RcsAgents"]] == created[:2]
    second = v2.describe_rcs_agents(MaxResults=2, NextToken=first["NextToken"])
    assert [item["RcsAgentId"] for item in second["RcsAgents"]] == created[2:]
    assert "NextToken" not in second
    with pytest.raises(ClientError) as info:
        v2.describe_rcs_agents(NextToken="forged")
    assert error_of(info)["Reason"] == "INVALID_NEXT_TOKEN"


def test_update_two_way_and_media(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    updated = v2.update_rcs_agent(
        RcsAgentId=agent["RcsAgentArn"],
        TwoWayEnabled=True,
        TwoWayChannelArn=CHANNEL_ARN,
        SelfManagedOptOutsEnabled=True,
        TwoWayMediaS3BucketName="inbound-media",
        TwoWayMediaS3KeyPrefix="rcs/",
        TwoWayRcsEventsEnabled=["READ"],
    )
    assert (updated["TwoWayEnabled"], updated["TwoWayChannelArn"], updated["SelfManagedOptOutsEnabled"]) == (
        True,
        CHANNEL_ARN,
        True,
    )
    assert (updated["TwoWayMediaS3BucketName"], updated["TwoWayMediaS3KeyPrefix"]) == (
        "inbound-media",
        "rcs/",
    )
    assert updated["TwoWayRcsEventsEnabled"] == ["READ"]
    described = v2.describe_rcs_agents(Filters=[{"Name": "two-way-enabled", "Values": ["true"]}])["RcsAgents"]
    assert [item["RcsAgentId"] for item in described] == [agent["RcsAgentId"]]
    unset = v2.update_rcs_agent(
        RcsAgentId=agent["RcsAgentId"], TwoWayMediaS3BucketName="UNSET_RCS_MEDIA_CONFIGURATION"
    )
    assert "TwoWayMediaS3BucketName" not in unset and "TwoWayMediaS3KeyPrefix" not in unset


def test_two_way_without_channel_is_invalid(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    with pytest.raises(ClientError) as info:
        v2.update_rcs_agent(RcsAgentId=agent["RcsAgentId"], TwoWayEnabled=True)
    assert error_of(info)["Reason"] == "TWO_WAY_CHANNEL_NOT_PRESENT"


def test_update_opt_out_list(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="other")
    agent = v2.create_rcs_agent()
    assert (
        v2.update_rcs_agent(RcsAgentId=agent["RcsAgentId"], OptOutListName="other")["OptOutListName"]
        == "other"
    )
    with pytest.raises(ClientError) as info:
        v2.update_rcs_agent(RcsAgentId=agent["RcsAgentId"], OptOutListName="missing")
    assert error_of(info)["ResourceType"] == "opt-out-list"


def test_delete_answers_deleted_and_forgets_the_agent(v2: Any) -> None:
    agent = v2.create_rcs_agent(Tags=[{"Key": "k", "Value": "v"}])
    deleted = v2.delete_rcs_agent(RcsAgentId=agent["RcsAgentArn"])
    assert (deleted["RcsAgentId"], deleted["Status"]) == (agent["RcsAgentId"], "DELETED")
    assert v2.describe_rcs_agents()["RcsAgents"] == []
    with pytest.raises(ClientError) as info:
        v2.delete_rcs_agent(RcsAgentId=agent["RcsAgentId"])
    assert error_of(info)["ResourceType"] == "rcs-agent"
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=agent["RcsAgentArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_deletion_protection(v2: Any) -> None:
    agent = v2.create_rcs_agent(DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as info:
        v2.delete_rcs_agent(RcsAgentId=agent["RcsAgentId"])
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DELETION_PROTECTION_ENABLED",
        "ResourceType": "rcs-agent",
        "ResourceId": agent["RcsAgentId"],
    }
    v2.update_rcs_agent(RcsAgentId=agent["RcsAgentId"], DeletionProtectionEnabled=False)
    assert v2.delete_rcs_agent(RcsAgentId=agent["RcsAgentId"])["Status"] == "DELETED"


def test_tag_and_untag(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    v2.tag_resource(ResourceArn=agent["RcsAgentArn"], Tags=[{"Key": "a", "Value": "1"}])
    assert v2.list_tags_for_resource(ResourceArn=agent["RcsAgentArn"])["Tags"] == [{"Key": "a", "Value": "1"}]
    v2.untag_resource(ResourceArn=agent["RcsAgentArn"], TagKeys=["a"])
    assert v2.list_tags_for_resource(ResourceArn=agent["RcsAgentArn"])["Tags"] == []


def test_quota(v2: Any) -> None:
    for _ in range(V2_RCS_AGENTS_PER_ACCOUNT):
        v2.create_rcs_agent()
    with pytest.raises(ClientError) as info:
        v2.create_rcs_agent()
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "RCS_AGENTS_PER_ACCOUNT",
    }


def test_country_launch_status(v2: Any) -> None:
    agent = v2.create_rcs_agent()
    answer = v2.describe_rcs_agent_country_launch_status(RcsAgentId=agent["RcsAgentArn"])
    assert (answer["RcsAgentId"], answer["RcsAgentArn"]) == (agent["RcsAgentId"], agent["RcsAgentArn"])
    [us] = answer["CountryLaunchStatus"]
    assert (us["IsoCountryCode"], us["Status"]) == ("US", "ACTIVE")
    assert us["RegistrationId"] and us["CarrierStatus"][0]["Status"] == "ACTIVE"
    only_gb = v2.describe_rcs_agent_country_launch_status(
        RcsAgentId=agent["RcsAgentId"], IsoCountryCodes=["GB"]
    )
    assert only_gb["CountryLaunchStatus"] == []
    pending = v2.describe_rcs_agent_country_launch_status(
        RcsAgentId=agent["RcsAgentId"], Filters=[{"Name": "country-launch-status", "Values": ["PENDING"]}]
    )
    assert pending["CountryLaunchStatus"] == []


def test_country_launch_status_of_unknown_agent(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.describe_rcs_agent_country_launch_status(RcsAgentId="rcs-11111111111111111111111111111111")
    assert error_of(info)["ResourceType"] == "rcs-agent"


def test_opt_out_list_of_an_agent_cannot_be_deleted(v2: Any) -> None:
    v2.create_opt_out_list(OptOutListName="agent-list")
    agent = v2.create_rcs_agent(OptOutListName="agent-list")
    with pytest.raises(ClientError) as info:
        v2.delete_opt_out_list(OptOutListName="agent-list")
    assert error_of(info)["Reason"] == "RESOURCE_DELETION_NOT_ALLOWED"
    v2.delete_rcs_agent(RcsAgentId=agent["RcsAgentId"])
    v2.delete_opt_out_list(OptOutListName="agent-list")
