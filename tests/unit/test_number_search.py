"""Number preferences: candidates match the pattern, are valid US numbers and are not taken."""

from __future__ import annotations

import random

import phonenumbers

from smsvoice.domain.number_search import NumberPreference, matching_us_numbers


def _valid(number: str) -> bool:
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, None)))


def test_any_number_without_a_preference() -> None:
    found = matching_us_numbers(None, 10, random.Random(1), lambda _number: False)
    assert len(found) == len(set(found)) == 10
    assert all(number.startswith("+1") and _valid(number) for number in found)


def test_each_kind_of_preference() -> None:
    rng = random.Random(2)
    starts = matching_us_numbers(NumberPreference("StartsWith", ("206",)), 5, rng, lambda _n: False)
    assert starts and all(number.startswith("+1206") for number in starts)
    ends = matching_us_numbers(NumberPreference("EndsWith", ("4242",)), 5, rng, lambda _n: False)
    assert ends and all(number.endswith("4242") for number in ends)
    contains = matching_us_numbers(NumberPreference("Contains", ("777",)), 5, rng, lambda _n: False)
    assert contains and all("777" in number[2:] for number in contains)
    e164 = matching_us_numbers(NumberPreference("StartsWith", ("+1425",)), 3, rng, lambda _n: False)
    assert e164 and all(number.startswith("+1425") for number in e164)


def test_exact_match_and_taken_numbers() -> None:
    exact = NumberPreference("ExactMatch", ("2065550123",))
    assert matching_us_numbers(exact, 10, random.Random(3), lambda _n: False) == ["+12065550123"]
    assert matching_us_numbers(exact, 10, random.Random(3), lambda n: n == "+12065550123") == []


def test_patterns_that_fit_no_us_number_find_nothing() -> None:
    for preference in (
        NumberPreference("StartsWith", ("+44",)),  # another country
        NumberPreference("StartsWith", ("0",)),  # no US area code starts with 0
        NumberPreference("ExactMatch", ("206",)),  # not a whole number
    ):
        assert matching_us_numbers(preference, 3, random.Random(4), lambda _n: False) == []
