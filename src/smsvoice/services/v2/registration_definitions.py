"""Registration forms: DescribeRegistrationTypeDefinitions, DescribeRegistrationSectionDefinitions,
DescribeRegistrationFieldDefinitions, answered from the package's definitions data file.

Sections and fields are listed in form order (pages keep it).
"""

from __future__ import annotations

from typing import Any

from smsvoice.domain.registration_definitions import TypeDefinition, registration_types
from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import filter_values, paginate
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_records import type_definition


def _unknown(reason: str, member: str, message: str) -> ValidationException:
    return ValidationException(message, reason, [FieldProblem(member, message)])


def _supports(definition: TypeDefinition, name: str, values: list[str]) -> bool:
    member = "ResourceType" if name == "supported-association-resource-type" else "IsoCountryCode"
    supported = definition.definition.get("SupportedAssociations") or []
    return any(item.get(member) in values for item in supported)


@operations.handler("DescribeRegistrationTypeDefinitions")
def describe_registration_type_definitions(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    wanted = params.get("RegistrationTypes")
    if wanted:
        definitions = list({name: type_definition(name, "RegistrationTypes") for name in wanted}.values())
    else:
        definitions = list(registration_types().values())
    for name, values in filter_values(params):
        definitions = [item for item in definitions if _supports(item, name, values)]
    page = paginate(
        context, [item.definition for item in definitions], lambda item: str(item["RegistrationType"]), params
    )
    result: dict[str, Any] = {"RegistrationTypeDefinitions": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


def _in_form_order(
    context: OperationContext, items: list[tuple[int, dict[str, Any]]], params: dict[str, Any]
) -> tuple[list[dict[str, Any]], str | None]:
    page = paginate(context, items, lambda item: f"{item[0]:05d}", params)
    return [item for _, item in page.items], page.next_token


@operations.handler("DescribeRegistrationSectionDefinitions")
def describe_registration_section_definitions(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    definition = type_definition(params["RegistrationType"])
    wanted = params.get("SectionPaths")
    for path in wanted or []:
        if definition.section(path) is None:
            raise _unknown(
                "UNKNOWN_REGISTRATION_SECTION",
                "SectionPaths",
                f"{definition.registration_type} has no section {path}",
            )
    items = [
        (index, section)
        for index, section in enumerate(definition.sections)
        if not wanted or section["SectionPath"] in wanted
    ]
    sections, next_token = _in_form_order(context, items, params)
    result: dict[str, Any] = {
        "RegistrationType": definition.registration_type,
        "RegistrationSectionDefinitions": sections,
    }
    if next_token:
        result["NextToken"] = next_token
    return result


@operations.handler("DescribeRegistrationFieldDefinitions")
def describe_registration_field_definitions(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    definition = type_definition(params["RegistrationType"])
    section = params.get("SectionPath")
    if section and definition.section(section) is None:
        raise _unknown(
            "UNKNOWN_REGISTRATION_SECTION",
            "SectionPath",
            f"{definition.registration_type} has no section {section}",
        )
    wanted = params.get("FieldPaths")
    for path in wanted or []:
        if definition.field(path) is None:
            raise _unknown(
                "UNKNOWN_REGISTRATION_FIELD",
                "FieldPaths",
                f"{definition.registration_type} has no field {path}",
            )
    items = [
        (index, field)
        for index, field in enumerate(definition.fields)
        if (not section or field["SectionPath"] == section) and (not wanted or field["FieldPath"] in wanted)
    ]
    fields, next_token = _in_form_order(context, items, params)
    result: dict[str, Any] = {
        "RegistrationType": definition.registration_type,
        "RegistrationFieldDefinitions": fields,
    }
    if next_token:
        result["NextToken"] = next_token
    return result
