"""Sample values that satisfy every constraint of a botocore shape (for protocol round trips)."""

from __future__ import annotations

import re
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

SAMPLE_TIMESTAMP = 1_700_000_000.5

# Tried in order; the first that matches the shape's pattern and length is used.
_STRING_CANDIDATES = (
    "US",
    "123",
    "1.5",
    "+12065550100",
    "Name_1",
    "arn:aws:sms-voice:us-east-1:111122223333:configuration-set/cs-1",
    "s3://bucket-1/key.png",
    "https://example.com/media.png",
    "en",
    "SOME_VALUE",
    "bucket-1",
)


def sample_string(shape: Shape) -> str:
    if shape.enum:
        return str(shape.enum[0])
    minimum = shape.metadata.get("min", 0)
    maximum = shape.metadata.get("max", 10_000)
    pattern = shape.metadata.get("pattern")
    for candidate in _STRING_CANDIDATES:
        if not minimum <= len(candidate) <= maximum:
            continue
        if pattern is None or re.fullmatch(pattern, candidate):
            return candidate
    if pattern is None:
        return "x" * max(int(minimum), 1)
    raise AssertionError(f"no sample for {shape.name} pattern {pattern!r}")


def sample(shape: Shape, *, full: bool, depth: int = 0) -> Any:
    """A valid value: required members only, or (full) every member down to a small depth."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        names = list(shape.members) if full and depth < 4 else list(shape.required_members)
        if shape.is_tagged_union:  # exactly one member of a union
            names = names[:1] or list(shape.members)[:1]
        return {name: sample(shape.members[name], full=full, depth=depth + 1) for name in names}
    if kind == "list":
        assert isinstance(shape, ListShape)
        count = max(shape.metadata.get("min", 0), 1)
        return [sample(shape.member, full=full, depth=depth + 1) for _ in range(count)]
    if kind == "map":
        assert isinstance(shape, MapShape)
        return {sample_string(shape.key): sample(shape.value, full=full, depth=depth + 1)}
    if kind == "string":
        return sample_string(shape)
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 1.5))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return SAMPLE_TIMESTAMP
    if kind == "blob":
        return b"sample-bytes"
    raise AssertionError(f"unknown shape type {kind}")
