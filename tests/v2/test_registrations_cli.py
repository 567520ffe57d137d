"""Registrations through the AWS CLI (`aws pinpoint-sms-voice-v2 ...`): every one of the 18
operations, in a toll-free registration's life from the form to a number that may send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smsvoice.testing.process import ServerProcess
from tests.support.aws_cli import cli_runner
from tests.v2.conftest import REVIEW_SECONDS
from tests.v2.registration_support import PNG, advance_clock, text_for

TOLL_FREE = "US_TOLL_FREE_REGISTRATION"


@pytest.fixture
def aws(registrations_server: ServerProcess, account: str, tmp_path: Path) -> Any:
    # The CLI (v1) would fetch a parameter that looks like a URL (the website fields): not here.
    (tmp_path / "no-config").write_text("[default]\ncli_follow_urlparam = false\n")
    return cli_runner(registrations_server.endpoint, "pinpoint-sms-voice-v2", account, tmp_path)


def _ok(answer: tuple[int, Any]) -> Any:
    code, output = answer
    assert code == 0, output
    return output


def _fill(aws: Any, registration_id: str, attachment_id: str) -> None:
    fields = _ok(aws("describe-registration-field-definitions", "--registration-type", TOLL_FREE))
    for field in fields["RegistrationFieldDefinitions"]:
        if field["FieldRequirement"] != "REQUIRED":
            continue
        if field["FieldType"] == "TEXT":
            value = ["--text-value", text_for(field)]
        elif field["FieldType"] == "SELECT":
            value = ["--select-choices", field["SelectValidation"]["Options"][0]]
        else:
            value = ["--registration-attachment-id", attachment_id]
        _ok(
            aws(
                "put-registration-field-value",
                "--registration-id",
                registration_id,
                "--field-path",
                field["FieldPath"],
                *value,
            )
        )


def test_a_toll_free_registration_through_the_cli(
    aws: Any, registrations_server: ServerProcess, tmp_path: Path
) -> None:
    types = _ok(aws("describe-registration-type-definitions", "--registration-types", TOLL_FREE))
    assert [item["RegistrationType"] for item in types["RegistrationTypeDefinitions"]] == [TOLL_FREE]
    sections = _ok(aws("describe-registration-section-definitions", "--registration-type", TOLL_FREE))
    assert sections["RegistrationSectionDefinitions"][0]["SectionPath"] == "companyInfo"

    created = _ok(aws("create-registration", "--registration-type", TOLL_FREE, "--tags", "Key=app,Value=cli"))
    registration_id = created["RegistrationId"]
    assert (created["RegistrationStatus"], created["Tags"]) == ("CREATED", [{"Key": "app", "Value": "cli"}])

    image = tmp_path / "opt-in.png"
    image.write_bytes(PNG)
    attachment = _ok(aws("create-registration-attachment", "--attachment-body", f"fileb://{image}"))
    assert attachment["AttachmentStatus"] == "UPLOAD_COMPLETE"
    spare = _ok(aws("create-registration-attachment", "--attachment-body", f"fileb://{image}"))
    _ok(
        aws(
            "delete-registration-attachment",
            "--registration-attachment-id",
            spare["RegistrationAttachmentId"],
        )
    )
    listed = _ok(aws("describe-registration-attachments"))
    assert [item["RegistrationAttachmentId"] for item in listed["RegistrationAttachments"]] == [
        attachment["RegistrationAttachmentId"]
    ]

    _fill(aws, registration_id, attachment["RegistrationAttachmentId"])
    _ok(
        aws(
            "put-registration-field-value",
            "--registration-id",
            registration_id,
            "--field-path",
            "companyInfo.address2",
            "--text-value",
            "Suite 5",
        )
    )
    removed = _ok(
        aws(
            "delete-registration-field-value",
            "--registration-id",
            registration_id,
            "--field-path",
            "companyInfo.address2",
        )
    )
    assert removed["TextValue"] == "Suite 5"
    values = _ok(
        aws(
            "describe-registration-field-values",
            "--registration-id",
            registration_id,
            "--section-path",
            "contactInfo",
        )
    )
    assert {item["FieldPath"] for item in values["RegistrationFieldValues"]} == {
        "contactInfo.firstName",
        "contactInfo.lastName",
        "contactInfo.supportEmail",
        "contactInfo.supportPhoneNumber",
    }

    number = _ok(
        aws(
            "request-phone-number",
            "--iso-country-code",
            "US",
            "--message-type",
            "TRANSACTIONAL",
            "--number-capabilities",
            "SMS",
            "--number-type",
            "TOLL_FREE",
        )
    )
    code, refused = aws("submit-registration-version", "--registration-id", registration_id)
    assert code != 0 and "ConflictException" in refused and "before submitting" in refused
    _ok(
        aws(
            "create-registration-association",
            "--registration-id",
            registration_id,
            "--resource-id",
            number["PhoneNumberId"],
        )
    )
    associations = _ok(aws("list-registration-associations", "--registration-id", registration_id))
    assert [item["PhoneNumber"] for item in associations["RegistrationAssociations"]] == [
        number["PhoneNumber"]
    ]

    submitted = _ok(aws("submit-registration-version", "--registration-id", registration_id))
    assert submitted["RegistrationVersionStatus"] == "SUBMITTED"
    code, refused = aws("create-registration-version", "--registration-id", registration_id)
    assert code != 0 and "ConflictException" in refused
    advance_clock(registrations_server.endpoint, 2 * REVIEW_SECONDS)
    described = _ok(aws("describe-registrations", "--registration-ids", registration_id))
    assert described["Registrations"][0]["RegistrationStatus"] == "COMPLETE"
    phone = _ok(aws("describe-phone-numbers", "--phone-number-ids", number["PhoneNumberId"]))
    assert phone["PhoneNumbers"][0]["Status"] == "ACTIVE"

    draft = _ok(aws("create-registration-version", "--registration-id", registration_id))
    assert (draft["VersionNumber"], draft["RegistrationVersionStatus"]) == (2, "DRAFT")
    discarded = _ok(aws("discard-registration-version", "--registration-id", registration_id))
    assert discarded["RegistrationVersionStatus"] == "DISCARDED"
    versions = _ok(aws("describe-registration-versions", "--registration-id", registration_id))
    assert [item["RegistrationVersionStatus"] for item in versions["RegistrationVersions"]] == [
        "APPROVED",
        "DISCARDED",
    ]

    code, refused = aws("delete-registration", "--registration-id", registration_id)
    assert code != 0 and "ConflictException" in refused and number["PhoneNumberId"] in refused
    _ok(aws("release-phone-number", "--phone-number-id", number["PhoneNumberId"]))
    deleted = _ok(aws("delete-registration", "--registration-id", registration_id))
    assert deleted["RegistrationStatus"] == "DELETED"
