"""Message and call prices for event records.

ESTIMATES: every figure in this module is an illustrative number in the range of AWS's public
"AWS End User Messaging pricing" page; it is not AWS's price list, which varies by country,
carrier and origination type and changes regularly. Do not use these numbers for billing.

What does follow AWS documentation:

* SMS is billed per message part, and a message's cost is
  ``(carrier fee per part x parts) + (price per part x parts)`` (AWS re:Post knowledge center,
  "sns-pinpoint-high-sms-charges"; user guide "Message part preview").
* Carrier fees are pass-through charges that only some destinations (here: the US) levy and that
  depend on the origination identity type (user guide "Understanding SMS billing and usage
  reports": usage types end in MessageCount or Fee, per TollFree / 10DLC / Shortcode / Longcode).
* Event records show prices in USD with five decimal places (user guide "Event destinations",
  SMS event examples: ``totalMessagePrice``, ``totalCarrierFee``), so every result is rounded to
  five places here.

Voice messages are billed per started minute; ``billable_minutes`` converts a call duration.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final

CURRENCY: Final = "USD"
MESSAGE_TYPES: Final = frozenset({"TRANSACTIONAL", "PROMOTIONAL"})

_QUANTUM: Final = Decimal("0.00001")
_ZERO: Final = Decimal("0")


@dataclass(frozen=True, slots=True)
class Price:
    """A charge split the way AWS event records split it (message price vs carrier fee)."""

    message_price: Decimal
    carrier_fee: Decimal
    currency: str = CURRENCY

    @property
    def total(self) -> Decimal:
        return _round(self.message_price + self.carrier_fee)


@dataclass(frozen=True, slots=True)
class CountryRates:
    """Estimated base rates for one destination country (USD)."""

    sms_transactional: Decimal
    sms_promotional: Decimal
    mms: Decimal
    voice_per_minute: Decimal


def _rates(sms: str, mms: str, voice: str, promotional: str | None = None) -> CountryRates:
    return CountryRates(
        sms_transactional=Decimal(sms),
        sms_promotional=Decimal(promotional if promotional is not None else sms),
        mms=Decimal(mms),
        voice_per_minute=Decimal(voice),
    )


# ESTIMATES (see module docstring). Covers the US, Canada, the UK, every simulator country and a
# few large markets; anything else uses DEFAULT_RATES.
RATES_BY_COUNTRY: Final[Mapping[str, CountryRates]] = MappingProxyType(
    {
        "US": _rates("0.00581", "0.02000", "0.01300"),
        "CA": _rates("0.00735", "0.02000", "0.01300"),
        "GB": _rates("0.04630", "0.10000", "0.03500"),
        "AT": _rates("0.09820", "0.10000", "0.05200"),
        "AU": _rates("0.05120", "0.10000", "0.04500"),
        "BE": _rates("0.09500", "0.10000", "0.05800"),
        "CH": _rates("0.05600", "0.10000", "0.06800"),
        "CL": _rates("0.05600", "0.10000", "0.06000"),
        "CZ": _rates("0.05200", "0.10000", "0.05000"),
        "DE": _rates("0.09500", "0.10000", "0.05500"),
        "DK": _rates("0.04600", "0.10000", "0.04200"),
        "EE": _rates("0.07300", "0.10000", "0.09000"),
        "ES": _rates("0.07600", "0.10000", "0.04800"),
        "FI": _rates("0.08100", "0.10000", "0.07500"),
        "FR": _rates("0.07400", "0.10000", "0.04600"),
        "HK": _rates("0.04600", "0.10000", "0.03000"),
        "HU": _rates("0.09500", "0.10000", "0.06500"),
        "IN": _rates("0.00278", "0.10000", "0.03200", promotional="0.00220"),
        "IT": _rates("0.08100", "0.10000", "0.05000"),
        "JE": _rates("0.04630", "0.10000", "0.09000"),
        "JP": _rates("0.07451", "0.10000", "0.09500"),
        "LU": _rates("0.06800", "0.10000", "0.07000"),
        "NL": _rates("0.10100", "0.10000", "0.05500"),
        "NO": _rates("0.06900", "0.10000", "0.04500"),
        "PL": _rates("0.03000", "0.10000", "0.04000"),
        "PT": _rates("0.03600", "0.10000", "0.05000"),
        "RO": _rates("0.06900", "0.10000", "0.05000"),
        "SE": _rates("0.06200", "0.10000", "0.04300"),
        "TW": _rates("0.06500", "0.10000", "0.08000"),
    }
)
DEFAULT_RATES: Final = _rates("0.08000", "0.10000", "0.10000")

# ESTIMATES of US carrier pass-through fees, per SMS part / per MMS message, by origination type.
# Simulator traffic never reaches a carrier, so it carries no fee.
_US_SMS_CARRIER_FEES: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "TEN_DLC": Decimal("0.00302"),
        "LONG_CODE": Decimal("0.00302"),
        "TOLL_FREE": Decimal("0.00250"),
        "SHORT_CODE": Decimal("0.00266"),
        "SIMULATOR": _ZERO,
    }
)
_US_MMS_CARRIER_FEES: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "TEN_DLC": Decimal("0.00600"),
        "LONG_CODE": Decimal("0.00600"),
        "TOLL_FREE": Decimal("0.00500"),
        "SHORT_CODE": Decimal("0.00500"),
        "SIMULATOR": _ZERO,
    }
)
# Used when the origination type is unknown (sender ID, shared route) on a fee-charging route.
_US_DEFAULT_SMS_CARRIER_FEE: Final = Decimal("0.00302")
_US_DEFAULT_MMS_CARRIER_FEE: Final = Decimal("0.00600")


def _round(value: Decimal) -> Decimal:
    return value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def rates_for(iso_country: str | None) -> CountryRates:
    """The estimated rates for a destination country (case-insensitive), or the default."""
    if iso_country is None:
        return DEFAULT_RATES
    return RATES_BY_COUNTRY.get(iso_country.upper(), DEFAULT_RATES)


def _check_message_type(message_type: str) -> None:
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type: {message_type}")


def _carrier_fee(
    iso_country: str | None, origination_type: str | None, table: Mapping[str, Decimal], default: Decimal
) -> Decimal:
    if iso_country is None or iso_country.upper() != "US":
        return _ZERO
    if origination_type is None:
        return default
    return table.get(origination_type.upper(), default)


def price_text(
    iso_country: str | None,
    parts: int,
    message_type: str = "TRANSACTIONAL",
    origination_type: str | None = None,
) -> Price:
    """Estimated price of an SMS of ``parts`` parts to ``iso_country``.

    ``message_type`` is TRANSACTIONAL or PROMOTIONAL; ``origination_type`` is the AWS NumberType
    of the sending number (LONG_CODE, TOLL_FREE, TEN_DLC, SHORT_CODE, SIMULATOR) or ``None`` for a
    sender ID / shared route. Both amounts are per-part rates times ``parts``, rounded to 5 places.
    """
    _check_message_type(message_type)
    if parts < 0:
        raise ValueError("parts must not be negative")
    rates = rates_for(iso_country)
    per_part = rates.sms_promotional if message_type == "PROMOTIONAL" else rates.sms_transactional
    fee = _carrier_fee(iso_country, origination_type, _US_SMS_CARRIER_FEES, _US_DEFAULT_SMS_CARRIER_FEE)
    return Price(message_price=_round(per_part * parts), carrier_fee=_round(fee * parts))


def price_media(
    iso_country: str | None,
    message_type: str = "TRANSACTIONAL",
    origination_type: str | None = None,
) -> Price:
    """Estimated price of one MMS message (MMS is billed per message, not per part)."""
    _check_message_type(message_type)
    fee = _carrier_fee(iso_country, origination_type, _US_MMS_CARRIER_FEES, _US_DEFAULT_MMS_CARRIER_FEE)
    return Price(message_price=_round(rates_for(iso_country).mms), carrier_fee=_round(fee))


def billable_minutes(seconds: float) -> int:
    """Started minutes of a call: any part of a minute is billed as a whole one."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    return math.ceil(seconds / 60)


def price_voice(iso_country: str | None, minutes: int) -> Price:
    """Estimated price of a voice message lasting ``minutes`` billable minutes (no carrier fee)."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return Price(
        message_price=_round(rates_for(iso_country).voice_per_minute * minutes), carrier_fee=_round(_ZERO)
    )


# ESTIMATE, like every figure here: one RCS message (a text, file, card or carousel is one billable
# message; AWS bills RCS per message by type and country) at this fraction of the country's SMS part.
_RCS_SHARE_OF_SMS: Final = Decimal("1.0")


def price_rcs(iso_country: str | None) -> Price:
    """Estimated price of one RCS message: the country's transactional SMS part price, no carrier fee."""
    return Price(
        message_price=_round(rates_for(iso_country).sms_transactional * _RCS_SHARE_OF_SMS),
        carrier_fee=_round(_ZERO),
    )


def to_float(value: Decimal) -> float:
    """A price as the float event records carry, rounded to five decimal places first."""
    return float(_round(value))
