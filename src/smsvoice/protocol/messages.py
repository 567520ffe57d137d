"""Protocol-neutral views of an HTTP request and response, so protocols never see the web framework."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class WireRequest:
    method: str
    raw_path: str
    query_string: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    # Path labels of the matched URI template, kept by `match` for `parse` (rest-json only).
    labels: dict[str, str] | None = None


@dataclass(slots=True)
class WireResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # The output as shaped by the model, members in the body and in headers alike (None for errors),
    # so `--validate-responses` checks what was actually sent.
    shaped: Any = None
