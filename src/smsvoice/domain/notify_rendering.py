"""A Notify template's `{{variable}}` placeholders filled in, each value checked against the
template's TemplateVariableMetadata first.

Values arrive as strings whatever their declared type ("pass INTEGER values as "42" and BOOLEAN values
as "true" or "false"", SendNotifyTextMessage reference). Variables whose Source is SYSTEM are the
service's to fill (user guide, notify-templates.html); a request that sets one is refused, as is a
variable the template does not declare.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

_PLACEHOLDER: Final = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_INTEGER: Final = re.compile(r"-?[0-9]+")

MISSING = "MISSING"  # a required variable without a value or default
INVALID = "INVALID"  # a value that breaks its type, length, range or pattern
UNKNOWN = "UNKNOWN"  # not a variable of the template, or one the service fills in


class VariableProblem(Exception):
    def __init__(self, name: str, kind: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.kind = kind  # MISSING, INVALID or UNKNOWN
        self.message = message


def render(
    content: str,
    variables: Mapping[str, Mapping[str, Any]],
    given: Mapping[str, str],
    system: Mapping[str, str],
) -> str:
    """`content` with every placeholder replaced; raises VariableProblem for the first bad variable
    (the request's own variables in name order, then the template's)."""
    for name in sorted(given):
        metadata = variables.get(name)
        if metadata is None:
            raise VariableProblem(name, UNKNOWN, f"{name} is not a variable of this template")
        if metadata.get("Source") == "SYSTEM":
            raise VariableProblem(name, UNKNOWN, f"{name} is set by the service, not by the request")
    values: dict[str, str] = {}
    for name, metadata in sorted(variables.items()):
        if metadata.get("Source") == "SYSTEM":
            values[name] = system.get(name, "")
            continue
        value = given.get(name)
        if value is None:
            value = metadata.get("DefaultValue")
        if value is None:
            if metadata.get("Required"):
                raise VariableProblem(name, MISSING, f"{name} is required")
            value = ""
        else:
            check_value(name, str(value), metadata)
        values[name] = str(value)
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), ""), content)


def check_value(name: str, value: str, metadata: Mapping[str, Any]) -> None:
    kind = metadata.get("Type", "STRING")
    if kind == "INTEGER":
        if not _INTEGER.fullmatch(value):
            raise VariableProblem(name, INVALID, f"{name} must be an INTEGER, not {value!r}")
        number = int(value)
        low, high = metadata.get("MinValue"), metadata.get("MaxValue")
        if (low is not None and number < low) or (high is not None and number > high):
            raise VariableProblem(name, INVALID, f"{name} must be between {low} and {high}, not {number}")
        return
    if kind == "BOOLEAN":
        if value not in ("true", "false"):
            raise VariableProblem(
                name, INVALID, f'{name} must be a BOOLEAN ("true" or "false"), not {value!r}'
            )
        return
    longest = metadata.get("MaxLength")
    if longest is not None and len(value) > longest:
        raise VariableProblem(
            name, INVALID, f"{name} can have at most {longest} characters, not {len(value)}"
        )
    pattern = metadata.get("Pattern")
    if pattern and re.fullmatch(pattern, value) is None:
        raise VariableProblem(name, INVALID, f"{name} must match the pattern {pattern}")
