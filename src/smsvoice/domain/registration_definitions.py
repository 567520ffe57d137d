"""Registration types, their sections and fields, read from the package's data file, and the rules
a field value must follow.

The definitions are data (src/smsvoice/data/registration_definitions.json, with its sources in
`_source`), in the model's own shapes, so DescribeRegistration*Definitions answer them as they are.
A value is checked against its field when it is put; a version's completeness when it is submitted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# Members of a type that the model does not declare and the API never shows.
_OWN_KEYS = ("Sections", "ProvisionsIdentity")


@dataclass(frozen=True, slots=True)
class FieldValue:
    """What PutRegistrationFieldValue stores for one field: exactly one of the three kinds."""

    select_choices: tuple[str, ...] | None = None
    text_value: str | None = None
    attachment_id: str | None = None


@dataclass(frozen=True, slots=True)
class TypeDefinition:
    registration_type: str
    definition: dict[str, Any]  # RegistrationTypeDefinition, as the API shows it
    sections: tuple[dict[str, Any], ...]  # RegistrationSectionDefinition items
    fields: tuple[dict[str, Any], ...]  # RegistrationFieldDefinition items, in form order
    provisions: dict[str, Any] | None  # which identity approval creates (sender IDs)

    def field(self, path: str) -> dict[str, Any] | None:
        return next((item for item in self.fields if item["FieldPath"] == path), None)

    def section(self, path: str) -> dict[str, Any] | None:
        return next((item for item in self.sections if item["SectionPath"] == path), None)

    def association(self, resource_type: str) -> dict[str, Any] | None:
        supported = self.definition.get("SupportedAssociations") or []
        return next((item for item in supported if item["ResourceType"] == resource_type), None)


@cache
def registration_types() -> dict[str, TypeDefinition]:
    raw = resources.files("smsvoice").joinpath("data/registration_definitions.json").read_text("utf-8")
    found: dict[str, TypeDefinition] = {}
    for entry in json.loads(raw)["RegistrationTypes"]:
        sections = tuple(
            {"SectionPath": section["SectionPath"], "DisplayHints": section["DisplayHints"]}
            for section in entry["Sections"]
        )
        fields = tuple(
            {**field, "SectionPath": section["SectionPath"]}
            for section in entry["Sections"]
            for field in section["Fields"]
        )
        definition = {key: value for key, value in entry.items() if key not in _OWN_KEYS}
        found[entry["RegistrationType"]] = TypeDefinition(
            entry["RegistrationType"], definition, sections, fields, entry.get("ProvisionsIdentity")
        )
    return found


def value_problem(field: dict[str, Any], value: FieldValue) -> str | None:
    """Why `value` does not fit `field`'s definition (None when it does)."""
    kind = field["FieldType"]
    given = [
        name
        for name, present in (
            ("SelectChoices", value.select_choices is not None),
            ("TextValue", value.text_value is not None),
            ("RegistrationAttachmentId", value.attachment_id is not None),
        )
        if present
    ]
    expected = {"SELECT": "SelectChoices", "TEXT": "TextValue", "ATTACHMENT": "RegistrationAttachmentId"}[
        kind
    ]
    if given != [expected]:
        return f"{field['FieldPath']} is a {kind} field: give {expected} and nothing else"
    if kind == "SELECT":
        return _select_problem(field, value.select_choices or ())
    if kind == "TEXT":
        return _text_problem(field, value.text_value or "")
    return None


def _select_problem(field: dict[str, Any], choices: tuple[str, ...]) -> str | None:
    rules = field["SelectValidation"]
    unknown = [choice for choice in choices if choice not in rules["Options"]]
    if unknown:
        return f"{field['FieldPath']} does not offer {', '.join(unknown)}; options: {', '.join(rules['Options'])}"
    if len(set(choices)) != len(choices):
        return f"{field['FieldPath']} takes each choice once"
    if not rules["MinChoices"] <= len(choices) <= rules["MaxChoices"]:
        return f"{field['FieldPath']} takes {rules['MinChoices']} to {rules['MaxChoices']} choices"
    return None


def _text_problem(field: dict[str, Any], text: str) -> str | None:
    rules = field["TextValidation"]
    if not rules["MinLength"] <= len(text) <= rules["MaxLength"]:
        return f"{field['FieldPath']} must be {rules['MinLength']} to {rules['MaxLength']} characters long"
    if not _pattern(rules["Pattern"]).fullmatch(text):
        hint = field["DisplayHints"].get("TextValidationDescription") or f"the pattern {rules['Pattern']}"
        return f"{field['FieldPath']} must match {hint}"
    return None


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


def stored_value(value: dict[str, Any]) -> FieldValue:
    choices = value.get("SelectChoices")
    return FieldValue(
        select_choices=None if choices is None else tuple(choices),
        text_value=value.get("TextValue"),
        attachment_id=value.get("RegistrationAttachmentId"),
    )


def is_required(field: dict[str, Any], values: dict[str, dict[str, Any]]) -> bool:
    """REQUIRED fields, and CONDITIONAL ones whose rule holds for the other values given."""
    requirement = field["FieldRequirement"]
    if requirement != "CONDITIONAL":
        return bool(requirement == "REQUIRED")
    behavior = field.get("ConditionalBehavior") or {}
    for rule in behavior.get("Rules") or []:
        if all(_condition_holds(condition, values) for condition in rule["Conditions"]):
            return bool(rule["RuleBehavior"] == "REQUIRED")
    return bool(behavior.get("DefaultBehavior") == "REQUIRED")


def _condition_holds(condition: dict[str, Any], values: dict[str, dict[str, Any]]) -> bool:
    found = values.get(condition["DependsOnFieldPath"])
    if found is None:
        return False
    current = list(found.get("SelectChoices") or []) + (
        [found["TextValue"]] if found.get("TextValue") is not None else []
    )
    return any(item in (condition.get("Values") or []) for item in current)


def missing_fields(definition: TypeDefinition, values: dict[str, dict[str, Any]]) -> list[str]:
    """The field paths a submission still needs, in form order."""
    return [
        field["FieldPath"]
        for field in definition.fields
        if field["FieldPath"] not in values and is_required(field, values)
    ]
