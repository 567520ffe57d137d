"""ListAvailablePhoneNumbers and RequestPhoneNumber's NumberPreference through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

SEARCH = {"IsoCountryCode": "US", "NumberCapabilities": ["SMS"], "NumberType": "TEN_DLC"}


def _preference(kind: str, *values: str) -> list[dict[str, Any]]:
    return [{"PreferenceType": [kind], "Filter": list(values)}]


def test_search_pages_through_distinct_numbers(v2: Any) -> None:
    first = v2.list_available_phone_numbers(**SEARCH, MaxResults=5)
    assert len(first["AvailablePhoneNumbers"]) == 5
    second = v2.list_available_phone_numbers(**SEARCH, MaxResults=5, NextToken=first["NextToken"])
    assert not set(first["AvailablePhoneNumbers"]) & set(second["AvailablePhoneNumbers"])
    paginator = v2.get_paginator("list_available_phone_numbers")
    everything = [n for page in paginator.paginate(**SEARCH) for n in page["AvailablePhoneNumbers"]]
    assert len(everything) == len(set(everything)) == 50  # a search offers at most 50 (documented choice)


def test_preferences_narrow_the_search(v2: Any) -> None:
    found = v2.list_available_phone_numbers(**SEARCH, NumberPreference=_preference("StartsWith", "206"))
    assert found["AvailablePhoneNumbers"]
    assert all(number.startswith("+1206") for number in found["AvailablePhoneNumbers"])
    exact = v2.list_available_phone_numbers(
        **SEARCH, NumberPreference=_preference("ExactMatch", "+12065550123")
    )
    assert exact["AvailablePhoneNumbers"] == ["+12065550123"]
    assert "NextToken" not in exact


def test_request_the_number_you_want_and_it_is_no_longer_available(v2: Any) -> None:
    requested = v2.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="TEN_DLC",
        NumberPreference=_preference("ExactMatch", "2065550123"),
    )
    assert requested["PhoneNumber"] == "+12065550123"
    again = v2.list_available_phone_numbers(
        **SEARCH, NumberPreference=_preference("ExactMatch", "2065550123")
    )
    assert again["AvailablePhoneNumbers"] == []
    with pytest.raises(ClientError) as info:
        v2.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="TEN_DLC",
            NumberPreference=_preference("ExactMatch", "2065550123"),
        )
    assert info.value.response["Error"]["Code"] == "ValidationException"
    ending = v2.request_phone_number(
        IsoCountryCode="US",
        MessageType="TRANSACTIONAL",
        NumberCapabilities=["SMS"],
        NumberType="TEN_DLC",
        NumberPreference=_preference("EndsWith", "4242"),
    )
    assert ending["PhoneNumber"].endswith("4242")


def test_preferences_only_for_us_ten_dlc(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="TOLL_FREE",
            NumberPreference=_preference("StartsWith", "800"),
        )
    assert info.value.response["Reason"] == "INVALID_PARAMETER"
    with pytest.raises(ClientError) as info:
        v2.list_available_phone_numbers(**{**SEARCH, "IsoCountryCode": "GB"})
    assert info.value.response["Reason"] == "INVALID_PARAMETER"
