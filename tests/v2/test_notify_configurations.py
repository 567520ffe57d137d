"""Notify configurations through boto3: create (display name review), describe, update, delete, tags,
ClientToken, quota, deletion protection, the pool they use, and the tier upgrade of the inspection API."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_NOTIFY_CONFIGURATIONS_PER_ACCOUNT
from tests.support.errors import error_of
from tests.v2.identity_support import arn_prefix, request_number

BASIC_COUNTRIES = 30


def create(v2: Any, name: str = "AcmeCorp", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"DisplayName": name, "UseCase": "CODE_VERIFICATION", "EnabledChannels": ["SMS"]}
    answer: dict[str, Any] = v2.create_notify_configuration(**{**params, **extra})
    return answer


def describe(v2: Any, config_id: str) -> dict[str, Any]:
    found: dict[str, Any] = v2.describe_notify_configurations(NotifyConfigurationIds=[config_id])[
        "NotifyConfigurations"
    ][0]
    return found


def test_create_answers_pending_and_the_review_activates_it(v2: Any, account: str) -> None:
    answer = create(v2, Tags=[{"Key": "team", "Value": "auth"}], EnabledChannels=["SMS", "VOICE"])
    config_id = answer["NotifyConfigurationId"]
    assert re.fullmatch(r"nc-[0-9a-f]{17}", config_id)
    assert answer["NotifyConfigurationArn"] == f"{arn_prefix(account)}notify-configuration/{config_id}"
    assert answer["Status"] == "PENDING"
    assert "RejectionReason" not in answer
    assert (answer["Tier"], answer["TierUpgradeStatus"]) == ("BASIC", "BASIC")
    assert answer["UseCase"] == "CODE_VERIFICATION"
    assert answer["EnabledChannels"] == ["SMS", "VOICE"]
    assert len(answer["EnabledCountries"]) == BASIC_COUNTRIES
    assert answer["DeletionProtectionEnabled"] is False
    assert answer["Tags"] == [{"Key": "team", "Value": "auth"}]
    described = describe(v2, config_id)
    assert described["Status"] == "ACTIVE"
    assert described["DisplayName"] == "AcmeCorp"
    assert v2.list_tags_for_resource(ResourceArn=answer["NotifyConfigurationArn"])["Tags"] == [
        {"Key": "team", "Value": "auth"}
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("www acme", "URL"),
        ("acme com", "URL"),
        ("damn codes", "profanity"),
        ("AWS Codes", "letter of authorization"),
        ("12345", "at least one letter"),
    ],
)
def test_the_review_rejects_disallowed_display_names(v2: Any, name: str, reason: str) -> None:
    answer = create(v2, name)
    assert answer["Status"] == "PENDING"
    described = describe(v2, answer["NotifyConfigurationId"])
    assert described["Status"] == "REJECTED"
    assert reason in described["RejectionReason"]


def test_a_display_name_outside_the_model_is_a_validation_error(v2: Any) -> None:
    for name in ("A" * 16, "acme.com"):
        with pytest.raises(ClientError) as info:
            create(v2, name)
        assert error_of(info) == {
            "Code": "ValidationException",
            "Status": 400,
            "Reason": "FIELD_VALIDATION_FAILED",
        }


def test_create_refuses_what_notify_does_not_offer(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        create(v2, EnabledChannels=["SMS", "MMS"])
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}
    assert info.value.response["Fields"][0]["Name"] == "EnabledChannels"
    # Argentina needs the Advanced tier; every configuration starts on Basic.
    with pytest.raises(ClientError) as info:
        create(v2, EnabledCountries=["US", "AR"])
    assert error_of(info)["Reason"] == "INVALID_PARAMETER"
    assert "AR" in info.value.response["Message"]
    with pytest.raises(ClientError) as info:
        create(v2, DefaultTemplateId="notify-no-such-template")
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "notify-template",
        "ResourceId": "notify-no-such-template",
    }
    with pytest.raises(ClientError) as info:
        create(v2, DefaultTemplateId="notify-code-verification-english-003")  # ADVANCED only
    assert error_of(info)["Reason"] == "INVALID_PARAMETER"
    with pytest.raises(ClientError) as info:
        create(v2, PoolId="pool-00000000000000000000000000000000")
    assert error_of(info)["ResourceType"] == "pool"
    assert v2.describe_notify_configurations().get("NotifyConfigurations", []) == []


def test_update_sets_and_unsets_the_default_template_and_pool(v2: Any) -> None:
    pool_id = v2.create_pool(
        OriginationIdentity=request_number(v2)["PhoneNumberId"], MessageType="TRANSACTIONAL"
    )["PoolId"]
    config_id = create(v2, EnabledCountries=["US", "CA"])["NotifyConfigurationId"]
    updated = v2.update_notify_configuration(
        NotifyConfigurationId=config_id,
        DefaultTemplateId="notify-code-verification-english-001",
        PoolId=pool_id,
        EnabledChannels=["VOICE"],
        EnabledCountries=["GB"],
        DeletionProtectionEnabled=True,
    )
    assert updated["DefaultTemplateId"] == "notify-code-verification-english-001"
    assert updated["PoolId"] == pool_id
    assert updated["EnabledChannels"] == ["VOICE"]
    assert updated["EnabledCountries"] == ["GB"]
    assert updated["DeletionProtectionEnabled"] is True
    assert updated["Status"] == "ACTIVE"
    cleared = v2.update_notify_configuration(
        NotifyConfigurationId=updated["NotifyConfigurationArn"],
        DefaultTemplateId="UNSET_DEFAULT_TEMPLATE",
        PoolId="UNSET_DEFAULT_POOL_FOR_NOTIFY",
    )
    assert "DefaultTemplateId" not in cleared
    assert "PoolId" not in cleared
    assert describe(v2, config_id)["DeletionProtectionEnabled"] is True


def test_delete_honours_deletion_protection(v2: Any) -> None:
    config_id = create(v2, DeletionProtectionEnabled=True)["NotifyConfigurationId"]
    with pytest.raises(ClientError) as info:
        v2.delete_notify_configuration(NotifyConfigurationId=config_id)
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DELETION_PROTECTION_ENABLED",
        "ResourceType": "notify-configuration",
        "ResourceId": config_id,
    }
    v2.update_notify_configuration(NotifyConfigurationId=config_id, DeletionProtectionEnabled=False)
    deleted = v2.delete_notify_configuration(NotifyConfigurationId=config_id)
    assert deleted["NotifyConfigurationId"] == config_id
    with pytest.raises(ClientError) as info:
        describe(v2, config_id)
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "notify-configuration",
        "ResourceId": config_id,
    }
    with pytest.raises(ClientError) as info:
        v2.delete_notify_configuration(NotifyConfigurationId=config_id)
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_a_pool_used_by_a_configuration_cannot_be_deleted(v2: Any) -> None:
    pool_id = v2.create_pool(
        OriginationIdentity=request_number(v2)["PhoneNumberId"], MessageType="TRANSACTIONAL"
    )["PoolId"]
    config_id = create(v2, PoolId=pool_id)["NotifyConfigurationId"]
    with pytest.raises(ClientError) as info:
        v2.delete_pool(PoolId=pool_id)
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "POOL_ASSOCIATED_TO_NOTIFY_CONFIGURATION",
        "ResourceType": "pool",
        "ResourceId": pool_id,
    }
    v2.delete_notify_configuration(NotifyConfigurationId=config_id)
    assert v2.delete_pool(PoolId=pool_id)["PoolId"] == pool_id


def test_describe_filters_and_pages(v2: Any) -> None:
    ids = [create(v2, f"Brand_{number}")["NotifyConfigurationId"] for number in range(3)]
    rejected = create(v2, "http brand")["NotifyConfigurationId"]
    v2.update_notify_configuration(NotifyConfigurationId=ids[1], DeletionProtectionEnabled=True)

    def found(**params: Any) -> list[str]:
        answer = v2.describe_notify_configurations(**params)
        return [item["NotifyConfigurationId"] for item in answer.get("NotifyConfigurations", [])]

    assert sorted(found()) == sorted([*ids, rejected])
    assert found(Filters=[{"Name": "status", "Values": ["REJECTED"]}]) == [rejected]
    assert found(Filters=[{"Name": "deletion-protection-enabled", "Values": ["true"]}]) == [ids[1]]
    assert found(Filters=[{"Name": "display-name", "Values": ["Brand_2"]}]) == [ids[2]]
    assert found(Filters=[{"Name": "enabled-countries", "Values": ["AR"]}]) == []
    assert (
        found(
            Filters=[
                {"Name": "tier-upgrade-status", "Values": ["BASIC"]},
                {"Name": "enabled-channels", "Values": ["SMS"]},
            ]
        )
        != []
    )
    first = v2.describe_notify_configurations(MaxResults=3)
    second = v2.describe_notify_configurations(MaxResults=3, NextToken=first["NextToken"])
    assert "NextToken" not in second
    paged = [
        item["NotifyConfigurationId"]
        for item in first["NotifyConfigurations"] + second["NotifyConfigurations"]
    ]
    assert paged == sorted([*ids, rejected])
    with pytest.raises(ClientError) as info:
        v2.describe_notify_configurations(NotifyConfigurationIds=["nc-00000000000000000"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_client_token_answers_the_first_create_again(v2: Any) -> None:
    first = create(v2, ClientToken="token-1")
    again = create(v2, ClientToken="token-1")
    assert again["NotifyConfigurationId"] == first["NotifyConfigurationId"]
    assert len(v2.describe_notify_configurations()["NotifyConfigurations"]) == 1


def test_an_account_holds_a_limited_number_of_configurations(v2: Any) -> None:
    for number in range(V2_NOTIFY_CONFIGURATIONS_PER_ACCOUNT):
        create(v2, f"Brand {number}")
    with pytest.raises(ClientError) as info:
        create(v2, "One too many")
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "NOTIFY_CONFIGURATIONS_PER_ACCOUNT",
    }


def test_the_inspection_api_moves_the_tier_upgrade(v2: Any, endpoint: str, account: str) -> None:
    config_id = create(v2)["NotifyConfigurationId"]
    base = f"{endpoint}/_smsvoice/accounts/{account}/regions/us-east-1/notify-configurations"
    pending = httpx.put(f"{base}/{config_id}/tier-upgrade", json={"tier_upgrade_status": "PENDING_UPGRADE"})
    assert pending.status_code == 200, pending.text
    assert (pending.json()["Tier"], pending.json()["TierUpgradeStatus"]) == ("BASIC", "PENDING_UPGRADE")
    assert describe(v2, config_id)["TierUpgradeStatus"] == "PENDING_UPGRADE"
    httpx.put(f"{base}/{config_id}/tier-upgrade", json={"tier_upgrade_status": "ADVANCED"}).raise_for_status()
    assert (describe(v2, config_id)["Tier"], describe(v2, config_id)["TierUpgradeStatus"]) == (
        "ADVANCED",
        "ADVANCED",
    )
    # On Advanced, every supported country and the Advanced-only templates may be used.
    updated = v2.update_notify_configuration(
        NotifyConfigurationId=config_id,
        EnabledCountries=["AR", "US"],
        DefaultTemplateId="notify-code-verification-english-003",
    )
    assert updated["EnabledCountries"] == ["AR", "US"]
    refused = httpx.put(f"{base}/{config_id}/tier-upgrade", json={"tier_upgrade_status": "GOLD"})
    assert refused.status_code == 400
    assert "tier_upgrade_status" in refused.json()["error"]
    missing = httpx.put(f"{base}/nc-00000000000000000/tier-upgrade", json={"tier_upgrade_status": "ADVANCED"})
    assert missing.status_code == 404
