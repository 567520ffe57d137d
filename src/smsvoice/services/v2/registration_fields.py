"""Registration field values: PutRegistrationFieldValue, DeleteRegistrationFieldValue,
DescribeRegistrationFieldValues.

A value is checked against its field's definition when it is put (domain/registration_definitions.py);
whether every required field has one is checked when the version is submitted.
"""

from __future__ import annotations

from typing import Any

from smsvoice.domain.registration_definitions import FieldValue, value_problem
from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import ConflictException, ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_attachments import get_attachment
from smsvoice.services.v2.registration_records import (
    REGISTRATION_TYPE,
    Registration,
    get_registration,
    get_version,
    save_version,
)


def _field(registration: Registration, path: str) -> dict[str, Any]:
    found = registration.definition.field(path)
    if found is None:
        message = f"{registration.doc['RegistrationType']} has no field {path}"
        raise ValidationException(message, "UNKNOWN_REGISTRATION_FIELD", [FieldProblem("FieldPath", message)])
    return found


def _editable(registration: Registration) -> None:
    if registration.version_status != "DRAFT":
        raise ConflictException(
            f"Version {registration.version['VersionNumber']} of {registration.id} is "
            f"{registration.version_status}: only a draft's field values can change",
            "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED",
            REGISTRATION_TYPE,
            registration.id,
        )


def _answer(registration: Registration, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
        "VersionNumber": registration.version["VersionNumber"],
        **value,
    }


@operations.handler("PutRegistrationFieldValue")
def put_registration_field_value(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    field = _field(registration, params["FieldPath"])
    _editable(registration)
    choices = params.get("SelectChoices")
    attachment = params.get("RegistrationAttachmentId")
    value = FieldValue(
        select_choices=None if choices is None else tuple(choices),
        text_value=params.get("TextValue"),
        attachment_id=attachment,
    )
    problem = value_problem(field, value)
    if problem is not None:
        raise ValidationException(
            problem, "FIELD_VALIDATION_FAILED", [FieldProblem(field["FieldPath"], problem)]
        )
    stored: dict[str, Any] = {"FieldPath": field["FieldPath"]}
    if choices is not None:
        stored["SelectChoices"] = list(choices)
    if value.text_value is not None:
        stored["TextValue"] = value.text_value
    if attachment is not None:
        found = get_attachment(context, attachment)
        if found["AttachmentStatus"] != "UPLOAD_COMPLETE":
            message = f"Attachment {found['RegistrationAttachmentId']} is {found['AttachmentStatus']}"
            raise ValidationException(
                message, "INVALID_PARAMETER", [FieldProblem("RegistrationAttachmentId", message)]
            )
        stored["RegistrationAttachmentId"] = found["RegistrationAttachmentId"]
    registration.version["FieldValues"][field["FieldPath"]] = stored
    save_version(context, registration.id, registration.version)
    return _answer(registration, stored)


@operations.handler("DeleteRegistrationFieldValue")
def delete_registration_field_value(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    field = _field(registration, params["FieldPath"])
    _editable(registration)
    removed = registration.version["FieldValues"].pop(field["FieldPath"], None)
    if removed is None:
        message = f"{field['FieldPath']} has no value in version {registration.version['VersionNumber']}"
        raise ValidationException(
            message, "REGISTRATION_FIELD_CANNOT_BE_DELETED", [FieldProblem("FieldPath", message)]
        )
    save_version(context, registration.id, registration.version)
    return _answer(registration, removed)


@operations.handler("DescribeRegistrationFieldValues")
def describe_registration_field_values(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    registration = get_registration(context, params["RegistrationId"])
    version = registration.version
    if params.get("VersionNumber") is not None:
        version = get_version(context, registration, int(params["VersionNumber"]))
    values = list(version["FieldValues"].values())
    section = params.get("SectionPath")
    if section:
        if registration.definition.section(section) is None:
            message = f"{registration.doc['RegistrationType']} has no section {section}"
            raise ValidationException(
                message, "UNKNOWN_REGISTRATION_SECTION", [FieldProblem("SectionPath", message)]
            )
        values = [value for value in values if value["FieldPath"].startswith(section + ".")]
    paths = params.get("FieldPaths")
    if paths:
        wanted = {_field(registration, path)["FieldPath"] for path in paths}
        values = [value for value in values if value["FieldPath"] in wanted]
    page = paginate(context, values, lambda value: str(value["FieldPath"]), params)
    result: dict[str, Any] = {
        "RegistrationArn": registration.doc["RegistrationArn"],
        "RegistrationId": registration.id,
        "VersionNumber": version["VersionNumber"],
        "RegistrationFieldValues": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result
