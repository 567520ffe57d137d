"""REQUIRES_AUTHENTICATION: a review decision makes a submitted registration wait for its brand's
contact to authenticate by email; POST /_smsvoice/registrations/{id}/authenticate does that and the
review goes on (automatically or by decision). Nothing about the registration changes meanwhile."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from smsvoice.testing.client import SmsvoiceApiError, SmsvoiceClient
from smsvoice.testing.process import ServerProcess
from tests.v2.conftest import REVIEW_SECONDS
from tests.v2.registration_support import (
    advance_clock,
    assert_nothing_changes,
    registration,
    review,
    statuses,
    submitted,
    version,
)


def _authenticate(endpoint: str, registration_id: str) -> httpx.Response:
    return httpx.post(f"{endpoint}/_smsvoice/registrations/{registration_id}/authenticate")


def test_manual_review_waits_for_authentication_then_for_a_decision(
    manual_sms: Any, manual_review_server: ServerProcess
) -> None:
    endpoint = manual_review_server.endpoint
    server = SmsvoiceClient(endpoint)
    registration_id = submitted(manual_sms)
    decided = server.review_registration(registration_id, "REQUIRES_AUTHENTICATION")
    assert decided["Registration"]["RegistrationStatus"] == "REQUIRES_AUTHENTICATION"
    assert decided["Version"]["RegistrationVersionStatus"] == "REQUIRES_AUTHENTICATION"
    assert registration(manual_sms, registration_id)["RegistrationStatus"] == "REQUIRES_AUTHENTICATION"
    waiting = version(manual_sms, registration_id, 1)
    assert waiting["RegistrationVersionStatus"] == "REQUIRES_AUTHENTICATION"
    history = waiting["RegistrationVersionStatusHistory"]
    assert history["ReviewingTimestamp"] <= history["RequiresAuthenticationTimestamp"]
    assert_nothing_changes(manual_sms, registration_id)
    # No decision until the contact authenticates.
    with pytest.raises(SmsvoiceApiError) as refused:
        server.review_registration(registration_id, "APPROVE")
    assert refused.value.status == 400 and "until it is authenticated" in str(refused.value)
    advance_clock(endpoint, 30 * 24 * 3600)
    assert registration(manual_sms, registration_id)["RegistrationStatus"] == "REQUIRES_AUTHENTICATION"

    authenticated = server.authenticate_registration(registration_id)
    assert authenticated["Registration"]["RegistrationStatus"] == "REVIEWING"
    assert authenticated["Version"]["RegistrationVersionStatus"] == "REVIEWING"
    advance_clock(endpoint, 30 * 24 * 3600)  # manual: the review waits for its decision
    assert registration(manual_sms, registration_id)["RegistrationStatus"] == "REVIEWING"
    assert server.review_registration(registration_id, "APPROVE")["Registration"]["RegistrationStatus"] == (
        "COMPLETE"
    )
    assert version(manual_sms, registration_id, 1)["RegistrationVersionStatus"] == "APPROVED"
    assert statuses(endpoint, registration_id) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "REQUIRES_AUTHENTICATION",
        "REVIEWING",
        "COMPLETE",
    ]


def test_automatic_review_goes_on_once_authenticated(sms: Any, registrations_server: ServerProcess) -> None:
    endpoint = registrations_server.endpoint
    registration_id = submitted(sms)
    assert review(endpoint, registration_id, "REQUIRES_AUTHENTICATION").status_code == 200
    advance_clock(endpoint, 3 * REVIEW_SECONDS)  # the automatic review stopped
    assert registration(sms, registration_id)["RegistrationStatus"] == "REQUIRES_AUTHENTICATION"
    answer = _authenticate(endpoint, registration_id)
    assert answer.status_code == 200, answer.text
    assert registration(sms, registration_id)["RegistrationStatus"] == "REVIEWING"
    advance_clock(endpoint, REVIEW_SECONDS)
    done = registration(sms, registration_id)
    assert (done["RegistrationStatus"], done["ApprovedVersionNumber"]) == ("COMPLETE", 1)
    assert set(version(sms, registration_id, 1)["RegistrationVersionStatusHistory"]) == {
        "DraftTimestamp",
        "SubmittedTimestamp",
        "ReviewingTimestamp",
        "RequiresAuthenticationTimestamp",
        "ApprovedTimestamp",
    }
    assert statuses(endpoint, registration_id)[-3:] == ["REQUIRES_AUTHENTICATION", "REVIEWING", "COMPLETE"]


def test_authenticate_refuses_a_registration_that_does_not_wait_for_it(
    manual_sms: Any, manual_review_server: ServerProcess
) -> None:
    endpoint = manual_review_server.endpoint
    assert _authenticate(endpoint, "registration-missing").status_code == 404
    draft = manual_sms.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")["RegistrationId"]
    reviewing = submitted(manual_sms)
    for registration_id, status in ((draft, "DRAFT"), (reviewing, "SUBMITTED")):
        refused = _authenticate(endpoint, registration_id)
        assert refused.status_code == 400
        assert (
            "not waiting for authentication" in refused.json()["error"] and status in refused.json()["error"]
        )
    assert registration(manual_sms, reviewing)["RegistrationStatus"] == "SUBMITTED"
