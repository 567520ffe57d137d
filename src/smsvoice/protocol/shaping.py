"""Output shaping: turn a handler's result into the wire value its botocore output shape declares.

Handlers may return whole stored documents; shaping keeps only the members the shape declares,
drops None, and encodes timestamps and blobs for a JSON body. It runs on every response, so each
shape is compiled once into a small specialised function, and a shape whose values need no
change (strings, numbers, booleans, lists and maps of them) compiles to None: "pass as is".
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable, Mapping
from email.utils import formatdate
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

Shaper = Callable[[Any], Any]

_UTC = datetime.UTC
# Tuples, not `X | Y`: a union in an isinstance call is built anew on every call.
_SEQUENCES = (list, tuple)
_NUMBERS = (int, float)
_BYTES = (bytes, bytearray, memoryview)


def _epoch(value: Any) -> Any:
    """Epoch seconds; a naive datetime is taken as UTC, anything else passes for the validator."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return value.timestamp()
    return value


def _epoch_seconds(value: Any) -> Any:
    # The common case (a float or int) returns at once.
    if type(value) is float or type(value) is int:
        return value
    return _epoch(value)


def _as_datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)
    if isinstance(value, _NUMBERS) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, _UTC)
    return None


def _iso8601(value: Any) -> Any:
    moment = _as_datetime(value)
    if moment is None:
        return value
    moment = moment.astimezone(_UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if moment.microsecond else f"{text}Z"


def _rfc822(value: Any) -> Any:
    moment = _as_datetime(value)
    return value if moment is None else formatdate(moment.timestamp(), usegmt=True)


_TIMESTAMP_ENCODERS: dict[str, Shaper] = {
    "unixTimestamp": _epoch_seconds,
    "iso8601": _iso8601,
    "rfc822": _rfc822,
}


def _blob(value: Any) -> Any:
    # Handlers hand bytes; a str is taken as already encoded.
    if isinstance(value, _BYTES):
        return base64.b64encode(value).decode("ascii")
    return value


class Shapers:
    """The compiled shapers of one service model (shape names are unique within a model)."""

    def __init__(self, timestamp_format: str = "unixTimestamp") -> None:
        # The protocol's body default; a shape's own `timestampFormat` wins.
        self.timestamp_format = timestamp_format
        self._compiled: dict[str, Shaper | None] = {}

    def shaper(self, shape: Shape | None) -> Shaper:
        """The shaper of `shape`, never None (values that need no change come back as they are)."""
        if shape is None:
            return _nothing
        return self.compile(shape) or _same

    def compile(self, shape: Shape) -> Shaper | None:
        """The shaper of `shape`, or None when its values pass as they are."""
        try:
            return self._compiled[shape.name]
        except KeyError:
            pass
        kind = shape.type_name
        if kind == "structure" and not shape.metadata.get("document"):
            assert isinstance(shape, StructureShape)
            # Recursive shapes meet themselves while compiling: they call through a cell filled below.
            cell: list[Shaper] = []
            self._compiled[shape.name] = lambda value: cell[0](value)
            compiled: Shaper | None = self.members(shape.members)
            assert compiled is not None
            cell.append(compiled)
        elif kind == "list":
            assert isinstance(shape, ListShape)
            compiled = _list(self.compile(shape.member))
        elif kind == "map":
            assert isinstance(shape, MapShape)
            compiled = _map(self.compile(shape.value))
        elif kind == "timestamp":
            compiled = _TIMESTAMP_ENCODERS[shape.serialization.get("timestampFormat", self.timestamp_format)]
        elif kind == "blob":
            compiled = _blob
        else:  # strings (jsonvalue included), numbers, booleans, documents
            compiled = None
        self._compiled[shape.name] = compiled
        return compiled

    def members(self, members: Mapping[str, Shape]) -> Shaper:
        """A shaper of a structure with just these members (rest-json shapes its body members)."""
        plain: set[str] = set()
        nested: dict[str, Shaper] = {}
        renamed: dict[str, tuple[str, Shaper | None]] = {}
        for name, member in members.items():
            inner = self.compile(member)
            wire_name = member.serialization.get("name", name)
            if wire_name != name:
                renamed[name] = (wire_name, inner)
            elif inner is None:
                plain.add(name)
            else:
                nested[name] = inner
        if renamed:
            table = {name: (name, nested.get(name)) for name in (*plain, *nested)}
            return _renaming_structure({**table, **renamed})
        if not nested:
            return _plain_structure(frozenset(plain))
        return _structure(frozenset(plain), nested)


def _nothing(value: Any) -> Any:
    return {}


def _same(value: Any) -> Any:
    return value


def _plain_structure(names: frozenset[str]) -> Shaper:
    """The common case: every member is a string, number or boolean (or a list or map of them)."""

    def shape(value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # left for the validator to name
        # Most handlers build exactly their output: it is sent as it is, without a copy.
        if value.keys() <= names and None not in value.values():
            return value
        return {key: item for key, item in value.items() if item is not None and key in names}

    return shape


def _structure(plain: frozenset[str], nested: dict[str, Shaper]) -> Shaper:
    names = plain | nested.keys()
    # Epoch-seconds timestamps that are numbers already need nothing: checked inline, without a call.
    nested_members = tuple((key, inner, inner is _epoch_seconds) for key, inner in nested.items())

    def shape(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if value.keys() <= names and None not in value.values():
            result = value  # copied only if a nested member changes
        else:
            result = {key: item for key, item in value.items() if item is not None and key in plain}
        # Members that need work are few (a timestamp, a list of structures): look them up by name.
        for key, inner, epoch in nested_members:
            item = value.get(key)
            if (
                item is not None
                and not (epoch and (type(item) is float or type(item) is int))
                and not (type(item) is list and not item)  # an empty list needs nothing either
            ):
                shaped = inner(item)
                if shaped is not item:
                    if result is value:
                        result = dict(value)
                    result[key] = shaped
                elif result is not value:
                    result[key] = item
            elif item is not None and result is not value:
                result[key] = item
        return result

    return shape


def _renaming_structure(table: dict[str, tuple[str, Shaper | None]]) -> Shaper:
    def shape(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        result: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            found = table.get(key)
            if found is not None:
                wire_name, inner = found
                result[wire_name] = item if inner is None else inner(item)
        return result

    return shape


def _list(inner: Shaper | None) -> Shaper | None:
    if inner is None:
        return None

    def shape(value: Any) -> Any:
        if not value or not isinstance(value, _SEQUENCES):
            return value
        shaped = []
        changed = type(value) is not list
        for item in value:
            new = inner(item)
            changed = changed or new is not item
            shaped.append(new)
        # Unchanged items keep the list as it is, so the structure holding it is not copied either.
        return shaped if changed else value

    return shape


def _map(inner: Shaper | None) -> Shaper | None:
    if inner is None:
        return None

    def shape(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {key: inner(item) for key, item in value.items()}

    return shape
