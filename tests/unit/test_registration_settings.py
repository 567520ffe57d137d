"""The registration options: flag, environment variable and settings field share one name."""

from __future__ import annotations

import pytest

from smsvoice.config import load_settings


def test_defaults_review_automatically_without_gating() -> None:
    settings = load_settings(environ={})
    assert (
        settings.registration_review,
        settings.registration_review_seconds,
        settings.registration_gating,
    ) == (
        "auto",
        300.0,
        "off",
    )


def test_environment_variables_set_them() -> None:
    settings = load_settings(
        environ={
            "SMSVOICE_REGISTRATION_REVIEW": "manual",
            "SMSVOICE_REGISTRATION_REVIEW_SECONDS": "60",
            "SMSVOICE_REGISTRATION_GATING": "aws",
        }
    )
    assert (
        settings.registration_review,
        settings.registration_review_seconds,
        settings.registration_gating,
    ) == (
        "manual",
        60.0,
        "aws",
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SMSVOICE_REGISTRATION_REVIEW", "sometimes"), ("SMSVOICE_REGISTRATION_GATING", "strict")],
)
def test_other_values_are_refused(variable: str, value: str) -> None:
    with pytest.raises(ValueError, match=value):
        load_settings(environ={variable: value})
