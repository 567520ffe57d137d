"""CarrierLookup: what the network knows about a phone number, from the `phonenumbers` library.

AWS answers from live carrier data; smsvoice answers from phonenumbers' numbering plans and carrier
tables, which know the country, the number type and, for mobile numbers in many countries, the
original carrier (not ported numbers). Choices where the two cannot agree:
- phonenumbers cannot tell mobile from landline for NANP (+1) numbers; those are answered MOBILE, so
  that code that only texts MOBILE numbers keeps working.
- AWS's destination simulator numbers are MOBILE, even where phonenumbers calls them invalid.
- Toll-free, premium-rate, shared-cost, personal, pager, UAN and voicemail numbers are OTHER; a
  number that is not valid for any country is INVALID.
"""

from __future__ import annotations

import re
from typing import Any, Final

from smsvoice.domain import simulator_numbers
from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.operations import operations

_FORMATTING: Final = re.compile(r"[\s(){}\[\],.-]")
_E164: Final = re.compile(r"\+[1-9][0-9]{1,18}")

_TYPES: Final[dict[str, str]] = {
    "MOBILE": "MOBILE",
    "FIXED_LINE_OR_MOBILE": "MOBILE",
    "FIXED_LINE": "LANDLINE",
    "VOIP": "VOIP",
}


def _country_name(e164: str) -> str | None:
    # The geocoder's tables are large: loaded on the first lookup, not at start-up.
    import phonenumbers
    from phonenumbers import geocoder

    name = geocoder.country_name_for_number(phonenumbers.parse(e164, None), "en")
    return name or None


@operations.handler("CarrierLookup")
def carrier_lookup(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    original: str = params["PhoneNumber"]
    e164 = _FORMATTING.sub("", original)
    if not _E164.fullmatch(e164):
        raise ValidationException(
            f"{original} is not a phone number: after removing formatting it must be + and 2 to 19 digits",
            "INVALID_PARAMETER",
        )
    info = parse_destination(e164)
    simulator = simulator_numbers.lookup(e164) is not None
    answer: dict[str, Any] = {"E164PhoneNumber": e164}
    if info is None or not (info.is_valid or simulator):
        answer["PhoneNumberType"] = "INVALID"
    else:
        answer["PhoneNumberType"] = "MOBILE" if simulator else _TYPES.get(info.number_type, "OTHER")
        answer["DialingCountryCode"] = str(info.country_calling_code)
        if info.iso_country_code:
            answer["IsoCountryCode"] = info.iso_country_code
        country = _country_name(e164)
        if country:
            answer["Country"] = country
        if answer["PhoneNumberType"] == "MOBILE":
            if info.mcc:
                answer["MCC"] = info.mcc
            if info.mnc:
                answer["MNC"] = info.mnc
        if info.carrier_name:
            answer["Carrier"] = info.carrier_name
    if params.get("EnableCleansing"):
        answer["OriginalPhoneNumber"] = original
    return answer
