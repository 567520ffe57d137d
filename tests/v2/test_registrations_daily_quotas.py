"""REGISTRATION_VERSIONS_CREATED_PER_DAY and REGISTRATION_ATTACHMENTS_CREATED_PER_DAY: counted per
account and Region per UTC day of the simulator clock, through boto3 against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import (
    V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY,
    V2_REGISTRATION_VERSIONS_CREATED_PER_DAY,
)
from smsvoice.testing.process import ServerProcess
from tests.support.clients import client, new_account
from tests.support.errors import error_of
from tests.v2.registration_support import PNG, advance_clock, registration

BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
DAY = 24 * 3600


def _new_version(sms: Any, registration_id: str) -> dict[str, Any]:
    """Discard the current draft and create the next version."""
    sms.discard_registration_version(RegistrationId=registration_id)
    created: dict[str, Any] = sms.create_registration_version(RegistrationId=registration_id)
    return created


def test_versions_created_per_day_are_limited(sms: Any, registrations_server: ServerProcess) -> None:
    first = sms.create_registration(RegistrationType=BRAND)["RegistrationId"]
    second = sms.create_registration(RegistrationType=BRAND)["RegistrationId"]
    for _ in range(V2_REGISTRATION_VERSIONS_CREATED_PER_DAY):
        _new_version(sms, first)
    # The limit is the account's, not the registration's.
    for registration_id in (first, second):
        sms.discard_registration_version(RegistrationId=registration_id)
        with pytest.raises(ClientError) as refused:
            sms.create_registration_version(RegistrationId=registration_id)
        assert error_of(refused) == {
            "Code": "ServiceQuotaExceededException",
            "Status": 400,
            "Reason": "REGISTRATION_VERSIONS_CREATED_PER_DAY",
        }
    assert registration(sms, first)["CurrentVersionNumber"] == V2_REGISTRATION_VERSIONS_CREATED_PER_DAY + 1
    # Another account has its own count.
    other = client("pinpoint-sms-voice-v2", registrations_server.endpoint, new_account())
    _new_version(other, other.create_registration(RegistrationType=BRAND)["RegistrationId"])

    advance_clock(registrations_server.endpoint, DAY)
    created = sms.create_registration_version(RegistrationId=second)
    assert (created["VersionNumber"], created["RegistrationVersionStatus"]) == (2, "DRAFT")


def test_attachments_created_per_day_are_limited(sms: Any, registrations_server: ServerProcess) -> None:
    ids = [
        sms.create_registration_attachment(AttachmentBody=PNG)["RegistrationAttachmentId"]
        for _ in range(V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY)
    ]
    # Deleting one frees a place under the account's limit, not under the day's.
    sms.delete_registration_attachment(RegistrationAttachmentId=ids[0])
    with pytest.raises(ClientError) as refused:
        sms.create_registration_attachment(AttachmentBody=PNG)
    assert error_of(refused) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "REGISTRATION_ATTACHMENTS_CREATED_PER_DAY",
    }
    held = sms.describe_registration_attachments()["RegistrationAttachments"]
    assert len(held) == V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY - 1  # the refused one was not kept

    advance_clock(registrations_server.endpoint, DAY)
    created = sms.create_registration_attachment(AttachmentBody=PNG)
    assert created["AttachmentStatus"] == "UPLOAD_COMPLETE"
