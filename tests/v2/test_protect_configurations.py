"""v2 protect configurations through boto3: the 13 operations, their filters, paging and conflicts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_PROTECT_CONFIGURATIONS_PER_ACCOUNT
from tests.support.errors import error_of


def _create(v2: Any, **params: Any) -> str:
    return str(v2.create_protect_configuration(**params)["ProtectConfigurationId"])


def _conflict(protect_id: str, reason: str) -> dict[str, Any]:
    return {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": reason,
        "ResourceType": "protect-configuration",
        "ResourceId": protect_id,
    }


def test_create_answers_id_arn_defaults_and_tags(v2: Any, account: str) -> None:
    answer = v2.create_protect_configuration(Tags=[{"Key": "Name", "Value": "logins"}])
    protect_id = answer["ProtectConfigurationId"]
    assert re.fullmatch(r"protect-[0-9a-f]{32}", protect_id)
    assert answer["ProtectConfigurationArn"] == (
        f"arn:aws:sms-voice:us-east-1:{account}:protect-configuration/{protect_id}"
    )
    assert (answer["AccountDefault"], answer["DeletionProtectionEnabled"]) == (False, False)
    assert answer["Tags"] == [{"Key": "Name", "Value": "logins"}]
    assert isinstance(answer["CreatedTimestamp"], datetime)
    tags = v2.list_tags_for_resource(ResourceArn=answer["ProtectConfigurationArn"])["Tags"]
    assert tags == [{"Key": "Name", "Value": "logins"}]


def test_create_with_same_client_token_answers_the_first_configuration(v2: Any) -> None:
    first = _create(v2, ClientToken="token-1")
    assert _create(v2, ClientToken="token-1") == first
    assert len(v2.describe_protect_configurations()["ProtectConfigurations"]) == 1


def test_quota_of_protect_configurations(v2: Any) -> None:
    for _ in range(V2_PROTECT_CONFIGURATIONS_PER_ACCOUNT):
        _create(v2)
    with pytest.raises(ClientError) as info:
        _create(v2)
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "PROTECT_CONFIGURATIONS_PER_ACCOUNT",
    }


def test_describe_by_id_and_arn_with_filters_and_paging(v2: Any) -> None:
    created = [v2.create_protect_configuration() for _ in range(3)]
    ids = sorted(item["ProtectConfigurationId"] for item in created)
    everything = v2.describe_protect_configurations()["ProtectConfigurations"]
    assert [item["ProtectConfigurationId"] for item in everything] == ids
    by_arn = v2.describe_protect_configurations(
        ProtectConfigurationIds=[created[0]["ProtectConfigurationArn"], created[1]["ProtectConfigurationId"]]
    )["ProtectConfigurations"]
    assert {item["ProtectConfigurationId"] for item in by_arn} == {
        created[0]["ProtectConfigurationId"],
        created[1]["ProtectConfigurationId"],
    }
    v2.update_protect_configuration(ProtectConfigurationId=ids[1], DeletionProtectionEnabled=True)
    v2.set_account_default_protect_configuration(ProtectConfigurationId=ids[2])
    protected = v2.describe_protect_configurations(
        Filters=[{"Name": "deletion-protection-enabled", "Values": ["true"]}]
    )["ProtectConfigurations"]
    assert [item["ProtectConfigurationId"] for item in protected] == [ids[1]]
    default = v2.describe_protect_configurations(Filters=[{"Name": "account-default", "Values": ["true"]}])[
        "ProtectConfigurations"
    ]
    assert [(item["ProtectConfigurationId"], item["AccountDefault"]) for item in default] == [(ids[2], True)]
    first = v2.describe_protect_configurations(MaxResults=2)
    second = v2.describe_protect_configurations(MaxResults=2, NextToken=first["NextToken"])
    assert [item["ProtectConfigurationId"] for item in first["ProtectConfigurations"]] == ids[:2]
    assert [item["ProtectConfigurationId"] for item in second["ProtectConfigurations"]] == ids[2:]
    assert "NextToken" not in second


def test_describe_refuses_unknown_ids_and_bad_filter_values(v2: Any, account: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.describe_protect_configurations(ProtectConfigurationIds=["protect-" + "0" * 32])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "protect-configuration",
        "ResourceId": "protect-" + "0" * 32,
    }
    protect_id = _create(v2)
    other_arn = f"arn:aws:sms-voice:us-east-1:000011112222:protect-configuration/{protect_id}"
    with pytest.raises(ClientError) as info:
        v2.describe_protect_configurations(ProtectConfigurationIds=[other_arn])
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        v2.describe_protect_configurations(Filters=[{"Name": "account-default", "Values": ["maybe"]}])
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_FILTER_VALUES"}


def test_update_sets_deletion_protection(v2: Any) -> None:
    protect_id = _create(v2, DeletionProtectionEnabled=True)
    answer = v2.update_protect_configuration(
        ProtectConfigurationId=protect_id, DeletionProtectionEnabled=False
    )
    assert answer["DeletionProtectionEnabled"] is False
    with pytest.raises(ClientError) as info:
        v2.update_protect_configuration(ProtectConfigurationId="protect-missing")
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_delete_answers_the_configuration_and_forgets_it_and_its_tags(v2: Any) -> None:
    created = v2.create_protect_configuration(Tags=[{"Key": "team", "Value": "auth"}])
    protect_id = created["ProtectConfigurationId"]
    v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id, DestinationPhoneNumber="+12065550142", Action="BLOCK"
    )
    deleted = v2.delete_protect_configuration(ProtectConfigurationId=created["ProtectConfigurationArn"])
    assert deleted["ProtectConfigurationId"] == protect_id
    assert deleted["AccountDefault"] is False
    # The model's list has at least one item: no configurations leave the member out.
    assert "ProtectConfigurations" not in v2.describe_protect_configurations()
    with pytest.raises(ClientError) as info:
        v2.list_tags_for_resource(ResourceArn=created["ProtectConfigurationArn"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        v2.delete_protect_configuration(ProtectConfigurationId=protect_id)
    assert error_of(info)["ResourceType"] == "protect-configuration"


def test_delete_conflicts(v2: Any) -> None:
    protected = _create(v2, DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as info:
        v2.delete_protect_configuration(ProtectConfigurationId=protected)
    assert error_of(info) == _conflict(protected, "DELETION_PROTECTION_ENABLED")

    default = _create(v2)
    v2.set_account_default_protect_configuration(ProtectConfigurationId=default)
    with pytest.raises(ClientError) as info:
        v2.delete_protect_configuration(ProtectConfigurationId=default)
    assert error_of(info) == _conflict(default, "PROTECT_CONFIGURATION_IS_ACCOUNT_DEFAULT")

    associated = _create(v2)
    v2.create_configuration_set(ConfigurationSetName="logins")
    v2.associate_protect_configuration(ProtectConfigurationId=associated, ConfigurationSetName="logins")
    with pytest.raises(ClientError) as info:
        v2.delete_protect_configuration(ProtectConfigurationId=associated)
    assert error_of(info) == _conflict(associated, "PROTECT_CONFIGURATION_ASSOCIATED_WITH_CONFIGURATION_SET")
    v2.disassociate_protect_configuration(ProtectConfigurationId=associated, ConfigurationSetName="logins")
    v2.delete_protect_configuration(ProtectConfigurationId=associated)


def test_new_configuration_allows_every_country_on_every_capability(v2: Any) -> None:
    protect_id = _create(v2)
    for capability in ("SMS", "VOICE", "MMS"):
        answer = v2.get_protect_configuration_country_rule_set(
            ProtectConfigurationId=protect_id, NumberCapability=capability
        )
        assert answer["NumberCapability"] == capability
        rules = answer["CountryRuleSet"]
        assert {"US", "CA", "GB", "IN", "DE"} <= set(rules)
        assert 200 < len(rules) <= 300
        assert {item["ProtectStatus"] for item in rules.values()} == {"ALLOW"}


def test_update_country_rule_set_changes_only_the_capability_given(v2: Any) -> None:
    protect_id = _create(v2)
    answer = v2.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect_id,
        NumberCapability="SMS",
        CountryRuleSetUpdates={
            "CA": {"ProtectStatus": "BLOCK"},
            "GB": {"ProtectStatus": "MONITOR"},
            "IN": {"ProtectStatus": "FILTER"},
        },
    )
    rules = answer["CountryRuleSet"]
    assert [rules[code]["ProtectStatus"] for code in ("CA", "GB", "IN", "US")] == [
        "BLOCK",
        "MONITOR",
        "FILTER",
        "ALLOW",
    ]
    got = v2.get_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect_id, NumberCapability="SMS"
    )
    assert got["CountryRuleSet"] == rules
    voice = v2.get_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect_id, NumberCapability="VOICE"
    )
    assert voice["CountryRuleSet"]["CA"] == {"ProtectStatus": "ALLOW"}


def test_update_country_rule_set_refuses_unknown_countries_and_statuses(v2: Any) -> None:
    protect_id = _create(v2)
    with pytest.raises(ClientError) as info:
        v2.update_protect_configuration_country_rule_set(
            ProtectConfigurationId=protect_id,
            NumberCapability="SMS",
            CountryRuleSetUpdates={"ZZ": {"ProtectStatus": "BLOCK"}},
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_PARAMETER"}
    with pytest.raises(ClientError) as info:
        v2.update_protect_configuration_country_rule_set(
            ProtectConfigurationId=protect_id,
            NumberCapability="SMS",
            CountryRuleSetUpdates={"US": {"ProtectStatus": "MAYBE"}},
        )
    assert error_of(info)["Code"] == "ValidationException"


def test_associate_replaces_and_shows_in_configuration_set(v2: Any) -> None:
    first, second = _create(v2), _create(v2)
    created = v2.create_configuration_set(ConfigurationSetName="signups")
    answer = v2.associate_protect_configuration(ProtectConfigurationId=first, ConfigurationSetName="signups")
    assert answer["ConfigurationSetArn"] == created["ConfigurationSetArn"]
    assert (answer["ConfigurationSetName"], answer["ProtectConfigurationId"]) == ("signups", first)
    v2.associate_protect_configuration(
        ProtectConfigurationId=second, ConfigurationSetName=created["ConfigurationSetArn"]
    )
    (described,) = v2.describe_configuration_sets()["ConfigurationSets"]
    assert described["ProtectConfigurationId"] == second
    filtered = v2.describe_configuration_sets(
        Filters=[{"Name": "protect-configuration-id", "Values": [second]}]
    )
    assert [item["ConfigurationSetName"] for item in filtered["ConfigurationSets"]] == ["signups"]


def test_disassociate_conflicts_when_not_associated(v2: Any) -> None:
    first, second = _create(v2), _create(v2)
    v2.create_configuration_set(ConfigurationSetName="alerts")
    with pytest.raises(ClientError) as info:
        v2.disassociate_protect_configuration(ProtectConfigurationId=first, ConfigurationSetName="alerts")
    assert error_of(info) == _conflict(first, "PROTECT_CONFIGURATION_NOT_ASSOCIATED_WITH_CONFIGURATION_SET")
    v2.associate_protect_configuration(ProtectConfigurationId=first, ConfigurationSetName="alerts")
    with pytest.raises(ClientError) as info:
        v2.disassociate_protect_configuration(ProtectConfigurationId=second, ConfigurationSetName="alerts")
    assert error_of(info)["Reason"] == "PROTECT_CONFIGURATION_NOT_ASSOCIATED_WITH_CONFIGURATION_SET"
    answer = v2.disassociate_protect_configuration(
        ProtectConfigurationId=first, ConfigurationSetName="alerts"
    )
    assert answer["ProtectConfigurationId"] == first
    (described,) = v2.describe_configuration_sets()["ConfigurationSets"]
    assert "ProtectConfigurationId" not in described


def test_associate_with_unknown_set_or_configuration_is_not_found(v2: Any) -> None:
    protect_id = _create(v2)
    with pytest.raises(ClientError) as info:
        v2.associate_protect_configuration(ProtectConfigurationId=protect_id, ConfigurationSetName="nope")
    assert error_of(info)["ResourceType"] == "configuration-set"
    v2.create_configuration_set(ConfigurationSetName="real")
    with pytest.raises(ClientError) as info:
        v2.associate_protect_configuration(ProtectConfigurationId="protect-nope", ConfigurationSetName="real")
    assert error_of(info)["ResourceType"] == "protect-configuration"


def _attributes(v2: Any) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in v2.describe_account_attributes()["AccountAttributes"]}


def test_account_default_set_shown_and_deleted(v2: Any) -> None:
    protect_id = _create(v2)
    answer = v2.set_account_default_protect_configuration(ProtectConfigurationId=protect_id)
    assert answer["DefaultProtectConfigurationId"] == protect_id
    assert answer["DefaultProtectConfigurationArn"].endswith(f":protect-configuration/{protect_id}")
    assert _attributes(v2)["DEFAULT_PROTECT_CONFIGURATION_ID"] == protect_id
    (described,) = v2.describe_protect_configurations()["ProtectConfigurations"]
    assert described["AccountDefault"] is True
    removed = v2.delete_account_default_protect_configuration()
    assert removed["DefaultProtectConfigurationId"] == protect_id
    assert "DEFAULT_PROTECT_CONFIGURATION_ID" not in _attributes(v2)
    with pytest.raises(ClientError) as info:
        v2.delete_account_default_protect_configuration()
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        v2.set_account_default_protect_configuration(ProtectConfigurationId="protect-nope")
    assert error_of(info)["ResourceType"] == "protect-configuration"


def test_number_override_put_replace_delete(v2: Any) -> None:
    protect_id = _create(v2)
    expires = datetime.now(UTC) + timedelta(days=1)
    put = v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id,
        DestinationPhoneNumber="+447700900123",
        Action="ALLOW",
        ExpirationTimestamp=expires,
    )
    assert (put["DestinationPhoneNumber"], put["Action"], put["IsoCountryCode"]) == (
        "+447700900123",
        "ALLOW",
        "GB",
    )
    assert abs((put["ExpirationTimestamp"] - expires).total_seconds()) < 1
    replaced = v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id, DestinationPhoneNumber="+447700900123", Action="BLOCK"
    )
    assert replaced["Action"] == "BLOCK"
    assert replaced["CreatedTimestamp"] == put["CreatedTimestamp"]
    assert "ExpirationTimestamp" not in replaced
    deleted = v2.delete_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id, DestinationPhoneNumber="+447700900123"
    )
    assert deleted["Action"] == "BLOCK"
    listed = v2.list_protect_configuration_rule_set_number_overrides(ProtectConfigurationId=protect_id)
    assert listed.get("RuleSetNumberOverrides", []) == []
    with pytest.raises(ClientError) as info:
        v2.delete_protect_configuration_rule_set_number_override(
            ProtectConfigurationId=protect_id, DestinationPhoneNumber="+447700900123"
        )
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "protect-configuration",
        "ResourceId": "+447700900123",
    }


def test_list_overrides_with_filters_and_paging(v2: Any) -> None:
    protect_id = _create(v2)
    soon = datetime.now(UTC) + timedelta(hours=1)
    later = datetime.now(UTC) + timedelta(days=30)
    for number, action, expires in (
        ("+12065550100", "ALLOW", soon),
        ("+12065550101", "BLOCK", later),
        ("+447700900123", "BLOCK", None),
    ):
        params: dict[str, Any] = {"ExpirationTimestamp": expires} if expires else {}
        v2.put_protect_configuration_rule_set_number_override(
            ProtectConfigurationId=protect_id, DestinationPhoneNumber=number, Action=action, **params
        )

    def numbers(*filters: dict[str, Any]) -> list[str]:
        answer = v2.list_protect_configuration_rule_set_number_overrides(
            ProtectConfigurationId=protect_id, Filters=list(filters)
        )
        return [item["DestinationPhoneNumber"] for item in answer.get("RuleSetNumberOverrides", [])]

    assert numbers() == ["+12065550100", "+12065550101", "+447700900123"]
    assert numbers({"Name": "action", "Values": ["BLOCK"]}) == ["+12065550101", "+447700900123"]
    assert numbers({"Name": "iso-country-code", "Values": ["GB"]}) == ["+447700900123"]
    assert numbers({"Name": "destination-phone-number-begins-with", "Values": ["+1206"]}) == [
        "+12065550100",
        "+12065550101",
    ]
    middle = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert numbers({"Name": "expires-before", "Values": [middle]}) == ["+12065550100"]
    assert numbers({"Name": "expires-after", "Values": [str(int(soon.timestamp()) + 60)]}) == ["+12065550101"]
    assert numbers({"Name": "created-after", "Values": ["0"]}, {"Name": "action", "Values": ["ALLOW"]}) == [
        "+12065550100"
    ]
    with pytest.raises(ClientError) as info:
        numbers({"Name": "created-before", "Values": ["yesterday"]})
    assert error_of(info)["Reason"] == "INVALID_FILTER_VALUES"
    first = v2.list_protect_configuration_rule_set_number_overrides(
        ProtectConfigurationId=protect_id, MaxResults=2
    )
    assert len(first["RuleSetNumberOverrides"]) == 2
    rest = v2.list_protect_configuration_rule_set_number_overrides(
        ProtectConfigurationId=protect_id, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [item["DestinationPhoneNumber"] for item in rest["RuleSetNumberOverrides"]] == ["+447700900123"]


def test_overrides_of_unknown_configuration_are_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.put_protect_configuration_rule_set_number_override(
            ProtectConfigurationId="protect-nope", DestinationPhoneNumber="+12065550100", Action="BLOCK"
        )
    assert error_of(info)["ResourceType"] == "protect-configuration"
    with pytest.raises(ClientError) as info:
        v2.list_protect_configuration_rule_set_number_overrides(ProtectConfigurationId="protect-nope")
    assert error_of(info)["Code"] == "ResourceNotFoundException"


def test_tag_and_untag_a_protect_configuration(v2: Any) -> None:
    arn = v2.create_protect_configuration()["ProtectConfigurationArn"]
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "Name", "Value": "otp"}])
    assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Name", "Value": "otp"}]
    v2.untag_resource(ResourceArn=arn, TagKeys=["Name"])
    assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == []
