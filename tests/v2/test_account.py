"""Account attributes, limits and spend limits through boto3, and the sandbox switch of /_smsvoice/."""

from __future__ import annotations

from typing import Any

import botocore.session
import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.errors import error_of

CHANNELS = ("Text", "Voice", "Media")


def _enum(shape: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    return list(model.shape_for(shape).enum)


def _tier_url(endpoint: str, account: str, region: str = "us-east-1") -> str:
    return f"{endpoint}/_smsvoice/accounts/{account}/regions/{region}/tier"


def _set_tier(endpoint: str, account: str, tier: str, region: str = "us-east-1") -> None:
    answer = httpx.put(_tier_url(endpoint, account, region), json={"tier": tier}, timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {"account": account, "region": region, "tier": tier}


def _tier(v2: Any) -> str:
    attributes = {
        item["Name"]: item["Value"] for item in v2.describe_account_attributes()["AccountAttributes"]
    }
    return str(attributes["ACCOUNT_TIER"])


def _spend(v2: Any) -> dict[str, dict[str, Any]]:
    return {item["Name"]: item for item in v2.describe_spend_limits()["SpendLimits"]}


def _limits(v2: Any) -> dict[str, dict[str, Any]]:
    return {item["Name"]: item for item in v2.describe_account_limits()["AccountLimits"]}


def test_account_tier_is_production_by_default(v2: Any, endpoint: str, account: str) -> None:
    assert v2.describe_account_attributes()["AccountAttributes"] == [
        {"Name": "ACCOUNT_TIER", "Value": "PRODUCTION"}
    ]
    answer = httpx.get(_tier_url(endpoint, account), timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {"account": account, "region": "us-east-1", "tier": "PRODUCTION"}


def test_sandbox_switch_is_per_account_and_region(v2: Any, endpoint: str, account: str) -> None:
    _set_tier(endpoint, account, "SANDBOX")
    assert _tier(v2) == "SANDBOX"
    assert httpx.get(_tier_url(endpoint, account), timeout=5).json()["tier"] == "SANDBOX"
    assert _tier(client("pinpoint-sms-voice-v2", endpoint, account, region="eu-west-1")) == "PRODUCTION"
    other = "424242424242" if account != "424242424242" else "1" * 12
    assert _tier(client("pinpoint-sms-voice-v2", endpoint, other)) == "PRODUCTION"
    _set_tier(endpoint, account, "PRODUCTION")
    assert _tier(v2) == "PRODUCTION"


@pytest.mark.parametrize(
    ("path_account", "region", "body"),
    [
        ("123456789012", "us-east-1", {"tier": "GOLD"}),
        ("123456789012", "us-east-1", {"level": "SANDBOX"}),
        ("123456789012", "us-east-1", ["SANDBOX"]),
        ("12345", "us-east-1", {"tier": "SANDBOX"}),
        ("123456789012", "moon", {"tier": "SANDBOX"}),
    ],
)
def test_sandbox_switch_refuses_bad_input(endpoint: str, path_account: str, region: str, body: Any) -> None:
    answer = httpx.put(_tier_url(endpoint, path_account, region), json=body, timeout=5)
    assert answer.status_code == 400
    assert "error" in answer.json()


def test_sandbox_switch_refuses_a_body_that_is_not_json(endpoint: str, account: str) -> None:
    answer = httpx.put(_tier_url(endpoint, account), content=b"{not json", timeout=5)
    assert answer.status_code == 400
    assert _tier_from(endpoint, account) == "PRODUCTION"


def _tier_from(endpoint: str, account: str) -> str:
    tier: str = httpx.get(_tier_url(endpoint, account), timeout=5).json()["tier"]
    return tier


def test_account_attributes_paginator(v2: Any) -> None:
    pages = list(v2.get_paginator("describe_account_attributes").paginate())
    assert [item["Name"] for page in pages for item in page["AccountAttributes"]] == ["ACCOUNT_TIER"]


def test_account_limits_name_every_limit_of_the_model(v2: Any) -> None:
    limits = _limits(v2)
    assert set(limits) == set(_enum("AccountLimitName"))
    for item in limits.values():
        assert item["Max"] > 0
    assert limits["VERIFIED_DESTINATION_NUMBERS"]["Max"] == 10


def test_account_limits_count_what_the_account_holds(v2: Any, endpoint: str, account: str) -> None:
    before = _limits(v2)
    assert before["CONFIGURATION_SETS"]["Used"] == 0
    # Every account has the Default opt-out list, stored or not yet.
    assert before["OPT_OUT_LISTS"]["Used"] == 1
    for name in ("one", "two", "three"):
        v2.create_configuration_set(ConfigurationSetName=name)
    assert _limits(v2)["CONFIGURATION_SETS"]["Used"] == 3
    v2.delete_configuration_set(ConfigurationSetName="two")
    assert _limits(v2)["CONFIGURATION_SETS"]["Used"] == 2
    elsewhere = client("pinpoint-sms-voice-v2", endpoint, account, region="eu-central-1")
    assert _limits(elsewhere)["CONFIGURATION_SETS"]["Used"] == 0


def test_account_limits_paginator_with_small_pages(v2: Any) -> None:
    paginator = v2.get_paginator("describe_account_limits")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    names = [item["Name"] for page in pages for item in page["AccountLimits"]]
    assert sorted(names) == sorted(_enum("AccountLimitName"))
    assert len(names) == len(set(names))
    assert all(len(page["AccountLimits"]) <= 3 for page in pages)


def test_spend_limits_in_production(v2: Any) -> None:
    limits = _spend(v2)
    assert set(limits) == set(_enum("SpendLimitName"))
    for item in limits.values():
        assert item["EnforcedLimit"] == item["MaxLimit"]
        assert item["MaxLimit"] >= 1
        assert item["Overridden"] is False


@pytest.mark.parametrize("channel", CHANNELS)
def test_spend_limit_override_set_and_delete(v2: Any, channel: str) -> None:
    name = f"{channel.upper()}_MESSAGE_MONTHLY_SPEND_LIMIT"
    maximum = _spend(v2)[name]["MaxLimit"]
    answer = getattr(v2, f"set_{channel.lower()}_message_spend_limit_override")(MonthlyLimit=5)
    assert answer["MonthlyLimit"] == 5
    limits = _spend(v2)
    assert limits[name] == {"Name": name, "EnforcedLimit": 5, "MaxLimit": maximum, "Overridden": True}
    # The other channels keep their limits.
    assert all(item["Overridden"] is False for key, item in limits.items() if key != name)
    deleted = getattr(v2, f"delete_{channel.lower()}_message_spend_limit_override")()
    assert deleted["MonthlyLimit"] == maximum
    assert _spend(v2)[name] == {
        "Name": name,
        "EnforcedLimit": maximum,
        "MaxLimit": maximum,
        "Overridden": False,
    }


@pytest.mark.parametrize("channel", CHANNELS)
def test_spend_limit_above_the_maximum_is_refused(v2: Any, channel: str) -> None:
    name = f"{channel.upper()}_MESSAGE_MONTHLY_SPEND_LIMIT"
    maximum = _spend(v2)[name]["MaxLimit"]
    with pytest.raises(ClientError) as info:
        getattr(v2, f"set_{channel.lower()}_message_spend_limit_override")(MonthlyLimit=maximum + 1)
    assert error_of(info) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT",
    }
    assert _spend(v2)[name]["Overridden"] is False


def test_spend_limit_outside_the_model_range_is_validation_error(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.set_text_message_spend_limit_override(MonthlyLimit=1_000_000_001)
    assert error_of(info)["Code"] == "ValidationException"
    assert error_of(info)["Reason"] == "FIELD_VALIDATION_FAILED"


def test_zero_is_a_valid_override(v2: Any) -> None:
    assert v2.set_text_message_spend_limit_override(MonthlyLimit=0)["MonthlyLimit"] == 0
    assert _spend(v2)["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"]["EnforcedLimit"] == 0


def test_sandbox_spend_limits_are_one_dollar(v2: Any, endpoint: str, account: str) -> None:
    v2.set_text_message_spend_limit_override(MonthlyLimit=500)
    _set_tier(endpoint, account, "SANDBOX")
    limits = _spend(v2)
    for channel in CHANNELS:
        item = limits[f"{channel.upper()}_MESSAGE_MONTHLY_SPEND_LIMIT"]
        assert item["MaxLimit"] == 1
        assert item["EnforcedLimit"] == 1
    # The production override stays recorded but cannot exceed the sandbox maximum.
    assert limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"]["Overridden"] is True
    with pytest.raises(ClientError) as info:
        v2.set_media_message_spend_limit_override(MonthlyLimit=2)
    assert error_of(info)["Reason"] == "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT"
    _set_tier(endpoint, account, "PRODUCTION")
    assert _spend(v2)["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"]["EnforcedLimit"] == 500


def test_spend_limits_paginator(v2: Any) -> None:
    pages = list(v2.get_paginator("describe_spend_limits").paginate(PaginationConfig={"PageSize": 2}))
    names = [item["Name"] for page in pages for item in page["SpendLimits"]]
    assert sorted(names) == sorted(_enum("SpendLimitName"))
    assert len(pages) == -(-len(names) // 2)
