"""CarrierLookup through boto3 against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_formatting_is_removed_and_the_network_facts_are_given(v2: Any) -> None:
    found = v2.carrier_lookup(PhoneNumber="+44 (7400) 123-456")
    assert found["E164PhoneNumber"] == "+447400123456"
    assert found["PhoneNumberType"] == "MOBILE"
    assert (found["IsoCountryCode"], found["DialingCountryCode"], found["Country"]) == (
        "GB",
        "44",
        "United Kingdom",
    )
    assert found["MCC"] == "234"
    assert "OriginalPhoneNumber" not in found


def test_carrier_and_network_code_where_known(v2: Any) -> None:
    found = v2.carrier_lookup(PhoneNumber="+447860019066")  # AWS's UK simulator number, an O2 range
    assert found["PhoneNumberType"] == "MOBILE"
    assert (found["Carrier"], found["MCC"], found["MNC"]) == ("O2", "234", "10")


def test_landlines_nanp_numbers_and_other_kinds(v2: Any) -> None:
    assert v2.carrier_lookup(PhoneNumber="+442071838750")["PhoneNumberType"] == "LANDLINE"
    us = v2.carrier_lookup(PhoneNumber="+1 206 555 0142")
    assert (us["PhoneNumberType"], us["IsoCountryCode"], us["DialingCountryCode"]) == ("MOBILE", "US", "1")
    assert v2.carrier_lookup(PhoneNumber="+18002642513")["PhoneNumberType"] == "OTHER"  # toll-free


def test_invalid_numbers_are_answered_invalid(v2: Any) -> None:
    found = v2.carrier_lookup(PhoneNumber="+44123", EnableCleansing=True)
    assert found == {
        "E164PhoneNumber": "+44123",
        "PhoneNumberType": "INVALID",
        "OriginalPhoneNumber": "+44123",
        "ResponseMetadata": found["ResponseMetadata"],
    }


def test_simulator_numbers_are_mobile(v2: Any) -> None:
    assert (
        v2.carrier_lookup(PhoneNumber="+4759449384")["PhoneNumberType"] == "MOBILE"
    )  # phonenumbers: invalid


@pytest.mark.parametrize("number", ["12065550142", "+0123456", "+1 206 555 0142 ext 5"])
def test_numbers_outside_the_model_pattern_are_validation_errors(v2: Any, number: str) -> None:
    with pytest.raises(ClientError) as info:
        v2.carrier_lookup(PhoneNumber=number)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["Reason"] == "FIELD_VALIDATION_FAILED"
