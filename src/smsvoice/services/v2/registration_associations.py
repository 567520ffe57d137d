"""Registration associations: CreateRegistrationAssociation, ListRegistrationAssociations.

What a registration may be associated with, and when, is its type's `SupportedAssociations`
(AssociationBehavior, user guide registrations-sms-cli.html): ASSOCIATE_BEFORE_SUBMIT (a toll-free
number, a 10DLC campaign's brand) while the current version is a draft; ASSOCIATE_AFTER_COMPLETE (a
10DLC campaign's numbers) once the registration is complete; ASSOCIATE_ON_APPROVAL (sender IDs) only
by the approval itself. Each association is a document `v2/registration-association` keyed
"<RegistrationId>/<resource ARN>", child of the registration; a phone number or sender ID also
keeps the RegistrationId it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smsvoice.arns import parse_arn
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import (
    ConflictException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_TYPE,
    SENDER_ID,
    SENDER_ID_TYPE,
    FilterSpec,
    matches_filters,
    resolve_identity,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_records import (
    REGISTRATION,
    REGISTRATION_TYPE,
    UNDER_REVIEW,
    Registration,
    get_registration,
    set_status,
)
from smsvoice.store import Document

REGISTRATION_ASSOCIATION = "v2/registration-association"
# AWS names both quota reasons and publishes no numbers: smsvoice's choice.
ASSOCIATIONS_PER_REGISTRATION = 100
_IDENTITY_KINDS = {PHONE_NUMBER_TYPE: PHONE_NUMBER, SENDER_ID_TYPE: SENDER_ID}


@dataclass(frozen=True, slots=True)
class Target:
    """A resource a registration can be associated with: its metadata and where its record is."""

    metadata: dict[str, Any]  # RegistrationAssociationMetadata
    kind: str  # the document kind of the resource
    key: str
    doc: Document

    @property
    def resource_type(self) -> str:
        return str(self.metadata["ResourceType"])

    @property
    def arn(self) -> str:
        return str(self.metadata["ResourceArn"])


def find_target(context: OperationContext, value: str) -> Target:
    """The phone number, sender ID or registration that `value` (an id, a number or an ARN) names."""
    arn = parse_arn(value)
    named = arn.resource.partition("/")[0] if arn else ""
    if named == REGISTRATION_TYPE or (arn is None and value.startswith("registration-")):
        return registration_target(get_registration(context, value).doc)
    ref = resolve_identity(context, value, (PHONE_NUMBER_TYPE, SENDER_ID_TYPE))
    return identity_target(ref.resource_type, ref.key, ref.doc)


def registration_target(doc: Document) -> Target:
    metadata = {
        "ResourceArn": doc["RegistrationArn"],
        "ResourceId": doc["RegistrationId"],
        "ResourceType": REGISTRATION_TYPE,
    }
    return Target(metadata, REGISTRATION, str(doc["RegistrationId"]), doc)


def identity_target(resource_type: str, key: str, doc: Document) -> Target:
    is_number = resource_type == PHONE_NUMBER_TYPE
    metadata: dict[str, Any] = {
        "ResourceArn": doc["PhoneNumberArn" if is_number else "SenderIdArn"],
        "ResourceId": doc["PhoneNumberId" if is_number else "SenderId"],
        "ResourceType": resource_type,
        "IsoCountryCode": doc["IsoCountryCode"],
    }
    if is_number:
        metadata["PhoneNumber"] = doc["PhoneNumber"]
    return Target(metadata, _IDENTITY_KINDS[resource_type], key, doc)


def _invalid(message: str) -> ValidationException:
    return ValidationException(message, "INVALID_REGISTRATION_ASSOCIATION")


def _conflict(registration: Registration, message: str, reason: str) -> ConflictException:
    return ConflictException(message, reason, REGISTRATION_TYPE, registration.id)


def check_association(
    context: OperationContext, registration: Registration, target: Target, *, on_approval: bool = False
) -> None:
    """Raise what AWS answers when `target` cannot be associated with `registration` now."""
    supported = registration.definition.association(target.resource_type)
    registration_type = registration.doc["RegistrationType"]
    if supported is None:
        raise _invalid(f"A {registration_type} cannot be associated with a {target.resource_type}")
    country = supported.get("IsoCountryCode")
    if country and target.metadata.get("IsoCountryCode", country) != country:
        raise _invalid(f"A {registration_type} only takes {target.resource_type}s of {country}")
    behavior = supported["AssociationBehavior"]
    if behavior == "ASSOCIATE_ON_APPROVAL" and not on_approval:
        raise _invalid(
            f"The {target.resource_type} of a {registration_type} is associated when it is approved"
        )
    if registration.version_status in UNDER_REVIEW:
        raise _conflict(
            registration,
            f"Registration {registration.id} is {registration.version_status}: submitted and not yet decided",
            "REGISTRATION_ALREADY_SUBMITTED",
        )
    if behavior == "ASSOCIATE_BEFORE_SUBMIT" and registration.version_status != "DRAFT":
        raise _conflict(
            registration,
            f"Associate a {target.resource_type} with a draft version: create a new version first",
            "REGISTRATION_ALREADY_SUBMITTED",
        )
    if behavior == "ASSOCIATE_AFTER_COMPLETE" and registration.doc["RegistrationStatus"] != "COMPLETE":
        raise _conflict(
            registration, f"Registration {registration.id} is not complete", "REGISTRATION_NOT_COMPLETE"
        )
    if context.documents.get(REGISTRATION_ASSOCIATION, f"{registration.id}/{target.arn}") is not None:
        raise _conflict(
            registration,
            f"{target.metadata['ResourceId']} is already associated with {registration.id}",
            "RESOURCE_ALREADY_ASSOCIATED",
        )
    if target.resource_type == REGISTRATION_TYPE:
        _check_registration_target(registration, target, supported)
    owner = target.doc.get("RegistrationId") if target.resource_type != REGISTRATION_TYPE else None
    if owner and owner != registration.id and context.documents.get(REGISTRATION, owner) is not None:
        raise _conflict(
            registration,
            f"{target.metadata['ResourceId']} is associated with registration {owner}",
            "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION",
        )


def _check_registration_target(registration: Registration, target: Target, supported: dict[str, Any]) -> None:
    accepted = supported.get("RegistrationTypes") or []
    if target.doc["RegistrationType"] not in accepted:
        raise _invalid(
            f"A {registration.doc['RegistrationType']} takes a registration of type {', '.join(accepted)}"
        )
    if target.doc["RegistrationStatus"] != "COMPLETE":
        raise _conflict(
            registration,
            f"Registration {target.doc['RegistrationId']} is not complete",
            "REGISTRATION_NOT_COMPLETE",
        )


def add_association(context: OperationContext, registration: Registration, target: Target) -> dict[str, Any]:
    """Store the association (checked already) and answer it as CreateRegistrationAssociation does."""
    if (
        context.documents.count(REGISTRATION_ASSOCIATION, parent=registration.id)
        >= ASSOCIATIONS_PER_REGISTRATION
    ):
        reason = (
            "PHONE_NUMBERS_PER_REGISTRATION"
            if target.resource_type == PHONE_NUMBER_TYPE
            else "ASSOCIATIONS_PER_REGISTRATION"
        )
        raise ServiceQuotaExceededException(
            f"A registration can have at most {ASSOCIATIONS_PER_REGISTRATION} associations", reason
        )
    context.documents.add(
        REGISTRATION_ASSOCIATION, f"{registration.id}/{target.arn}", target.metadata, parent=registration.id
    )
    if target.resource_type != REGISTRATION_TYPE:
        doc = dict(target.doc)
        doc["RegistrationId"] = registration.id
        if target.resource_type == PHONE_NUMBER_TYPE and registration.doc["RegistrationStatus"] == "COMPLETE":
            doc["Status"] = "ACTIVE"  # a number associated after completion sends at once
        context.documents.replace(target.kind, target.key, doc)
    return {
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
        "RegistrationType": registration.doc["RegistrationType"],
        **target.metadata,
    }


def associations_of(context: OperationContext, registration_id: str) -> list[Document]:
    return [doc for _, doc in context.documents.iterate(REGISTRATION_ASSOCIATION, parent=registration_id)]


def has_association(context: OperationContext, registration_id: str, resource_type: str) -> bool:
    return any(doc["ResourceType"] == resource_type for doc in associations_of(context, registration_id))


def activate_numbers(context: OperationContext, registration: Registration) -> None:
    """A completed registration lets its PENDING numbers send."""
    for association in associations_of(context, registration.id):
        if association["ResourceType"] != PHONE_NUMBER_TYPE:
            continue
        doc = context.documents.get(PHONE_NUMBER, association["ResourceId"])
        if doc is not None and doc.get("Status") == "PENDING":
            context.documents.replace(PHONE_NUMBER, association["ResourceId"], {**doc, "Status": "ACTIVE"})


def blocking_associations(context: OperationContext, registration: Registration) -> list[Document]:
    """Associations that keep the registration from being deleted: identities that still exist and
    whose DisassociationBehavior is not DELETE_REGISTRATION_DISASSOCIATES."""
    found = []
    for association in associations_of(context, registration.id):
        supported = registration.definition.association(association["ResourceType"]) or {}
        if supported.get("DisassociationBehavior") == "DELETE_REGISTRATION_DISASSOCIATES":
            continue
        if association["ResourceType"] in _IDENTITY_KINDS:
            found.append(association)
    return found


def drop_associations(context: OperationContext, registration: Registration) -> None:
    for association in associations_of(context, registration.id):
        context.documents.remove(REGISTRATION_ASSOCIATION, f"{registration.id}/{association['ResourceArn']}")


def check_release(
    context: OperationContext, registration_id: str, resource_type: str, resource_id: str
) -> None:
    """A phone number or sender ID of a registration under review cannot be released ("You can't make
    any changes to your registration or any resources associated to the registration while it is in
    this state", user guide, registrations-status.html)."""
    if context.documents.get(REGISTRATION, registration_id) is None:
        return
    registration = get_registration(context, registration_id)
    if registration.version_status in UNDER_REVIEW:
        reason = (
            "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION"
            if resource_type == PHONE_NUMBER_TYPE
            else "RESOURCE_DELETION_NOT_ALLOWED"
        )
        raise ConflictException(
            f"{resource_id} belongs to registration {registration_id}, which is {registration.version_status}",
            reason,
            resource_type,
            resource_id,
        )


def identity_released(context: OperationContext, registration_id: str, resource_arn: str) -> None:
    """A phone number or sender ID was released: its association goes, and a registration whose
    type says DISASSOCIATE_ALL_CLOSES_REGISTRATION is CLOSED when nothing is left ("CLOSED: The phone
    number or sender ID has been deleted and you must also delete the registration", API reference)."""
    if not context.documents.remove(REGISTRATION_ASSOCIATION, f"{registration_id}/{resource_arn}"):
        return
    if context.documents.get(REGISTRATION, registration_id) is None:
        return
    registration = get_registration(context, registration_id)
    remaining = associations_of(context, registration_id)
    behaviors = {
        (registration.definition.association(kind) or {}).get("DisassociationBehavior")
        for kind in _IDENTITY_KINDS
    }
    if "DISASSOCIATE_ALL_CLOSES_REGISTRATION" in behaviors and not any(
        item["ResourceType"] in _IDENTITY_KINDS for item in remaining
    ):
        set_status(context, registration, "CLOSED")


@operations.handler("CreateRegistrationAssociation")
def create_registration_association(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    target = find_target(context, params["ResourceId"])
    check_association(context, registration, target)
    return add_association(context, registration, target)


_FILTERS: FilterSpec = {
    "resource-type": ("ResourceType", "str"),
    "iso-country-code": ("IsoCountryCode", "str"),
}


@operations.handler("ListRegistrationAssociations")
def list_registration_associations(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    docs = [
        doc for doc in associations_of(context, registration.id) if matches_filters(doc, params, _FILTERS)
    ]
    page = paginate(context, docs, lambda doc: str(doc["ResourceArn"]), params)
    result: dict[str, Any] = {
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
        "RegistrationType": registration.doc["RegistrationType"],
        "RegistrationAssociations": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result
