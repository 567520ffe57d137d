"""Finding phone numbers that match a number preference (ListAvailablePhoneNumbers, RequestPhoneNumber).

AWS offers preferences for US 10DLC numbers only: numbers that start with, end with, contain or
exactly are a digit pattern. A value with a leading '+' is matched against the E.164 number
("+1206..."), any other value against the 10-digit national number ("206..."). Several values are
alternatives. Candidates are drawn at random around the pattern and kept when phonenumbers holds
them valid US numbers; the caller says which numbers are already taken.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

_NATIONAL_DIGITS: Final = 10  # NANP: NPA-NXX-XXXX
_TRIES_PER_NUMBER: Final = 60


@dataclass(frozen=True, slots=True)
class NumberPreference:
    kind: str  # one of PREFERENCE_TYPES
    values: tuple[str, ...]


def _national_pattern(value: str) -> str | None:
    """The digits a value asks of the national number; None when it cannot fit a US number."""
    digits = value.lstrip("+")
    if value.startswith("+"):
        if not digits.startswith("1"):
            return None
        digits = digits[1:]
    if not digits.isdigit() or len(digits) > _NATIONAL_DIGITS:
        return None
    return digits


def _is_valid_us(national: str) -> bool:
    import phonenumbers  # on first use: not at start (phone_numbers.py)

    parsed = phonenumbers.parse("+1" + national, None)
    return bool(phonenumbers.is_valid_number_for_region(parsed, "US"))


def _candidate(kind: str, pattern: str, rng: random.Random) -> str:
    free = _NATIONAL_DIGITS - len(pattern)
    filler = "".join(rng.choice("0123456789") for _ in range(free))
    if kind == "StartsWith":
        return pattern + filler
    if kind == "EndsWith":
        return filler + pattern
    if kind == "Contains":
        at = rng.randint(0, free)
        return filler[:at] + pattern + filler[at:]
    return pattern  # ExactMatch


def matching_us_numbers(
    preference: NumberPreference | None,
    count: int,
    rng: random.Random,
    taken: Callable[[str], bool],
) -> list[str]:
    """Up to `count` distinct E.164 US numbers that match `preference` (any, without one)."""
    patterns: Sequence[tuple[str, str]]
    if preference is None:
        patterns = [("StartsWith", "")]
    else:
        usable = [_national_pattern(value) for value in preference.values]
        patterns = [(preference.kind, pattern) for pattern in usable if pattern is not None]
        if preference.kind == "ExactMatch":
            patterns = [(kind, pattern) for kind, pattern in patterns if len(pattern) == _NATIONAL_DIGITS]
    found: list[str] = []
    if not patterns:
        return found
    for attempt in range(count * _TRIES_PER_NUMBER):  # bounded: a pattern may match no valid number
        kind, pattern = patterns[attempt % len(patterns)]
        national = _candidate(kind, pattern, rng)
        number = "+1" + national
        if number in found or not _is_valid_us(national) or taken(number):
            continue
        found.append(number)
        if len(found) == count:
            break
    return found
