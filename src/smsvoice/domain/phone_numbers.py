"""Destination phone number analysis and origination number minting.

Built on the ``phonenumbers`` library (a port of Google's libphonenumber).

AWS sources:

* API reference, ``SendTextMessage`` / ``PhoneNumber`` shape: destination numbers match
  ``\\+?[1-9][0-9]{1,18}``.
* User guide, "Event destinations" / SMS event record examples: delivery records may carry
  ``mcc`` and ``mnc``, and these fields "may not be present".
* API reference, ``RequestPhoneNumber``: the requestable number types are LONG_CODE, TOLL_FREE,
  TEN_DLC and SIMULATOR; SHORT_CODE numbers exist but are provisioned out of band.

MCC values are the public ITU-T E.212 country codes. MNC values are best effort: they come from a
small table keyed by the carrier name that ``phonenumbers`` reports for the number's original
allocation (it does not know about number portability), so ``mnc`` is ``None`` whenever the
carrier is unknown or not in the table. ``phonenumbers`` has no carrier data for US or Canadian
numbers, so those destinations only get an MCC in practice (records then show neither: AWS gives
``mcc`` and ``mnc`` together, messaging/records.py).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

# phonenumbers is imported where it is used: its import is a noticeable share of a server's start,
# and the first number parsed pays it instead.
if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

# AWS's PhoneNumber pattern, anchored.
_AWS_PHONE_PATTERN: Final = re.compile(r"\+?[1-9][0-9]{1,18}")
# ITU-T E.164: at most 15 digits including the country code.
_E164_PATTERN: Final = re.compile(r"\+[1-9][0-9]{1,14}")


@cache
def _number_type_names() -> Mapping[int, str]:
    from phonenumbers import PhoneNumberType

    return MappingProxyType(
        {
            PhoneNumberType.FIXED_LINE: "FIXED_LINE",
            PhoneNumberType.MOBILE: "MOBILE",
            PhoneNumberType.FIXED_LINE_OR_MOBILE: "FIXED_LINE_OR_MOBILE",
            PhoneNumberType.TOLL_FREE: "TOLL_FREE",
            PhoneNumberType.PREMIUM_RATE: "PREMIUM_RATE",
            PhoneNumberType.SHARED_COST: "SHARED_COST",
            PhoneNumberType.VOIP: "VOIP",
            PhoneNumberType.PERSONAL_NUMBER: "PERSONAL_NUMBER",
            PhoneNumberType.PAGER: "PAGER",
            PhoneNumberType.UAN: "UAN",
            PhoneNumberType.VOICEMAIL: "VOICEMAIL",
            PhoneNumberType.UNKNOWN: "UNKNOWN",
        }
    )


# ITU-T E.212 mobile country codes. Where a country has several (US 310-316, GB 234/235,
# IN 404/405, JP 440/441) the first allocated one is used. Crown dependencies share the UK's 234.
MCC_BY_COUNTRY: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AT": "232",
        "AU": "505",
        "BE": "206",
        "BR": "724",
        "CA": "302",
        "CH": "228",
        "CL": "730",
        "CN": "460",
        "CZ": "230",
        "DE": "262",
        "DK": "238",
        "EE": "248",
        "ES": "214",
        "FI": "244",
        "FR": "208",
        "GB": "234",
        "GG": "234",
        "HK": "454",
        "HU": "216",
        "IE": "272",
        "IM": "234",
        "IN": "404",
        "IT": "222",
        "JE": "234",
        "JP": "440",
        "KR": "450",
        "LU": "270",
        "MX": "334",
        "NL": "204",
        "NO": "242",
        "NZ": "530",
        "PL": "260",
        "PT": "268",
        "RO": "226",
        "SE": "240",
        "SG": "525",
        "TW": "466",
        "US": "310",
        "ZA": "655",
    }
)

# (country, lower-cased carrier name as phonenumbers spells it) -> (mcc, mnc). The MCC is stored
# too because some networks sit under a secondary MCC (Verizon Wireless is 311-480, not 310-480).
# The US entries never match today (phonenumbers has no US carrier data) but document intent.
_CARRIER_CODES: Final[Mapping[tuple[str, str], tuple[str, str]]] = MappingProxyType(
    {
        ("US", "t-mobile"): ("310", "260"),
        ("US", "at&t"): ("310", "410"),
        ("US", "verizon"): ("311", "480"),
        ("US", "verizon wireless"): ("311", "480"),
        ("GB", "o2"): ("234", "10"),
        ("GB", "vodafone"): ("234", "15"),
        ("GB", "three"): ("234", "20"),
        ("GB", "ee"): ("234", "30"),
        ("GB", "orange"): ("234", "33"),
        ("JE", "jt"): ("234", "50"),
        ("AT", "a1 ta"): ("232", "01"),
        ("AT", "t-mobile at"): ("232", "03"),
        ("AT", "three"): ("232", "10"),
        ("AU", "telstra"): ("505", "01"),
        ("AU", "optus"): ("505", "02"),
        ("AU", "vodafone"): ("505", "03"),
        ("BE", "proximus"): ("206", "01"),
        ("CH", "swisscom"): ("228", "01"),
        ("CH", "sunrise"): ("228", "02"),
        ("CH", "salt"): ("228", "03"),
        ("CL", "entel"): ("730", "01"),
        ("CL", "movistar"): ("730", "02"),
        ("CL", "claro"): ("730", "03"),
        ("CZ", "t-mobile"): ("230", "01"),
        ("CZ", "o2"): ("230", "02"),
        ("CZ", "vodafone"): ("230", "03"),
        ("DE", "t-mobile"): ("262", "01"),
        ("DE", "vodafone"): ("262", "02"),
        ("DE", "eplus"): ("262", "03"),
        ("DE", "o2"): ("262", "07"),
        ("DK", "tdc"): ("238", "01"),
        ("DK", "telenor"): ("238", "02"),
        ("EE", "telia eesti as"): ("248", "01"),
        ("EE", "elisa"): ("248", "02"),
        ("EE", "tele 2"): ("248", "03"),
        ("ES", "vodafone"): ("214", "01"),
        ("ES", "orange"): ("214", "03"),
        ("ES", "yoigo"): ("214", "04"),
        ("ES", "movistar"): ("214", "07"),
        ("FI", "elisa"): ("244", "05"),
        ("FI", "dna"): ("244", "12"),
        ("FI", "telia"): ("244", "91"),
        ("FR", "orange france"): ("208", "01"),
        ("FR", "sfr"): ("208", "10"),
        ("FR", "free mobile"): ("208", "15"),
        ("FR", "bouygues"): ("208", "20"),
        ("HK", "smartone"): ("454", "06"),
        ("HK", "china mobile"): ("454", "12"),
        ("HU", "one"): ("216", "70"),
        ("HU", "magyar telekom"): ("216", "30"),
        ("IE", "vodafone"): ("272", "01"),
        ("IE", "meteor"): ("272", "03"),
        ("IE", "3"): ("272", "05"),
        ("IT", "tim"): ("222", "01"),
        ("IT", "vodafone"): ("222", "10"),
        ("IT", "wind"): ("222", "88"),
        ("IT", "3 italia"): ("222", "99"),
        ("LU", "post"): ("270", "01"),
        ("LU", "tango"): ("270", "77"),
        ("LU", "orange"): ("270", "99"),
        ("NL", "vodafone libertel b.v."): ("204", "04"),
        ("NL", "kpn"): ("204", "08"),
        ("NL", "t-mobile"): ("204", "16"),
        ("NO", "telenor norge"): ("242", "01"),
        ("NO", "telia"): ("242", "02"),
        ("PL", "plus"): ("260", "01"),
        ("PL", "t-mobile"): ("260", "02"),
        ("PL", "orange"): ("260", "03"),
        ("PL", "play"): ("260", "06"),
        ("PT", "vodafone"): ("268", "01"),
        ("PT", "nos"): ("268", "03"),
        ("PT", "meo"): ("268", "06"),
        ("RO", "vodafone"): ("226", "01"),
        ("RO", "orange"): ("226", "10"),
        ("SE", "teliasonera"): ("240", "01"),
        ("SE", "hi3g access"): ("240", "02"),
        ("SE", "tele2 sverige"): ("240", "07"),
        ("SE", "telenor sverige"): ("240", "08"),
        ("TW", "fareastone"): ("466", "01"),
        ("TW", "chunghwa telecom"): ("466", "92"),
        ("TW", "taiwan mobile"): ("466", "97"),
    }
)

# AWS origination number types (NumberType enum) that mint_phone_number understands.
NUMBER_TYPES: Final = frozenset({"LONG_CODE", "TOLL_FREE", "TEN_DLC", "SHORT_CODE", "SIMULATOR"})

# NANP reserves 555-0100..555-0199 in every area code for fictional use, and phonenumbers accepts
# them as valid US numbers, so simulator numbers can never collide with a real subscriber.
_SIMULATOR_AREA_CODES: Final = ("206", "212", "303", "312", "415", "425", "512", "617", "702", "804")

_MINT_ATTEMPTS: Final = 200
# Leading national digits kept from the example number; they select the number range (mobile
# block, toll-free prefix, area code) so randomising the rest usually stays in the same kind.
_KEPT_PREFIX_DIGITS: Final = 3
_MIN_RANDOM_DIGITS: Final = 4


@dataclass(frozen=True, slots=True)
class NumberInfo:
    """What is known about a destination number."""

    e164: str
    iso_country_code: str | None
    country_calling_code: int
    is_valid: bool
    number_type: str
    carrier_name: str | None
    mcc: str | None
    mnc: str | None
    is_international_send: bool

    def with_international_send(self, international: bool) -> NumberInfo:
        """A copy with `is_international_send` set (dataclasses.replace costs ten times more)."""
        if international == self.is_international_send:
            return self
        return NumberInfo(
            self.e164,
            self.iso_country_code,
            self.country_calling_code,
            self.is_valid,
            self.number_type,
            self.carrier_name,
            self.mcc,
            self.mnc,
            international,
        )


def _normalise(number: str) -> str | None:
    """Return ``+digits`` for an AWS-acceptable number, or ``None`` if it does not match."""
    candidate = number.strip()
    if not _AWS_PHONE_PATTERN.fullmatch(candidate):
        return None
    return candidate if candidate.startswith("+") else "+" + candidate


def _country_of(found_region: str | None, country_code: int) -> str | None:
    import phonenumbers

    region = found_region
    if region is None:
        # Invalid numbers in a shared calling code (e.g. +47 for NO/SJ) get no region from the
        # number itself; the calling code's main country is the best guess.
        region = phonenumbers.region_code_for_country_code(country_code)
    # "001" is a non-geographic entity and "ZZ" unknown: neither is a country.
    if region in (None, "ZZ", "001"):
        return None
    return region


@cache
def _mobile_types() -> frozenset[int]:
    from phonenumbers import PhoneNumberType

    return frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.PAGER})


@lru_cache(maxsize=4096)
def parse_destination(number: str, origination_country: str | None = None) -> NumberInfo | None:
    """Analyse a destination number; ``None`` when it is not an AWS-shaped or parseable number.

    ``number`` may omit the leading '+', as AWS accepts; ``e164`` always carries it.
    ``is_international_send`` is only ever True when ``origination_country`` is given.
    Results are cached (NumberInfo is immutable): apps send to the same numbers again and again,
    and phonenumbers needs a few hundred microseconds for a +1 number.
    """
    import phonenumbers

    e164 = _normalise(number)
    if e164 is None:
        return None
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    country_code = parsed.country_code
    if country_code is None:  # parse() always sets it; this narrows the type
        return None
    # Finding the region is the expensive step for shared calling codes (+1 scans every NANP
    # region): do it once and reuse it, instead of is_valid_number() doing it again.
    found_region = phonenumbers.region_code_for_number(parsed)
    region = _country_of(found_region, country_code)
    number_type = phonenumbers.number_type(parsed)
    is_valid = found_region is not None and phonenumbers.is_valid_number_for_region(parsed, found_region)
    # The carrier tables take a noticeable share of start-up time: load them on first use.
    from phonenumbers import carrier

    # name_for_number() names carriers of mobile numbers only; it would look the type up again.
    carrier_name = (
        (carrier.name_for_valid_number(parsed, "en") or None) if number_type in _mobile_types() else None
    )
    mcc = MCC_BY_COUNTRY.get(region) if region else None
    mnc: str | None = None
    if region and carrier_name:
        codes = _CARRIER_CODES.get((region, carrier_name.lower()))
        if codes is not None:
            mcc, mnc = codes
    international = origination_country is not None and origination_country.upper() != region
    return NumberInfo(
        e164=e164,
        iso_country_code=region,
        country_calling_code=country_code,
        is_valid=is_valid,
        number_type=_number_type_names().get(number_type, "UNKNOWN"),
        carrier_name=carrier_name,
        mcc=mcc,
        mnc=mnc,
        is_international_send=international,
    )


def is_valid_e164(number: str) -> bool:
    """True for '+' followed by at most 15 digits that phonenumbers considers a valid number."""
    import phonenumbers

    if not _E164_PATTERN.fullmatch(number):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _e164(parsed: PhoneNumber) -> str:
    import phonenumbers

    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _mint_short_code(rng: random.Random) -> str:
    # US/CA short codes are 5-6 digits and never start with 0 or 1.
    length = rng.choice((5, 6))
    return str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))


def _mint_simulator(rng: random.Random) -> str:
    for _ in range(_MINT_ATTEMPTS):
        candidate = f"+1{rng.choice(_SIMULATOR_AREA_CODES)}55501{rng.randint(0, 99):02d}"
        if is_valid_e164(candidate):
            return candidate
    return "+12065550100"


def _templates(region: str, number_type: str) -> list[tuple[PhoneNumber, frozenset[int]]]:
    """Example numbers to randomise, each with the phonenumbers types a result may have."""
    import phonenumbers

    if number_type == "TOLL_FREE":
        wanted = [
            (phonenumbers.PhoneNumberType.TOLL_FREE, frozenset({phonenumbers.PhoneNumberType.TOLL_FREE}))
        ]
    else:
        # SMS long codes are mobile-range numbers in most countries (e.g. UK +447...), so prefer
        # a mobile template; countries where the two ranges coincide (NANP) report
        # FIXED_LINE_OR_MOBILE, and some only have a fixed-line example.
        sms_capable = frozenset(
            {
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE,
            }
        )
        wanted = [
            (phonenumbers.PhoneNumberType.MOBILE, sms_capable),
            (phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE, sms_capable),
        ]
    templates: list[tuple[PhoneNumber, frozenset[int]]] = []
    for kind, accepted in wanted:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            templates.append((example, accepted))
    return templates


def _kept_prefix(template: PhoneNumber, region: str, number_type: str) -> int:
    """How many leading national digits of the example number to keep when randomising."""
    import phonenumbers

    if region == "US" and number_type != "TOLL_FREE":
        # Keeping the example's area code would put every US long code in 201 (New Jersey);
        # enough random 10-digit strings are valid US numbers to draw the area code too.
        return 0
    national = phonenumbers.national_significant_number(template)
    return max(0, min(_KEPT_PREFIX_DIGITS, len(national) - _MIN_RANDOM_DIGITS))


def _randomise(template: PhoneNumber, keep: int, rng: random.Random) -> PhoneNumber | None:
    import phonenumbers

    national = phonenumbers.national_significant_number(template)
    digits = national[:keep] + "".join(str(rng.randint(0, 9)) for _ in range(len(national) - keep))
    try:
        return phonenumbers.parse(f"+{template.country_code}{digits}", None)
    except phonenumbers.NumberParseException:
        return None


def mint_phone_number(iso_country: str, number_type: str, rng: random.Random) -> str:
    """Produce a random number of ``number_type`` for ``iso_country``.

    LONG_CODE, TEN_DLC and TOLL_FREE return an E.164 string that phonenumbers validates as the
    requested kind in that country (falling back to phonenumbers' example number if randomising
    keeps failing). SIMULATOR is US-only and returns a +1 NPA-555-01XX number, the NANP range
    reserved for fiction. SHORT_CODE returns 5 or 6 digits without '+', independent of country.
    Whether a number type is sold in a country is a policy question left to the caller.

    Raises ``ValueError`` for an unknown number type or country, SIMULATOR outside the US, and
    countries with no example number of the requested kind (e.g. no toll-free range).
    """
    import phonenumbers

    if number_type not in NUMBER_TYPES:
        raise ValueError(f"unknown number type: {number_type}")
    region = iso_country.upper()
    if number_type == "SHORT_CODE":
        return _mint_short_code(rng)
    if number_type == "SIMULATOR":
        if region != "US":
            raise ValueError("simulator numbers are only available in the US")
        return _mint_simulator(rng)
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown country: {iso_country}")
    templates = _templates(region, number_type)
    if not templates:
        raise ValueError(f"no {number_type} numbers known for {region}")
    # Exhaust the preferred template before falling back to the next one, so e.g. UK long codes
    # come out as mobile numbers rather than a mix of mobile and geographic ones.
    for template, accepted in templates:
        keep = _kept_prefix(template, region, number_type)
        for _ in range(_MINT_ATTEMPTS):
            candidate = _randomise(template, keep, rng)
            if (
                candidate is not None
                # Per-region check: shared ranges (NANP toll-free, UK 0800 in Jersey) are valid
                # in several regions but attributed to only one of them.
                and phonenumbers.is_valid_number_for_region(candidate, region)
                and phonenumbers.number_type(candidate) in accepted
            ):
                return _e164(candidate)
    return _e164(templates[0][0])
