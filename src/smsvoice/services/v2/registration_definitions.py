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


def _check_known(definition: TypeDefinition, kind: str, member: str, paths: list[str]) -> None:
    """UNKNOWN_REGISTRATION_SECTION / _FIELD for the first of `paths` the type does not have."""
    lookup = definition.section if kind == "section" else definition.field
    for path in paths:
        if lookup(path) is None:
            raise _unknown(
                f"UNKNOWN_REGISTRATION_{kind.upper()}",
                member,
                f"{definition.registration_type} has no {kind} {path}",
            )


def _in_form_order(
    context: OperationContext,
    definition: TypeDefinition,
    member: str,
    items: list[tuple[int, dict[str, Any]]],
    params: dict[str, Any],
) -> dict[str, Any]:
    """One page of `items` (position in the form, definition) as the operation answers it."""
    page = paginate(context, items, lambda item: f"{item[0]:05d}", params)
    result: dict[str, Any] = {
        "RegistrationType": definition.registration_type,
        member: [item for _, item in page.items],
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DescribeRegistrationSectionDefinitions")
def describe_registration_section_definitions(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    definition = type_definition(params["RegistrationType"])
    wanted = params.get("SectionPaths")
    _check_known(definition, "section", "SectionPaths", wanted or [])
    items = [
        (index, section)
        for index, section in enumerate(definition.sections)
        if not wanted or section["SectionPath"] in wanted
    ]
    return _in_form_order(context, definition, "RegistrationSectionDefinitions", items, params)


@operations.handler("DescribeRegistrationFieldDefinitions")
def describe_registration_field_definitions(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    definition = type_definition(params["RegistrationType"])
    section = params.get("SectionPath")
    _check_known(definition, "section", "SectionPath", [section] if section else [])
    wanted = params.get("FieldPaths")
    _check_known(definition, "field", "FieldPaths", wanted or [])
    items = [
        (index, field)
        for index, field in enumerate(definition.fields)
        if (not section or field["SectionPath"] == section) and (not wanted or field["FieldPath"] in wanted)
    ]
    return _in_form_order(context, definition, "RegistrationFieldDefinitions", items, params)
