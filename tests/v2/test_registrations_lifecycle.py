"""Registrations and their versions through boto3: create, describe, delete, the two state machines,
each ConflictException, the automatic and the manual review, and the status events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.client import SmsvoiceApiError, SmsvoiceClient
from smsvoice.testing.process import ServerProcess
from tests.support.clients import client, new_account
from tests.support.errors import error_of
from tests.v2.conftest import REVIEW_SECONDS
from tests.v2.identity_support import arn_prefix
from tests.v2.registration_support import (
    advance_clock,
    assert_nothing_changes,
    events,
    fill_required,
    registration,
    review,
    statuses,
    submitted,
    submitted_toll_free,
    version,
)

BRAND = "US_TEN_DLC_BRAND_REGISTRATION"


def _numbers(found: dict[str, Any]) -> tuple[str, int | None, int | None]:
    """A registration's status, approved and latest denied version numbers."""
    return (
        found["RegistrationStatus"],
        found.get("ApprovedVersionNumber"),
        found.get("LatestDeniedVersionNumber"),
    )


def _brand(sms: Any, **params: Any) -> str:
    registration_id: str = sms.create_registration(RegistrationType=BRAND, **params)["RegistrationId"]
    return registration_id


def test_create_answers_a_registration_with_a_draft(sms: Any, account: str) -> None:
    answer = sms.create_registration(RegistrationType=BRAND, Tags=[{"Key": "team", "Value": "growth"}])
    registration_id = answer["RegistrationId"]
    assert registration_id.startswith("registration-") and len(registration_id) == len("registration-") + 32
    assert answer["RegistrationArn"] == f"{arn_prefix(account)}registration/{registration_id}"
    assert (answer["RegistrationType"], answer["RegistrationStatus"], answer["CurrentVersionNumber"]) == (
        BRAND,
        "CREATED",
        1,
    )
    assert answer["Tags"] == [{"Key": "team", "Value": "growth"}]
    assert sms.list_tags_for_resource(ResourceArn=answer["RegistrationArn"])["Tags"] == answer["Tags"]
    first = version(sms, registration_id, 1)
    assert first["RegistrationVersionStatus"] == "DRAFT"
    assert set(first["RegistrationVersionStatusHistory"]) == {"DraftTimestamp"}


def test_an_unknown_type_is_refused(sms: Any) -> None:
    with pytest.raises(ClientError) as refused:
        sms.create_registration(RegistrationType="US_TOLL_FREE_VERIFICATION")
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "UNKNOWN_REGISTRATION_TYPE",
    }


def test_client_token_answers_the_same_registration(sms: Any) -> None:
    first = sms.create_registration(RegistrationType=BRAND, ClientToken="brand-once")
    again = sms.create_registration(RegistrationType=BRAND, ClientToken="brand-once")
    assert again["RegistrationId"] == first["RegistrationId"]
    assert len(sms.describe_registrations()["Registrations"]) == 1


def test_describe_by_id_arn_filter_and_pages(sms: Any) -> None:
    brands = sorted(_brand(sms) for _ in range(3))
    toll_free = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    by_arn = sms.describe_registrations(RegistrationIds=[toll_free["RegistrationArn"]])["Registrations"]
    assert [item["RegistrationId"] for item in by_arn] == [toll_free["RegistrationId"]]
    filtered = sms.describe_registrations(Filters=[{"Name": "registration-type", "Values": [BRAND]}])
    assert [item["RegistrationId"] for item in filtered["Registrations"]] == brands
    created = sms.describe_registrations(Filters=[{"Name": "registration-status", "Values": ["CREATED"]}])
    assert len(created["Registrations"]) == 4
    first = sms.describe_registrations(MaxResults=2)
    rest = sms.describe_registrations(MaxResults=2, NextToken=first["NextToken"])
    seen = [item["RegistrationId"] for item in first["Registrations"] + rest["Registrations"]]
    assert sorted(seen) == sorted([*brands, toll_free["RegistrationId"]]) and "NextToken" not in rest


def test_describe_of_a_missing_registration_is_not_found(sms: Any) -> None:
    missing = "registration-00000000000000000000000000000000"
    with pytest.raises(ClientError) as refused:
        sms.describe_registrations(RegistrationIds=[missing])
    assert error_of(refused) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "registration",
        "ResourceId": missing,
    }


def test_delete_answers_deleted_and_forgets_it(sms: Any, registrations_server: ServerProcess) -> None:
    registration_id = _brand(sms, Tags=[{"Key": "k", "Value": "v"}])
    answer = sms.delete_registration(RegistrationId=registration_id)
    assert (answer["RegistrationId"], answer["RegistrationStatus"]) == (registration_id, "DELETED")
    assert sms.describe_registrations()["Registrations"] == []
    assert statuses(registrations_server.endpoint, registration_id) == ["CREATED", "DELETED"]
    with pytest.raises(ClientError) as refused:
        sms.delete_registration(RegistrationId=registration_id)
    assert error_of(refused)["Code"] == "ResourceNotFoundException"


def test_the_automatic_review_moves_on_the_simulator_clock(
    sms: Any, registrations_server: ServerProcess
) -> None:
    endpoint = registrations_server.endpoint
    registration_id = _brand(sms)
    fill_required(sms, registration_id, BRAND)
    submitted = sms.submit_registration_version(RegistrationId=registration_id)
    assert (submitted["VersionNumber"], submitted["RegistrationVersionStatus"], submitted["AwsReview"]) == (
        1,
        "SUBMITTED",
        False,
    )
    assert registration(sms, registration_id)["RegistrationStatus"] == "SUBMITTED"
    advance_clock(endpoint, REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "REVIEWING"
    assert version(sms, registration_id, 1)["RegistrationVersionStatus"] == "REVIEWING"
    advance_clock(endpoint, REVIEW_SECONDS)
    done = registration(sms, registration_id)
    assert (done["RegistrationStatus"], done["ApprovedVersionNumber"]) == ("COMPLETE", 1)
    history = version(sms, registration_id, 1)["RegistrationVersionStatusHistory"]
    assert set(history) == {"DraftTimestamp", "SubmittedTimestamp", "ReviewingTimestamp", "ApprovedTimestamp"}
    assert history["DraftTimestamp"] <= history["SubmittedTimestamp"] < history["ReviewingTimestamp"]
    assert statuses(endpoint, registration_id) == ["CREATED", "SUBMITTED", "REVIEWING", "COMPLETE"]


def test_status_events_have_eventbridge_shape(
    sms: Any, registrations_server: ServerProcess, account: str
) -> None:
    registration_id = submitted(sms)
    event = events(registrations_server.endpoint, registration_id)[-1]
    assert (event["detail-type"], event["source"], event["account"], event["region"], event["version"]) == (
        "Registration Status Change",
        "aws.sms-voice",
        account,
        "us-east-1",
        "0",
    )
    arn = f"{arn_prefix(account)}registration/{registration_id}"
    assert event["resources"] == [arn] and event["detail"]["registrationArn"] == arn
    details = event["detail"]["registrationDetails"]
    assert {
        key: details[key]
        for key in ("registrationId", "registrationVersionNumber", "registrationType", "currentStatus")
    } == {
        "registrationId": registration_id,
        "registrationVersionNumber": 1,
        "registrationType": BRAND,
        "currentStatus": "SUBMITTED",
    }
    assert isinstance(details["registrationStatusChangeTimestamp"], int)
    assert event["time"].endswith("Z")


def test_events_of_an_unknown_registration_are_not_found(registrations_server: ServerProcess) -> None:
    answer = httpx.get(f"{registrations_server.endpoint}/_smsvoice/registrations/registration-nope/events")
    assert answer.status_code == 404


def test_submitting_an_incomplete_draft_is_a_conflict(sms: Any) -> None:
    registration_id = _brand(sms)
    with pytest.raises(ClientError) as refused:
        sms.submit_registration_version(RegistrationId=registration_id)
    assert error_of(refused) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
        "ResourceType": "registration",
        "ResourceId": registration_id,
    }
    assert "companyInfo.taxId" in refused.value.response["Error"]["Message"]


def test_conditional_fields_are_required_when_their_rule_holds(sms: Any) -> None:
    registration_id = _brand(sms)
    fill_required(sms, registration_id, BRAND, **{"companyInfo.legalType": ["PUBLIC_PROFIT"]})
    with pytest.raises(ClientError) as refused:
        sms.submit_registration_version(RegistrationId=registration_id)
    assert error_of(refused)["Reason"] == "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED"
    assert "companyInfo.stockSymbol" in refused.value.response["Error"]["Message"]
    for path, value in (("companyInfo.stockSymbol", "EXMPL"), ("companyInfo.stockExchange", "NASDAQ")):
        sms.put_registration_field_value(RegistrationId=registration_id, FieldPath=path, TextValue=value)
    assert (
        sms.submit_registration_version(RegistrationId=registration_id)["RegistrationVersionStatus"]
        == "SUBMITTED"
    )


def test_a_toll_free_registration_needs_its_number_before_submitting(sms: Any) -> None:
    registration_id = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    fill_required(sms, registration_id, "US_TOLL_FREE_REGISTRATION")
    with pytest.raises(ClientError) as refused:
        sms.submit_registration_version(RegistrationId=registration_id)
    assert error_of(refused)["Reason"] == "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED"
    assert "phone-number" in refused.value.response["Error"]["Message"]


def test_a_submitted_version_cannot_change(sms: Any) -> None:
    assert_nothing_changes(sms, submitted(sms))


def test_a_draft_cannot_get_a_second_draft(sms: Any) -> None:
    registration_id = _brand(sms)
    with pytest.raises(ClientError) as refused:
        sms.create_registration_version(RegistrationId=registration_id)
    assert error_of(refused)["Reason"] == "CREATE_REGISTRATION_VERSION_NOT_ALLOWED"


def test_discard_then_a_new_version(sms: Any) -> None:
    registration_id = _brand(sms)
    sms.put_registration_field_value(
        RegistrationId=registration_id, FieldPath="companyInfo.city", TextValue="Kent"
    )
    discarded = sms.discard_registration_version(RegistrationId=registration_id)
    assert (discarded["VersionNumber"], discarded["RegistrationVersionStatus"]) == (1, "DISCARDED")
    assert "DiscardedTimestamp" in discarded["RegistrationVersionStatusHistory"]
    assert registration(sms, registration_id)["RegistrationStatus"] == "CREATED"
    created = sms.create_registration_version(RegistrationId=registration_id)
    assert (created["VersionNumber"], created["RegistrationVersionStatus"]) == (2, "DRAFT")
    # A discarded version's values are not carried over.
    values = sms.describe_registration_field_values(RegistrationId=registration_id)
    assert (values["VersionNumber"], values["RegistrationFieldValues"]) == (2, [])
    assert registration(sms, registration_id)["CurrentVersionNumber"] == 2


def test_manual_review_waits_for_a_decision(manual_sms: Any, manual_review_server: ServerProcess) -> None:
    endpoint = manual_review_server.endpoint
    registration_id = submitted(manual_sms)
    advance_clock(endpoint, 30 * 24 * 3600)
    assert registration(manual_sms, registration_id)["RegistrationStatus"] == "SUBMITTED"
    answer = review(endpoint, registration_id, "APPROVE")
    assert answer.status_code == 200, answer.text
    assert answer.json()["Registration"]["RegistrationStatus"] == "COMPLETE"
    assert registration(manual_sms, registration_id)["RegistrationStatus"] == "COMPLETE"
    assert version(manual_sms, registration_id, 1)["RegistrationVersionStatus"] == "APPROVED"
    assert statuses(endpoint, registration_id) == ["CREATED", "SUBMITTED", "REVIEWING", "COMPLETE"]
    nothing = review(endpoint, registration_id, "APPROVE")
    assert nothing.status_code == 400 and "no submitted version" in nothing.json()["error"]


def test_review_refuses_bad_requests(manual_review_server: ServerProcess, manual_sms: Any) -> None:
    endpoint = manual_review_server.endpoint
    registration_id = manual_sms.create_registration(RegistrationType=BRAND)["RegistrationId"]
    assert review(endpoint, "registration-missing", "APPROVE").status_code == 404
    assert review(endpoint, registration_id, "MAYBE").status_code == 400
    bad_reasons = review(endpoint, registration_id, "DENY", deniedReasons=[{"Reason": "X"}])
    assert bad_reasons.status_code == 400 and "ShortDescription" in bad_reasons.json()["error"]
    nothing = review(endpoint, registration_id, "DENY")  # a draft: nothing to decide
    assert nothing.status_code == 400


def test_a_denied_version_is_fixed_in_a_new_version(
    manual_sms: Any, manual_review_server: ServerProcess
) -> None:
    endpoint = manual_review_server.endpoint
    registration_id = submitted(manual_sms)
    reasons = [
        {"Reason": "TAX_ID_MISMATCH", "ShortDescription": "The tax ID does not match the company name"}
    ]
    assert review(endpoint, registration_id, "REQUIRES_UPDATES", deniedReasons=reasons).status_code == 200
    found = registration(manual_sms, registration_id)
    assert (found["RegistrationStatus"], found["LatestDeniedVersionNumber"]) == ("REQUIRES_UPDATES", 1)
    assert "ApprovedVersionNumber" not in found
    denied = version(manual_sms, registration_id, 1)
    assert (denied["RegistrationVersionStatus"], denied["DeniedReasons"]) == ("DENIED", reasons)
    second = manual_sms.create_registration_version(RegistrationId=registration_id)
    assert second["VersionNumber"] == 2
    # The new version starts from the denied version's values: only the wrong field is put again.
    inherited = manual_sms.describe_registration_field_values(RegistrationId=registration_id)
    assert {value["FieldPath"] for value in inherited["RegistrationFieldValues"]} >= {"companyInfo.taxId"}
    manual_sms.put_registration_field_value(
        RegistrationId=registration_id, FieldPath="companyInfo.taxId", TextValue="98-7654321"
    )
    manual_sms.submit_registration_version(RegistrationId=registration_id)
    assert review(endpoint, registration_id, "APPROVE").status_code == 200
    found = registration(manual_sms, registration_id)
    assert _numbers(found) == ("COMPLETE", 2, 1)
    assert statuses(endpoint, registration_id) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "REQUIRES_UPDATES",
        "SUBMITTED",
        "REVIEWING",
        "COMPLETE",
    ]


def test_an_approved_update_archives_the_previous_version(
    manual_sms: Any, manual_review_server: ServerProcess
) -> None:
    endpoint = manual_review_server.endpoint
    registration_id = submitted(manual_sms)
    review(endpoint, registration_id, "APPROVE")
    manual_sms.create_registration_version(RegistrationId=registration_id)
    manual_sms.submit_registration_version(RegistrationId=registration_id)
    review(endpoint, registration_id, "DENY")
    found = registration(manual_sms, registration_id)
    # A refused update leaves the registration complete on its approved version.
    assert _numbers(found) == ("COMPLETE", 1, 2)
    assert version(manual_sms, registration_id, 2)["DeniedReasons"][0]["Reason"]
    manual_sms.create_registration_version(RegistrationId=registration_id)
    manual_sms.submit_registration_version(RegistrationId=registration_id)
    review(endpoint, registration_id, "APPROVE")
    listed = manual_sms.describe_registration_versions(RegistrationId=registration_id)["RegistrationVersions"]
    assert [(item["VersionNumber"], item["RegistrationVersionStatus"]) for item in listed] == [
        (1, "ARCHIVED"),
        (2, "DENIED"),
        (3, "APPROVED"),
    ]
    assert "ArchivedTimestamp" in listed[0]["RegistrationVersionStatusHistory"]
    approved = manual_sms.describe_registration_versions(
        RegistrationId=registration_id,
        Filters=[{"Name": "registration-version-status", "Values": ["APPROVED"]}],
    )["RegistrationVersions"]
    assert [item["VersionNumber"] for item in approved] == [3]
    paged = manual_sms.describe_registration_versions(RegistrationId=registration_id, MaxResults=2)
    assert [item["VersionNumber"] for item in paged["RegistrationVersions"]] == [1, 2] and paged["NextToken"]


def test_an_unknown_version_is_refused(sms: Any) -> None:
    registration_id = _brand(sms)
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_versions(RegistrationId=registration_id, VersionNumbers=[7])
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "UNKNOWN_REGISTRATION_VERSION",
    }
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_field_values(RegistrationId=registration_id, VersionNumber=7)
    assert error_of(refused)["Reason"] == "UNKNOWN_REGISTRATION_VERSION"


def test_a_registration_under_review_in_the_auto_mode_can_be_decided_now(
    sms: Any, registrations_server: ServerProcess
) -> None:
    registration_id, _ = submitted_toll_free(sms)
    reasons = [{"Reason": "OPT_IN", "ShortDescription": "The opt-in image is unreadable"}]
    answer = review(registrations_server.endpoint, registration_id, "DENY", deniedReasons=reasons)
    assert answer.status_code == 200
    assert answer.json()["Version"]["RegistrationVersionStatus"] == "DENIED"
    # The automatic review of that version is over: moving the clock changes nothing.
    advance_clock(registrations_server.endpoint, 3 * REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "REQUIRES_UPDATES"


def test_the_testing_client_reviews_and_reads_events(
    manual_sms: Any, manual_review_server: ServerProcess
) -> None:
    server = SmsvoiceClient(manual_review_server.endpoint)
    registration_id = submitted(manual_sms)
    reasons = [{"Reason": "WEBSITE", "ShortDescription": "The website does not load"}]
    decided = server.review_registration(registration_id, "DENY", reasons)
    assert decided["Version"]["DeniedReasons"] == reasons
    assert decided["Registration"]["RegistrationStatus"] == "REQUIRES_UPDATES"
    found = server.registration_events(registration_id)
    assert [event["detail"]["registrationDetails"]["currentStatus"] for event in found][
        -1
    ] == "REQUIRES_UPDATES"
    with pytest.raises(SmsvoiceApiError) as refused:
        server.review_registration(registration_id, "APPROVE")
    assert refused.value.status == 400


def test_registrations_per_account_are_limited(sms: Any) -> None:
    for _ in range(100):
        _brand(sms)
    with pytest.raises(ClientError) as refused:
        _brand(sms)
    assert error_of(refused) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "REGISTRATIONS_PER_ACCOUNT",
    }


def test_a_registration_of_another_account_is_not_found(
    sms: Any, registrations_server: ServerProcess
) -> None:
    theirs = client("pinpoint-sms-voice-v2", registrations_server.endpoint, new_account())
    arn = theirs.create_registration(RegistrationType=BRAND)["RegistrationArn"]
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_versions(RegistrationId=arn)
    assert error_of(refused) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "registration",
        "ResourceId": arn,
    }
