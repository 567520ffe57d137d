"""Server-side validation of operation input against every constraint of the model.

botocore checks only required members, types and `min` on the client; `max`, patterns, enums,
collection sizes and numeric ranges reach the server, so they are all checked here, before any
handler runs. Messages follow AWS's usual wording ("Value 'x' at 'Name' failed to satisfy
constraint: ...").
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from smsvoice.protocol.errors import FieldProblem

_INTEGER_TYPES = frozenset({"integer", "long", "short", "byte"})
_FLOAT_TYPES = frozenset({"float", "double"})


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(pattern: str, value: str) -> bool:
    # Model patterns are written unanchored; AWS applies them to the whole value.
    return _compiled(pattern).fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class _StructurePlan:
    members: tuple[tuple[str, Shape], ...]
    names: frozenset[str]
    required: tuple[str, ...]
    union: bool


@dataclass(frozen=True, slots=True)
class _StringPlan:
    minimum: int | None
    maximum: int | None
    enum: frozenset[str]
    enum_text: str
    pattern: str | None


# What validation needs of a shape, read once: botocore's Shape properties rebuild or look up their
# metadata on every access, and an input walks the same shapes on every request. Keyed by the shape
# object, which the service model keeps for the life of the process.
_STRUCTURES: dict[int, _StructurePlan] = {}
_STRINGS: dict[int, _StringPlan] = {}


def _structure_plan(shape: StructureShape) -> _StructurePlan:
    plan = _STRUCTURES.get(id(shape))
    if plan is None:
        members = tuple(shape.members.items())
        plan = _StructurePlan(
            members,
            frozenset(name for name, _ in members),
            tuple(shape.required_members),
            bool(shape.metadata.get("union")),
        )
        _STRUCTURES[id(shape)] = plan
        _KEEP_ALIVE.append(shape)
    return plan


def _string_plan(shape: Shape) -> _StringPlan:
    plan = _STRINGS.get(id(shape))
    if plan is None:
        enum = list(shape.enum or [])
        plan = _StringPlan(
            shape.metadata.get("min"),
            shape.metadata.get("max"),
            frozenset(enum),
            ", ".join(enum),
            shape.metadata.get("pattern"),
        )
        _STRINGS[id(shape)] = plan
        _KEEP_ALIVE.append(shape)
    return plan


# The shapes planned above stay alive, so that their ids are never reused by other objects.
_KEEP_ALIVE: list[Shape] = []


def _show(value: Any, shape: Shape) -> str:
    if shape.metadata.get("sensitive"):
        return "'***'"
    text = str(value)
    if len(text) > 100:
        text = text[:97] + "..."
    return f"'{text}'"


class _Walker:
    """Walks one input value with its shape, converting wire forms and collecting problems."""

    def __init__(self, *, reject_unknown: bool = False) -> None:
        self.problems: list[FieldProblem] = []
        # Inputs ignore unknown members, as AWS does; outputs must not carry any (strict checking).
        self.reject_unknown = reject_unknown

    def problem(self, path: str, value: Any, shape: Shape, constraint: str) -> None:
        shown = "null" if value is None else _show(value, shape)
        self.problems.append(
            FieldProblem(path, f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")
        )

    def walk(self, shape: Shape, value: Any, path: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            return self.structure(shape, value, path)
        if kind == "list":
            assert isinstance(shape, ListShape)
            return self.list(shape, value, path)
        if kind == "map":
            assert isinstance(shape, MapShape)
            return self.map(shape, value, path)
        if kind == "string":
            return self.string(shape, value, path)
        if kind == "boolean":
            if not isinstance(value, bool):
                self.problem(path, value, shape, "Member must be of type boolean")
            return value
        if kind in _INTEGER_TYPES:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, value, shape, "Member must be of type integer")
                return value
            self.range(shape, value, path)
            return value
        if kind in _FLOAT_TYPES:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.problem(path, value, shape, "Member must be of type number")
                return value
            self.range(shape, value, path)
            return float(value)
        if kind == "timestamp":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.problem(path, value, shape, "Member must be a timestamp in epoch seconds")
            return value
        if kind == "blob":
            return self.blob(shape, value, path)
        return value

    def structure(self, shape: StructureShape, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            self.problem(path, value, shape, "Member must be a structure")
            return value
        plan = _structure_plan(shape)
        result: dict[str, Any] = {}
        prefix = f"{path}." if path else ""
        if self.reject_unknown:
            for name in value.keys() - plan.names:
                self.problem(f"{prefix}{name}", value[name], shape, "Member is not in the model")
        for name in plan.required:
            if value.get(name) is None:
                self.problem(f"{prefix}{name}", None, shape, "Member must not be null")
        for name, member_shape in plan.members:
            member_value = value.get(name)
            if member_value is None:
                continue
            result[name] = self.walk(member_shape, member_value, f"{prefix}{name}")
        if plan.union and len(result) != 1:
            self.problem(path or shape.name, "{...}", shape, "Member must have exactly one member set")
        return result

    def list(self, shape: ListShape, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            self.problem(path, value, shape, "Member must be a list")
            return value
        self.size(shape, len(value), value, path)
        return [self.walk(shape.member, item, f"{path}[{index}]") for index, item in enumerate(value)]

    def map(self, shape: MapShape, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            self.problem(path, value, shape, "Member must be a map")
            return value
        self.size(shape, len(value), value, path)
        result: dict[str, Any] = {}
        for key, item in value.items():
            self.string(shape.key, key, f"{path}.key")
            result[key] = self.walk(shape.value, item, f"{path}[{key}]")
        return result

    def string(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            self.problem(path, value, shape, "Member must be of type string")
            return value
        plan = _string_plan(shape)
        length = len(value)
        if (plan.minimum is not None and length < plan.minimum) or (
            plan.maximum is not None and length > plan.maximum
        ):
            self.size(shape, length, value, path)
        if plan.enum and value not in plan.enum:
            self.problem(path, value, shape, f"Member must satisfy enum value set: [{plan.enum_text}]")
        pattern = plan.pattern
        if pattern and not _matches(pattern, value):
            self.problem(path, value, shape, f"Member must satisfy regular expression pattern: {pattern}")
        return value

    def blob(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            self.problem(path, value, shape, "Member must be base64-encoded binary data")
            return value
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            self.problem(path, value, shape, "Member must be base64-encoded binary data")
            return value
        self.size(shape, len(data), "<binary>", path)
        return data

    def size(self, shape: Shape, length: int, value: Any, path: str) -> None:
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        if minimum is not None and length < minimum:
            self.problem(path, value, shape, f"Member must have length greater than or equal to {minimum}")
        if maximum is not None and length > maximum:
            self.problem(path, value, shape, f"Member must have length less than or equal to {maximum}")

    def range(self, shape: Shape, value: float, path: str) -> None:
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        if minimum is not None and value < minimum:
            self.problem(path, value, shape, f"Member must have value greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            self.problem(path, value, shape, f"Member must have value less than or equal to {maximum}")


def validate_input(
    shape: StructureShape | None, value: Any, *, reject_unknown: bool = False
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Check `value` against `shape`; return the converted input and every problem found."""
    if shape is None:
        return {}, []
    walker = _Walker(reject_unknown=reject_unknown)
    converted = walker.walk(shape, value, "")
    if not isinstance(converted, dict):
        return {}, walker.problems
    return converted, walker.problems


def summarize(problems: list[FieldProblem]) -> str:
    """AWS's one-line summary of validation errors."""
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(p.message for p in problems)
