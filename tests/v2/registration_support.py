"""Helpers of the registration tests: complete forms, files, the clock, reviews and events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of
from tests.v2.identity_support import request_number

# The first bytes that make a file a PNG, a PDF or a JPEG, with some content after them.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
PDF = b"%PDF-1.7\n" + b"0" * 200
JPEG = b"\xff\xd8\xff\xe0" + bytes(200)

# Values for text fields by the pattern they must match (the definitions' own patterns).
_BY_PATTERN = {
    "https?://[^\\s]+": "https://www.example.com/sms",
    "[^@\\s]+@[^@\\s]+\\.[^@\\s]+": "support@example.com",
    "\\+[1-9][0-9]{6,14}": "+12065550100",
    "[A-Z]{2}": "US",
    "[0-9]{19}": "1234567890123456789",
    "(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?": "EXAMPLECO",
}


def text_for(field: dict[str, Any]) -> str:
    rules = field["TextValidation"]
    known = _BY_PATTERN.get(rules["Pattern"])
    if known is not None:
        return known
    sample = f"Sample {field['FieldPath']} for a registration test"
    return sample.ljust(rules["MinLength"], ".")[: rules["MaxLength"]]


def fill_required(sms: Any, registration_id: str, registration_type: str, **overrides: Any) -> None:
    """Put a valid value in every REQUIRED field of the current draft (`overrides` by FieldPath:
    a string for TEXT, a list for SELECT)."""
    fields = sms.describe_registration_field_definitions(RegistrationType=registration_type)[
        "RegistrationFieldDefinitions"
    ]
    for field in fields:
        path = field["FieldPath"]
        if field["FieldRequirement"] != "REQUIRED" and path not in overrides:
            continue
        put: dict[str, Any] = {"RegistrationId": registration_id, "FieldPath": path}
        if field["FieldType"] == "TEXT":
            put["TextValue"] = overrides.get(path, text_for(field))
        elif field["FieldType"] == "SELECT":
            rules = field["SelectValidation"]
            put["SelectChoices"] = overrides.get(path, rules["Options"][: max(1, rules["MinChoices"])])
        else:
            put["RegistrationAttachmentId"] = sms.create_registration_attachment(AttachmentBody=PNG)[
                "RegistrationAttachmentId"
            ]
        sms.put_registration_field_value(**put)


def registration(sms: Any, registration_id: str) -> dict[str, Any]:
    found: dict[str, Any] = sms.describe_registrations(RegistrationIds=[registration_id])["Registrations"][0]
    return found


def version(sms: Any, registration_id: str, number: int) -> dict[str, Any]:
    found: dict[str, Any] = sms.describe_registration_versions(
        RegistrationId=registration_id, VersionNumbers=[number]
    )["RegistrationVersions"][0]
    return found


def number_status(sms: Any, phone_number_id: str) -> str:
    return str(sms.describe_phone_numbers(PhoneNumberIds=[phone_number_id])["PhoneNumbers"][0]["Status"])


def advance_clock(endpoint: str, seconds: float) -> None:
    answer = httpx.post(f"{endpoint}/_smsvoice/simulator/clock", json={"advance_seconds": seconds})
    assert answer.status_code == 200, answer.text


def review(endpoint: str, registration_id: str, decision: str, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{endpoint}/_smsvoice/registrations/{registration_id}/review", json={"decision": decision, **body}
    )


def events(endpoint: str, registration_id: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{endpoint}/_smsvoice/registrations/{registration_id}/events")
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["Events"]
    return found


def statuses(endpoint: str, registration_id: str) -> list[str]:
    return [
        event["detail"]["registrationDetails"]["currentStatus"] for event in events(endpoint, registration_id)
    ]


def submitted(sms: Any, registration_type: str = "US_TEN_DLC_BRAND_REGISTRATION") -> str:
    """A registration of a type that needs no association, with every required field, submitted."""
    registration_id: str = sms.create_registration(RegistrationType=registration_type)["RegistrationId"]
    fill_required(sms, registration_id, registration_type)
    sms.submit_registration_version(RegistrationId=registration_id)
    return registration_id


def submitted_toll_free(sms: Any) -> tuple[str, dict[str, Any]]:
    """A toll-free registration, complete and associated with a new toll-free number, submitted."""
    registration_id = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    fill_required(sms, registration_id, "US_TOLL_FREE_REGISTRATION")
    number = request_number(sms, NumberType="TOLL_FREE")
    sms.create_registration_association(RegistrationId=registration_id, ResourceId=number["PhoneNumberId"])
    sms.submit_registration_version(RegistrationId=registration_id)
    return registration_id, number


def assert_nothing_changes(sms: Any, registration_id: str) -> None:
    """A registration waiting for its review (or its authentication) refuses every change, each with
    its ConflictException reason."""
    attempts: dict[str, Callable[[], Any]] = {
        "REGISTRATION_ALREADY_SUBMITTED": lambda: sms.submit_registration_version(
            RegistrationId=registration_id
        ),
        "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED": lambda: sms.put_registration_field_value(
            RegistrationId=registration_id, FieldPath="companyInfo.city", TextValue="Tacoma"
        ),
        "CREATE_REGISTRATION_VERSION_NOT_ALLOWED": lambda: sms.create_registration_version(
            RegistrationId=registration_id
        ),
        "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED": lambda: sms.discard_registration_version(
            RegistrationId=registration_id
        ),
    }
    for reason, attempt in attempts.items():
        with pytest.raises(ClientError) as refused:
            attempt()
        assert error_of(refused) == {
            "Code": "ConflictException",
            "Status": 400,
            "Reason": reason,
            "ResourceType": "registration",
            "ResourceId": registration_id,
        }
    with pytest.raises(ClientError) as refused:
        sms.delete_registration(RegistrationId=registration_id)
    assert error_of(refused)["Reason"] == "REGISTRATION_ALREADY_SUBMITTED"
    with pytest.raises(ClientError) as refused:
        sms.delete_registration_field_value(RegistrationId=registration_id, FieldPath="companyInfo.city")
    assert error_of(refused)["Reason"] == "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED"
