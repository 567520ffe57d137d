"""Registration versions: CreateRegistrationVersion, DescribeRegistrationVersions,
SubmitRegistrationVersion, DiscardRegistrationVersion.

Only the current version can change, and only while it is a DRAFT. A new version starts with the
field values of the latest version that was not discarded: AWS's sources disagree (one says a new
version starts empty, another that it inherits the values), and inheriting is what lets a denied
registration be fixed one field at a time (docs/registrations.md).
"""

from __future__ import annotations

from typing import Any

from smsvoice.domain.registration_definitions import missing_fields
from smsvoice.quotas import V2_REGISTRATION_VERSIONS_CREATED_PER_DAY
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import ConflictException
from smsvoice.services.v2.identities import FilterSpec, matches_filters
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_associations import has_association
from smsvoice.services.v2.registration_daily import count_created_today
from smsvoice.services.v2.registration_records import (
    REGISTRATION,
    REGISTRATION_TYPE,
    UNDER_REVIEW,
    Registration,
    add_version,
    get_registration,
    get_version,
    new_version,
    save_version,
    set_status,
    stamp,
    version_view,
    versions_of,
)
from smsvoice.services.v2.registration_review import schedule_review

MAX_VERSION_NUMBER = 100_000  # RegistrationVersionNumber's range in the model


def _conflict(registration: Registration, message: str, reason: str) -> ConflictException:
    return ConflictException(message, reason, REGISTRATION_TYPE, registration.id)


@operations.handler("CreateRegistrationVersion")
def create_registration_version(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    current = registration.version_status
    if current == "DRAFT" or current in UNDER_REVIEW:
        raise _conflict(
            registration,
            f"Version {registration.version['VersionNumber']} of {registration.id} is {current}: "
            "discard it or wait for its review before creating a new version",
            "CREATE_REGISTRATION_VERSION_NOT_ALLOWED",
        )
    number = int(registration.version["VersionNumber"]) + 1
    if number > MAX_VERSION_NUMBER:
        raise _conflict(
            registration,
            "A registration has at most 100000 versions",
            "CREATE_REGISTRATION_VERSION_NOT_ALLOWED",
        )
    count_created_today(
        context,
        "REGISTRATION_VERSIONS_CREATED_PER_DAY",
        V2_REGISTRATION_VERSIONS_CREATED_PER_DAY,
        "registration versions",
    )
    kept = [
        doc
        for doc in versions_of(context, registration.id)
        if doc["RegistrationVersionStatus"] != "DISCARDED"
    ]
    values = kept[-1]["FieldValues"] if kept else {}
    version = new_version(number, context.now(), values)
    add_version(context, registration.id, version)
    registration.doc["CurrentVersionNumber"] = number
    context.documents.replace(REGISTRATION, registration.id, registration.doc)
    return version_view(registration, version)


_FILTERS: FilterSpec = {"registration-version-status": ("RegistrationVersionStatus", "str")}


@operations.handler("DescribeRegistrationVersions")
def describe_registration_versions(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    numbers = params.get("VersionNumbers")
    if numbers:
        found = {int(number): get_version(context, registration, int(number)) for number in numbers}
        docs = list(found.values())
    else:
        docs = versions_of(context, registration.id)
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: f"{int(doc['VersionNumber']):06d}", params)
    result: dict[str, Any] = {
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
        "RegistrationVersions": [version_view(registration, doc) for doc in page.items],
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("SubmitRegistrationVersion")
def submit_registration_version(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    status = registration.version_status
    number = registration.version["VersionNumber"]
    if status in UNDER_REVIEW:
        raise _conflict(
            registration,
            f"Version {number} of {registration.id} is already submitted",
            "REGISTRATION_ALREADY_SUBMITTED",
        )
    if status != "DRAFT":
        raise _conflict(
            registration,
            f"Version {number} of {registration.id} is {status}: create a new version to submit",
            "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
        )
    missing = missing_fields(registration.definition, registration.version["FieldValues"])
    if missing:
        raise _conflict(
            registration,
            f"Version {number} of {registration.id} is incomplete: {', '.join(missing)} required",
            "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
        )
    for supported in registration.definition.definition.get("SupportedAssociations") or []:
        kind = supported["ResourceType"]
        if supported["AssociationBehavior"] == "ASSOCIATE_BEFORE_SUBMIT" and not has_association(
            context, registration.id, kind
        ):
            raise _conflict(
                registration,
                f"Associate a {kind} with {registration.id} before submitting it",
                "SUBMIT_REGISTRATION_VERSION_NOT_ALLOWED",
            )
    stamp(registration.version, "SUBMITTED", context.now())
    registration.version["AwsReview"] = bool(params.get("AwsReview"))
    save_version(context, registration.id, registration.version)
    set_status(context, registration, "SUBMITTED")
    schedule_review(context, registration.id)
    return {
        **version_view(registration, registration.version),
        "AwsReview": registration.version["AwsReview"],
    }


@operations.handler("DiscardRegistrationVersion")
def discard_registration_version(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    if registration.version_status != "DRAFT":
        raise _conflict(
            registration,
            f"Only a draft can be discarded; version {registration.version['VersionNumber']} is "
            f"{registration.version_status}",
            "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED",
        )
    stamp(registration.version, "DISCARDED", context.now())
    save_version(context, registration.id, registration.version)
    return version_view(registration, registration.version)
