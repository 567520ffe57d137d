"""Registrations: CreateRegistration, DescribeRegistrations, DeleteRegistration.

A registration is created with version 1 as a DRAFT and status CREATED; its versions, field values,
associations and review are in the other registration_* modules (docs/registrations.md).
"""

from __future__ import annotations

from typing import Any

from smsvoice.arns import new_resource_id
from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, arn_for, paginate
from smsvoice.services.v2.errors import ConflictException
from smsvoice.services.v2.identities import FilterSpec, matches_filters
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_associations import blocking_associations, drop_associations
from smsvoice.services.v2.registration_records import (
    REGISTRATION,
    REGISTRATION_TYPE,
    REGISTRATION_VERSION,
    UNDER_REVIEW,
    Registration,
    add_version,
    get_registration,
    new_version,
    set_status,
    type_definition,
    version_key,
    versions_of,
)
from smsvoice.services.v2.registration_review import forget_review
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document


@operations.handler("CreateRegistration")
def create_registration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration_type = type_definition(params["RegistrationType"]).registration_type
    registration_id = new_resource_id("registration")
    now = context.now()
    doc: Document = {
        "RegistrationArn": arn_for(context, REGISTRATION_TYPE, registration_id),
        "RegistrationId": registration_id,
        "RegistrationType": registration_type,
        "RegistrationStatus": "CREATED",
        "CurrentVersionNumber": 1,
        "AdditionalAttributes": {},
        "CreatedTimestamp": now,
    }
    add_under_quota(
        context,
        REGISTRATION,
        registration_id,
        doc,
        limit=V2_ACCOUNT_LIMITS["REGISTRATIONS"],
        reason="REGISTRATIONS_PER_ACCOUNT",
        what="registrations",
    )
    version = new_version(1, now)
    add_version(context, registration_id, version)
    set_status(context, Registration(doc, version), "CREATED")
    set_tags(context, doc["RegistrationArn"], params.get("Tags"))
    return {**doc, "Tags": get_tags(context, doc["RegistrationArn"])}


_FILTERS: FilterSpec = {
    "registration-type": ("RegistrationType", "str"),
    "registration-status": ("RegistrationStatus", "str"),
}


@operations.handler("DescribeRegistrations")
def describe_registrations(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("RegistrationIds")
    if wanted:
        found = {ref.id: ref.doc for ref in (get_registration(context, value) for value in wanted)}
        docs = list(found.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(REGISTRATION)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["RegistrationId"]), params)
    result: dict[str, Any] = {"Registrations": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteRegistration")
def delete_registration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    if registration.version_status in UNDER_REVIEW:
        # "After you submit a registration you can't change it or disassociate resources until the
        # third party has reviewed it and returned it" (user guide, registrations-sms-cli.html).
        raise ConflictException(
            f"Registration {registration.id} is {registration.version_status} and cannot be deleted",
            "REGISTRATION_ALREADY_SUBMITTED",
            REGISTRATION_TYPE,
            registration.id,
        )
    blocking = blocking_associations(context, registration)
    if blocking:
        first = blocking[0]
        reason = (
            "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION"
            if first["ResourceType"] == "phone-number"
            else "DISASSOCIATE_REGISTRATION_NOT_ALLOWED"
        )
        raise ConflictException(
            f"Registration {registration.id} is still associated with {first['ResourceId']}: "
            "release it first",
            reason,
            REGISTRATION_TYPE,
            registration.id,
        )
    drop_associations(context, registration)
    forget_review(context, registration.id)
    for version in versions_of(context, registration.id):
        context.documents.remove(
            REGISTRATION_VERSION, version_key(registration.id, int(version["VersionNumber"]))
        )
    set_status(context, registration, "DELETED")
    context.documents.remove(REGISTRATION, registration.id)
    drop_tags(context, registration.doc["RegistrationArn"])
    return registration.doc


register_taggable(
    REGISTRATION_TYPE, lambda context, key: context.documents.get(REGISTRATION, key) is not None
)
