"""DescribeNotifyTemplates and ListNotifyCountries through boto3: the AWS-managed catalog, its filters
and paging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of

ENGLISH = "notify-code-verification-english-001"
# The Basic tier's 30 pre-approved countries (user guide, notify-countries.html).
BASIC_COUNTRIES = {
    *("AS", "AU", "BE", "BR", "CA", "CO", "DK", "FI", "FR", "DE", "GU", "HK", "IN", "IE", "IT"),
    *("JP", "MX", "NL", "NZ", "MP", "PT", "PR", "SG", "KR", "ES", "SE", "CH", "GB", "US", "VI"),
}


def template_ids(v2: Any, **params: Any) -> list[str]:
    return [item["TemplateId"] for item in v2.describe_notify_templates(**params)["NotifyTemplates"]]


def test_a_template_has_every_documented_property(v2: Any) -> None:
    [template] = v2.describe_notify_templates(TemplateIds=[ENGLISH])["NotifyTemplates"]
    assert template["TemplateId"] == ENGLISH
    assert template["Version"] == 1
    assert template["TemplateType"] == "OTP_VERIFICATION"
    assert template["Channels"] == ["SMS", "VOICE"]
    assert template["TierAccess"] == ["BASIC", "ADVANCED"]
    assert template["Status"] == "ACTIVE"
    assert template["LanguageCode"] == "en"
    assert set(template["SupportedCountries"]) >= BASIC_COUNTRIES
    assert "{{code}}" in template["Content"]
    assert template["Variables"]["code"]["Type"] == "STRING"
    assert template["Variables"]["code"]["Required"] is True
    assert template["Variables"]["code"]["Source"] == "CUSTOMER"
    assert template["Variables"]["brandName"]["Source"] == "SYSTEM"
    assert "JOANNA" in template["SupportedVoiceIds"]
    assert template["CreatedTimestamp"].year == 2025


def test_templates_filter_by_every_documented_name(v2: Any) -> None:
    everything = template_ids(v2)
    assert everything == sorted(everything)
    assert ENGLISH in everything
    assert template_ids(v2, Filters=[{"Name": "language-code", "Values": ["fr"]}]) == [
        "notify-code-verification-french-001"
    ]
    voice = template_ids(v2, Filters=[{"Name": "channels", "Values": ["VOICE"]}])
    assert "notify-code-verification-english-002" not in voice
    assert ENGLISH in voice
    assert template_ids(
        v2,
        Filters=[{"Name": "tier-access", "Values": ["BASIC"]}, {"Name": "language-code", "Values": ["en"]}],
    ) == [
        ENGLISH,
        "notify-code-verification-english-002",
        "notify-code-verification-english-004",
    ]
    assert template_ids(
        v2,
        Filters=[
            {"Name": "supported-countries", "Values": ["BR"]},
            {"Name": "language-code", "Values": ["pt"]},
        ],
    ) == ["notify-code-verification-portuguese-001"]
    assert template_ids(v2, Filters=[{"Name": "supported-voice-ids", "Values": ["HANS"]}]) == [
        "notify-code-verification-german-001"
    ]
    assert template_ids(v2, Filters=[{"Name": "template-type", "Values": ["OTP_VERIFICATION"]}]) == everything


def test_templates_page_and_refuse_unknown_ids(v2: Any) -> None:
    first = v2.describe_notify_templates(MaxResults=2)
    assert len(first["NotifyTemplates"]) == 2
    rest = v2.describe_notify_templates(NextToken=first["NextToken"])
    assert [
        item["TemplateId"] for item in first["NotifyTemplates"] + rest["NotifyTemplates"]
    ] == template_ids(v2)
    with pytest.raises(ClientError) as info:
        v2.describe_notify_templates(TemplateIds=[ENGLISH, "notify-missing"])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "notify-template",
        "ResourceId": "notify-missing",
    }
    with pytest.raises(ClientError) as info:
        v2.describe_notify_templates(Filters=[{"Name": "colour", "Values": ["red"]}])
    assert error_of(info)["Code"] == "ValidationException"


def test_countries_list_the_basic_tier_fixed_list(v2: Any) -> None:
    basic = v2.list_notify_countries(Tier="BASIC")["NotifyCountries"]
    assert {item["IsoCountryCode"] for item in basic} == BASIC_COUNTRIES
    us = next(item for item in basic if item["IsoCountryCode"] == "US")
    assert us == {
        "IsoCountryCode": "US",
        "CountryName": "United States",
        "SupportedChannels": ["SMS", "VOICE"],
        "SupportedUseCases": ["CODE_VERIFICATION"],
        "SupportedTiers": ["BASIC", "ADVANCED"],
        "CustomerOwnedIdentityRequired": False,
    }
    advanced = v2.list_notify_countries(Tier="ADVANCED", Channels=["SMS"], UseCases=["CODE_VERIFICATION"])[
        "NotifyCountries"
    ]
    assert {item["IsoCountryCode"] for item in advanced} > BASIC_COUNTRIES
    assert any(item["CustomerOwnedIdentityRequired"] for item in advanced)
    assert v2.list_notify_countries(Channels=["RCS"])["NotifyCountries"] == []


def test_countries_page(v2: Any) -> None:
    every = [item["IsoCountryCode"] for item in v2.list_notify_countries()["NotifyCountries"]]
    assert every == sorted(every)
    pages: list[str] = []
    token: dict[str, str] = {}
    while True:
        answer = v2.list_notify_countries(MaxResults=20, **token)
        pages += [item["IsoCountryCode"] for item in answer["NotifyCountries"]]
        if "NextToken" not in answer:
            break
        token = {"NextToken": answer["NextToken"]}
    assert pages == every
