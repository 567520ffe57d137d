"""Errors as AWS clients read them.

`ServiceError` is the base of every error a handler raises; each service declares one subclass per
error shape of its model, named exactly as AWS names it. `ProtocolError` is what the protocol layer
raises before a handler runs; each service decides which of its own errors it becomes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar


class ServiceError(Exception):
    """An AWS error: its code (the shape name), a message and the shape's other members."""

    code: ClassVar[str] = "ServiceError"
    # Used only when the model has no status for the shape (for example, errors outside the model).
    default_status: ClassVar[int] = 400

    def __init__(self, message: str, *, status: int | None = None, **members: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status_override = status
        self.members: dict[str, Any] = {k: v for k, v in members.items() if v is not None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.members!r})"


class UnknownOperationException(ServiceError):
    """A request that names no operation of any served API (the AWS front end's answer)."""

    code = "UnknownOperationException"
    default_status = 404


class NotImplementedOperationError(ServiceError):
    """An operation of the model that smsvoice does not implement yet."""

    code = "NotImplementedException"
    default_status = 501


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One member that failed a model constraint: its path in the request and why."""

    name: str
    message: str


class ProtocolProblem(enum.Enum):
    MALFORMED_BODY = "malformed-body"
    BODY_TOO_LARGE = "body-too-large"
    INVALID_FIELDS = "invalid-fields"


@dataclass(slots=True)
class ProtocolError(Exception):
    """A request the protocol layer could not turn into valid operation input."""

    problem: ProtocolProblem
    message: str
    fields: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message
