from __future__ import annotations

from decimal import Decimal

import pytest

from smsvoice.domain.pricing import (
    DEFAULT_RATES,
    RATES_BY_COUNTRY,
    Price,
    billable_minutes,
    price_media,
    price_text,
    price_voice,
    rates_for,
    to_float,
)
from smsvoice.domain.simulator_numbers import SIMULATOR_COUNTRIES

FIVE_PLACES = Decimal("0.00001")


def _has_five_places(value: Decimal) -> bool:
    return value.as_tuple().exponent == -5


class TestRates:
    def test_covers_us_ca_gb_and_simulator_countries(self) -> None:
        assert {"US", "CA", "GB"} | SIMULATOR_COUNTRIES <= RATES_BY_COUNTRY.keys()

    def test_unknown_country_uses_default(self) -> None:
        assert rates_for("ZW") == DEFAULT_RATES
        assert rates_for(None) == DEFAULT_RATES

    def test_country_is_case_insensitive(self) -> None:
        assert rates_for("gb") == RATES_BY_COUNTRY["GB"]

    def test_all_rates_are_positive(self) -> None:
        for rates in [*RATES_BY_COUNTRY.values(), DEFAULT_RATES]:
            assert rates.sms_transactional > 0
            assert rates.sms_promotional > 0
            assert rates.mms > 0
            assert rates.voice_per_minute > 0


class TestPriceText:
    def test_scales_with_parts(self) -> None:
        one = price_text("GB", 1)
        three = price_text("GB", 3)
        assert three.message_price == one.message_price * 3
        assert one.carrier_fee == Decimal("0.00000")

    def test_us_carrier_fee_by_origination_type(self) -> None:
        ten_dlc = price_text("US", 2, "TRANSACTIONAL", "TEN_DLC")
        toll_free = price_text("US", 2, "TRANSACTIONAL", "TOLL_FREE")
        simulator = price_text("US", 2, "TRANSACTIONAL", "SIMULATOR")
        assert ten_dlc.carrier_fee > 0
        assert toll_free.carrier_fee > 0
        assert simulator.carrier_fee == 0
        assert ten_dlc.message_price == toll_free.message_price == simulator.message_price
        assert ten_dlc.carrier_fee == price_text("US", 1, "TRANSACTIONAL", "TEN_DLC").carrier_fee * 2

    def test_us_carrier_fee_without_origination_type(self) -> None:
        assert price_text("US", 1).carrier_fee > 0

    def test_no_carrier_fee_outside_us(self) -> None:
        assert price_text("CA", 4, "PROMOTIONAL", "LONG_CODE").carrier_fee == 0

    def test_results_have_five_decimal_places(self) -> None:
        for price in (
            price_text("US", 7, "PROMOTIONAL", "TEN_DLC"),
            price_text("XX", 1),
            price_text("JP", 0),
        ):
            assert _has_five_places(price.message_price)
            assert _has_five_places(price.carrier_fee)
            assert _has_five_places(price.total)

    def test_total(self) -> None:
        price = price_text("US", 1, "TRANSACTIONAL", "TOLL_FREE")
        assert price.total == price.message_price + price.carrier_fee
        assert price.currency == "USD"

    def test_promotional_can_differ(self) -> None:
        assert price_text("IN", 1, "PROMOTIONAL") != price_text("IN", 1, "TRANSACTIONAL")
        assert price_text("GB", 1, "PROMOTIONAL") == price_text("GB", 1, "TRANSACTIONAL")

    def test_rejects_bad_arguments(self) -> None:
        with pytest.raises(ValueError):
            price_text("US", 1, "MARKETING")
        with pytest.raises(ValueError):
            price_text("US", -1)


class TestPriceMedia:
    def test_per_message(self) -> None:
        price = price_media("US", "TRANSACTIONAL", "TOLL_FREE")
        assert price.message_price == RATES_BY_COUNTRY["US"].mms.quantize(FIVE_PLACES)
        assert price.carrier_fee > 0
        assert _has_five_places(price.carrier_fee)

    def test_no_fee_outside_us(self) -> None:
        assert price_media("CA").carrier_fee == 0

    def test_rejects_bad_message_type(self) -> None:
        with pytest.raises(ValueError):
            price_media("US", "OTHER")


class TestPriceVoice:
    def test_per_minute(self) -> None:
        rate = RATES_BY_COUNTRY["US"].voice_per_minute
        assert price_voice("US", 3) == Price(
            message_price=(rate * 3).quantize(FIVE_PLACES), carrier_fee=Decimal("0.00000")
        )

    def test_zero_minutes(self) -> None:
        assert price_voice("GB", 0).message_price == 0

    def test_rejects_negative(self) -> None:
        with pytest.raises(ValueError):
            price_voice("US", -1)

    @pytest.mark.parametrize(
        ("seconds", "minutes"), [(0, 0), (1, 1), (59.9, 1), (60, 1), (60.5, 2), (185, 4)]
    )
    def test_billable_minutes(self, seconds: float, minutes: int) -> None:
        assert billable_minutes(seconds) == minutes


class TestToFloat:
    def test_rounds_to_five_places(self) -> None:
        assert to_float(Decimal("0.005815")) == 0.00582
        assert to_float(Decimal("0.00581")) == 0.00581
        assert isinstance(to_float(Decimal("1")), float)
