from __future__ import annotations

import random

import phonenumbers
import pytest

from smsvoice.domain.phone_numbers import (
    MCC_BY_COUNTRY,
    NumberInfo,
    is_valid_e164,
    mint_phone_number,
    parse_destination,
)
from smsvoice.domain.simulator_numbers import (
    SIMULATOR_COUNTRIES,
    SimulatorNumber,
    all_numbers,
    for_country,
    is_simulator_number,
    lookup,
)

MINT_COUNTRIES = ["US", "GB", "DE", "IN", "AU"]


class TestParseDestination:
    def test_uk_mobile_with_known_carrier(self) -> None:
        info = parse_destination("+447860019066", origination_country="US")
        assert info == NumberInfo(
            e164="+447860019066",
            iso_country_code="GB",
            country_calling_code=44,
            is_valid=True,
            number_type="MOBILE",
            carrier_name="O2",
            mcc="234",
            mnc="10",
            is_international_send=True,
        )

    def test_missing_plus_is_normalised(self) -> None:
        info = parse_destination("  14254147755 ")
        assert info is not None
        assert info.e164 == "+14254147755"
        assert info.iso_country_code == "US"
        assert info.country_calling_code == 1

    def test_us_number_has_mcc_but_no_carrier(self) -> None:
        info = parse_destination("+14254147755", origination_country="us")
        assert info is not None
        assert info.number_type == "FIXED_LINE_OR_MOBILE"
        assert info.carrier_name is None
        assert (info.mcc, info.mnc) == ("310", None)
        assert info.is_international_send is False

    def test_no_origination_country_is_never_international(self) -> None:
        info = parse_destination("+4915123456789")
        assert info is not None
        assert info.is_international_send is False
        assert (info.iso_country_code, info.carrier_name, info.mcc, info.mnc) == (
            "DE",
            "T-Mobile",
            "262",
            "01",
        )

    def test_jersey_shares_uk_calling_code(self) -> None:
        info = parse_destination("+447937404990", "GB")
        assert info is not None
        assert info.iso_country_code == "JE"
        assert (info.mcc, info.mnc) == ("234", "50")
        assert info.is_international_send is True

    def test_fixed_line(self) -> None:
        info = parse_destination("+441212345678")
        assert info is not None
        assert info.number_type == "FIXED_LINE"
        assert info.carrier_name is None
        assert info.mnc is None

    def test_toll_free(self) -> None:
        info = parse_destination("+18002345678")
        assert info is not None
        assert info.number_type == "TOLL_FREE"

    def test_invalid_but_parseable_number_keeps_country(self) -> None:
        # The Norwegian simulator numbers are outside phonenumbers' known ranges.
        info = parse_destination("+4759449384", "NO")
        assert info is not None
        assert info.is_valid is False
        assert info.number_type == "UNKNOWN"
        assert info.iso_country_code == "NO"
        assert info.mcc == "242"
        assert info.is_international_send is False

    def test_non_geographic_number_has_no_country(self) -> None:
        info = parse_destination("+80012345678", "US")
        assert info is not None
        assert info.iso_country_code is None
        assert info.mcc is None
        assert info.is_international_send is True

    @pytest.mark.parametrize(
        "number",
        ["", "+", "abc", "+0123456", "+1", "+1 425 414 7755", "+12345678901234567890", "++14254147755"],
    )
    def test_rejects_numbers_aws_would_reject(self, number: str) -> None:
        assert parse_destination(number) is None

    def test_rejects_unparseable_number(self) -> None:
        # Matches the AWS pattern but +99 is not an assigned calling code.
        assert parse_destination("+9912345678") is None


class TestMcc:
    def test_required_countries_are_covered(self) -> None:
        required = SIMULATOR_COUNTRIES | {
            "CA", "MX", "BR", "IN", "JP", "CN", "DE", "IE", "NZ", "SG", "ZA", "KR",
        }  # fmt: skip
        assert required <= MCC_BY_COUNTRY.keys()

    def test_values_are_three_digits(self) -> None:
        assert all(len(mcc) == 3 and mcc.isdigit() for mcc in MCC_BY_COUNTRY.values())

    @pytest.mark.parametrize(
        ("country", "mcc"), [("US", "310"), ("GB", "234"), ("DE", "262"), ("FR", "208"), ("AU", "505")]
    )
    def test_known_values(self, country: str, mcc: str) -> None:
        assert MCC_BY_COUNTRY[country] == mcc


class TestIsValidE164:
    @pytest.mark.parametrize("number", ["+14254147755", "+447860019066", "+4915123456789", "+61412345678"])
    def test_valid(self, number: str) -> None:
        assert is_valid_e164(number)

    @pytest.mark.parametrize(
        "number",
        [
            "14254147755",
            "+1425414775",
            "+1234567890123456",
            "+4759449384",
            "+0447860019066",
            "",
            "+44 7860 019066",
        ],
    )
    def test_invalid(self, number: str) -> None:
        assert not is_valid_e164(number)


class TestMint:
    @pytest.mark.parametrize("country", MINT_COUNTRIES)
    @pytest.mark.parametrize("number_type", ["LONG_CODE", "TEN_DLC"])
    def test_long_codes_are_valid_sms_capable_numbers(self, country: str, number_type: str) -> None:
        rng = random.Random(f"{country}-{number_type}")
        for _ in range(20):
            number = mint_phone_number(country, number_type, rng)
            parsed = phonenumbers.parse(number, None)
            assert phonenumbers.is_valid_number_for_region(parsed, country), number
            assert phonenumbers.number_type(parsed) in {
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE,
            }
            assert is_valid_e164(number)

    @pytest.mark.parametrize("country", MINT_COUNTRIES)
    def test_toll_free(self, country: str) -> None:
        rng = random.Random(country)
        for _ in range(20):
            number = mint_phone_number(country, "TOLL_FREE", rng)
            parsed = phonenumbers.parse(number, None)
            assert phonenumbers.is_valid_number_for_region(parsed, country), number
            assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE

    def test_uk_long_codes_are_mobile(self) -> None:
        rng = random.Random(7)
        numbers = {mint_phone_number("GB", "LONG_CODE", rng) for _ in range(10)}
        assert all(n.startswith("+447") for n in numbers)

    def test_us_long_codes_vary_area_code(self) -> None:
        rng = random.Random(3)
        area_codes = {mint_phone_number("US", "TEN_DLC", rng)[2:5] for _ in range(30)}
        assert len(area_codes) > 5

    def test_numbers_are_random(self) -> None:
        rng = random.Random(11)
        numbers = {mint_phone_number("DE", "LONG_CODE", rng) for _ in range(20)}
        assert len(numbers) > 15

    def test_same_seed_same_number(self) -> None:
        first = mint_phone_number("AU", "LONG_CODE", random.Random(5))
        second = mint_phone_number("AU", "LONG_CODE", random.Random(5))
        assert first == second

    def test_simulator_numbers_are_fictional_us_numbers(self) -> None:
        rng = random.Random(1)
        for _ in range(30):
            number = mint_phone_number("us", "SIMULATOR", rng)
            assert number.startswith("+1")
            assert number[5:10] == "55501", number
            info = parse_destination(number)
            assert info is not None
            assert info.iso_country_code == "US"
            assert info.is_valid

    def test_simulator_outside_us_is_rejected(self) -> None:
        with pytest.raises(ValueError):
            mint_phone_number("GB", "SIMULATOR", random.Random(1))

    def test_short_codes(self) -> None:
        rng = random.Random(2)
        codes = [mint_phone_number("US", "SHORT_CODE", rng) for _ in range(50)]
        for code in codes:
            assert code.isdigit()
            assert len(code) in (5, 6)
            assert code[0] not in "01"
        assert {len(c) for c in codes} == {5, 6}

    @pytest.mark.parametrize(("country", "number_type"), [("US", "PREMIUM"), ("XX", "LONG_CODE"), ("US", "")])
    def test_bad_arguments(self, country: str, number_type: str) -> None:
        with pytest.raises(ValueError):
            mint_phone_number(country, number_type, random.Random(0))


class TestSimulatorNumbers:
    def test_table_size(self) -> None:
        numbers = all_numbers()
        assert len(numbers) == 50
        assert len(SIMULATOR_COUNTRIES) == 25
        assert len({n.number for n in numbers}) == 50

    def test_lookup_success_and_failure(self) -> None:
        assert lookup("+14254147755") == SimulatorNumber("US", "+14254147755", "SUCCESS")
        assert lookup("+14254147167") == SimulatorNumber("US", "+14254147167", "FAILURE")
        assert lookup("+4525919215") == SimulatorNumber("DK", "+4525919215", "FAILURE")

    def test_lookup_without_plus(self) -> None:
        assert lookup("447860019066") == SimulatorNumber("GB", "+447860019066", "SUCCESS")

    def test_lookup_miss(self) -> None:
        assert lookup("+14254147756") is None
        assert not is_simulator_number("+12065550100")

    def test_each_country_has_one_of_each_outcome(self) -> None:
        for country in SIMULATOR_COUNTRIES:
            outcomes = sorted(n.outcome for n in for_country(country.lower()))
            assert outcomes == ["FAILURE", "SUCCESS"], country

    def test_numbers_belong_to_their_country(self) -> None:
        for entry in all_numbers():
            info = parse_destination(entry.number)
            assert info is not None, entry
            assert info.iso_country_code == entry.country, entry
