"""Records of registrations and their versions, and how requests name them.

Every registration module reads and writes these documents through the helpers here:

- `v2/registration` (key RegistrationId): RegistrationInformation, the model's Describe item shape.
- `v2/registration-version` (key "<RegistrationId>/<000001>", parent RegistrationId):
  RegistrationVersionInformation plus `FieldValues` (FieldPath -> RegistrationFieldValueInformation).

A status change of a registration goes through `set_status`, which records its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smsvoice.domain.registration_definitions import TypeDefinition, registration_types
from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import resolve_id
from smsvoice.services.v2.errors import ResourceNotFoundException, ValidationException
from smsvoice.services.v2.registration_events import record_registration_event
from smsvoice.store import Document

REGISTRATION = "v2/registration"
REGISTRATION_VERSION = "v2/registration-version"
REGISTRATION_TYPE = "registration"  # the resource type of its ARN and of errors

# Which history timestamp each version status stamps (RegistrationVersionStatusHistory).
_HISTORY = {
    "DRAFT": "DraftTimestamp",
    "SUBMITTED": "SubmittedTimestamp",
    "AWS_REVIEWING": "AwsReviewingTimestamp",
    "REVIEWING": "ReviewingTimestamp",
    "REQUIRES_AUTHENTICATION": "RequiresAuthenticationTimestamp",
    "APPROVED": "ApprovedTimestamp",
    "DISCARDED": "DiscardedTimestamp",
    "DENIED": "DeniedTimestamp",
    "REVOKED": "RevokedTimestamp",
    "ARCHIVED": "ArchivedTimestamp",
}
# A version in one of these is submitted and not yet decided: with the reviewers, or waiting for the
# brand's contact to authenticate by email. Nothing about the registration may change meanwhile.
UNDER_REVIEW = frozenset({"SUBMITTED", "AWS_REVIEWING", "REVIEWING", "REQUIRES_AUTHENTICATION"})


@dataclass(slots=True)
class Registration:
    """A registration of the caller's, and the version its CurrentVersionNumber names."""

    doc: Document
    version: Document

    @property
    def id(self) -> str:
        return str(self.doc["RegistrationId"])

    @property
    def definition(self) -> TypeDefinition:
        return registration_types()[self.doc["RegistrationType"]]

    @property
    def version_status(self) -> str:
        return str(self.version["RegistrationVersionStatus"])


def type_definition(registration_type: str, member: str = "RegistrationType") -> TypeDefinition:
    found = registration_types().get(registration_type)
    if found is None:
        message = f"Unknown registration type {registration_type}"
        raise ValidationException(message, "UNKNOWN_REGISTRATION_TYPE", [FieldProblem(member, message)])
    return found


def version_key(registration_id: str, number: int) -> str:
    return f"{registration_id}/{number:06d}"


def registration_not_found(value: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        f"The registration {value} does not exist in this account and Region", REGISTRATION_TYPE, value
    )


def get_registration(context: OperationContext, value: str) -> Registration:
    """The registration `value` (an id or an ARN) names, with its current version."""
    registration_id = resolve_id(context, value, REGISTRATION_TYPE)
    doc = context.documents.get(REGISTRATION, registration_id)
    if doc is None:
        raise registration_not_found(value)
    version = context.documents.get(
        REGISTRATION_VERSION, version_key(registration_id, int(doc["CurrentVersionNumber"]))
    )
    assert version is not None, f"registration {registration_id} lost its current version"
    return Registration(doc, version)


def get_version(context: OperationContext, registration: Registration, number: int) -> Document:
    found = context.documents.get(REGISTRATION_VERSION, version_key(registration.id, number))
    if found is None:
        message = f"Registration {registration.id} has no version {number}"
        raise ValidationException(
            message, "UNKNOWN_REGISTRATION_VERSION", [FieldProblem("VersionNumber", message)]
        )
    return found


def versions_of(context: OperationContext, registration_id: str) -> list[Document]:
    return [doc for _, doc in context.documents.iterate(REGISTRATION_VERSION, parent=registration_id)]


def new_version(number: int, now: float, field_values: dict[str, Any] | None = None) -> Document:
    return {
        "VersionNumber": number,
        "RegistrationVersionStatus": "DRAFT",
        "RegistrationVersionStatusHistory": {"DraftTimestamp": now},
        "FieldValues": dict(field_values or {}),
    }


def add_version(context: OperationContext, registration_id: str, version: Document) -> None:
    context.documents.add(
        REGISTRATION_VERSION,
        version_key(registration_id, int(version["VersionNumber"])),
        version,
        parent=registration_id,
    )


def save_version(context: OperationContext, registration_id: str, version: Document) -> None:
    context.documents.replace(
        REGISTRATION_VERSION, version_key(registration_id, int(version["VersionNumber"])), version
    )


def stamp(version: Document, status: str, now: float) -> None:
    """Move a version to `status`, stamping its history."""
    version["RegistrationVersionStatus"] = status
    version["RegistrationVersionStatusHistory"][_HISTORY[status]] = now


def version_view(registration: Registration, version: Document) -> dict[str, Any]:
    """A version as the version operations answer it (RegistrationArn and RegistrationId added)."""
    return {
        **{key: value for key, value in version.items() if key != "FieldValues"},
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
    }


def set_status(context: OperationContext, registration: Registration, status: str) -> None:
    """Save the registration in `status` and record the change (every status change comes here)."""
    registration.doc["RegistrationStatus"] = status
    context.documents.replace(REGISTRATION, registration.id, registration.doc)
    record_registration_event(context, registration.doc, int(registration.version["VersionNumber"]))
