"""Template rendering and variable validation (domain/notify_rendering.py), for the variable types the
shipped templates do not use."""

from __future__ import annotations

import pytest

from smsvoice.domain.notify_rendering import INVALID, MISSING, UNKNOWN, VariableProblem, render

VARIABLES = {
    "code": {"Type": "STRING", "Required": True, "MaxLength": 6, "Source": "CUSTOMER"},
    "spoken": {"Type": "BOOLEAN", "Required": False, "DefaultValue": "false", "Source": "CUSTOMER"},
    "minutes": {"Type": "INTEGER", "Required": False, "MinValue": 1, "MaxValue": 5, "Source": "CUSTOMER"},
    "brandName": {"Type": "STRING", "Required": True, "Source": "SYSTEM"},
}
CONTENT = "{{brandName}} {{code}} spoken={{spoken}} minutes={{ minutes }}"


def test_values_defaults_and_system_variables_fill_the_placeholders() -> None:
    assert render(CONTENT, VARIABLES, {"code": "1234", "minutes": "3"}, {"brandName": "Acme"}) == (
        "Acme 1234 spoken=false minutes=3"
    )
    assert render(CONTENT, VARIABLES, {"code": "1234", "spoken": "true"}, {"brandName": "Acme"}) == (
        "Acme 1234 spoken=true minutes="
    )


@pytest.mark.parametrize(
    ("given", "name", "kind"),
    [
        ({}, "code", MISSING),
        ({"code": "1234567"}, "code", INVALID),
        ({"code": "1", "spoken": "yes"}, "spoken", INVALID),
        ({"code": "1", "spoken": "True"}, "spoken", INVALID),
        ({"code": "1", "minutes": "0"}, "minutes", INVALID),
        ({"code": "1", "minutes": "2.5"}, "minutes", INVALID),
        ({"code": "1", "extra": "x"}, "extra", UNKNOWN),
        ({"code": "1", "brandName": "x"}, "brandName", UNKNOWN),
    ],
)
def test_a_bad_variable_is_named(given: dict[str, str], name: str, kind: str) -> None:
    with pytest.raises(VariableProblem) as info:
        render(CONTENT, VARIABLES, given, {"brandName": "Acme"})
    assert (info.value.name, info.value.kind) == (name, kind)
    assert name in info.value.message
