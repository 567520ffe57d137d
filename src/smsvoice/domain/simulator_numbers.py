"""Destination phone numbers of the AWS SMS simulator.

From the AWS End User Messaging SMS user guide page "Simulator phone numbers"
(test-phone-numbers.html): sending from a simulator origination number to one of these
destinations never reaches a handset; the "success" number of each country produces a successful
delivery and the "failure" number a failed one.

The table is kept verbatim. Some entries (the Norwegian ones) are not valid numbers according to
``phonenumbers``, so lookups match the exact E.164 string and never go through number parsing.
Jersey (JE) numbers use the UK calling code +44.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

Outcome = Literal["SUCCESS", "FAILURE"]


@dataclass(frozen=True, slots=True)
class SimulatorNumber:
    """One simulator destination: its country, E.164 number and the outcome it simulates."""

    country: str
    number: str
    outcome: Outcome


# (ISO country, success number, failure number), in the order of the AWS table.
_TABLE: Final = (
    ("AU", "+61455944038", "+61455944039"),
    ("AT", "+43676800442031", "+43676800442032"),
    ("BE", "+32460213922", "+32460213923"),
    ("CL", "+56229140630", "+56229140631"),
    ("CZ", "+420790542286", "+420790542287"),
    ("DK", "+4525919410", "+4525919215"),
    ("EE", "+37282720792", "+37282720793"),
    ("FI", "+3584573979110", "+3584573979111"),
    ("FR", "+33755512501", "+33755512502"),
    ("HK", "+85257048426", "+85257048854"),
    ("HU", "+36707178770", "+36707178772"),
    ("IT", "+394390009172", "+394390009174"),
    ("JE", "+447937404990", "+447937404992"),
    ("LU", "+352691385880", "+352691385882"),
    ("NL", "+3197008100148", "+3197008100150"),
    ("NO", "+4759449384", "+4759449387"),
    ("PL", "+48732141440", "+48732141442"),
    ("PT", "+351927946948", "+351927946950"),
    ("RO", "+40783900330", "+40783900332"),
    ("ES", "+34683783440", "+34683783442"),
    ("SE", "+46790645100", "+46790645102"),
    ("CH", "+41798075872", "+41798075874"),
    ("TW", "+886903444630", "+886903444632"),
    ("GB", "+447860019066", "+447860019067"),
    ("US", "+14254147755", "+14254147167"),
)

_ALL: Final[tuple[SimulatorNumber, ...]] = tuple(
    entry
    for country, success, failure in _TABLE
    for entry in (
        SimulatorNumber(country, success, "SUCCESS"),
        SimulatorNumber(country, failure, "FAILURE"),
    )
)

_BY_NUMBER: Final[Mapping[str, SimulatorNumber]] = MappingProxyType({s.number: s for s in _ALL})

SIMULATOR_COUNTRIES: Final[frozenset[str]] = frozenset(country for country, _, _ in _TABLE)


def lookup(e164: str) -> SimulatorNumber | None:
    """The simulator entry for a destination number, or ``None`` if it is not one.

    A missing leading '+' is tolerated because the AWS API accepts numbers without it.
    """
    number = e164.strip()
    if not number.startswith("+"):
        number = "+" + number
    return _BY_NUMBER.get(number)


def is_simulator_number(e164: str) -> bool:
    """True when ``e164`` is one of the simulator destination numbers."""
    return lookup(e164) is not None


def all_numbers() -> tuple[SimulatorNumber, ...]:
    """Every simulator destination, success before failure for each country, in AWS table order."""
    return _ALL


def for_country(iso_country: str) -> tuple[SimulatorNumber, ...]:
    """The simulator destinations of one country (empty if the country has none)."""
    country = iso_country.upper()
    return tuple(s for s in _ALL if s.country == country)
