"""What every wire protocol offers the gateway."""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from botocore.model import OperationModel, ServiceModel

from smsvoice.protocol.errors import ProtocolError, ProtocolProblem, ServiceError
from smsvoice.protocol.messages import WireRequest, WireResponse


class WireProtocol(Protocol):
    model: ServiceModel

    def claims(self, request: WireRequest) -> bool:
        """True when this request is addressed to this protocol's service."""
        ...

    def match(self, request: WireRequest) -> OperationModel:
        """The operation the request names; raises UnknownOperationException when there is none."""
        ...

    def parse(self, operation: OperationModel, request: WireRequest) -> dict[str, Any]:
        """The operation input, converted and validated; raises ProtocolError."""
        ...

    def serialize_output(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse: ...

    def serialize_error(self, error: ServiceError) -> WireResponse: ...


def load_json_object(body: bytes) -> dict[str, Any]:
    """Parse a JSON object body; an empty body is an empty object (botocore omits it for GETs)."""
    if not body.strip():
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(ProtocolProblem.MALFORMED_BODY, f"Could not parse request body: {exc}") from None
    if not isinstance(value, dict):
        raise ProtocolError(ProtocolProblem.MALFORMED_BODY, "Request body must be a JSON object")
    return value


def error_status(model: ServiceModel, error: ServiceError) -> int:
    """The status of an error shape: the model's httpStatusCode, else 500 for faults, else 400."""
    if error.status_override is not None:
        return error.status_override
    try:
        shape = model.shape_for(error.code)
    except Exception:
        return error.default_status
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    if isinstance(status, int):
        return status
    if shape.metadata.get("fault"):
        return 500
    return error.default_status


def dump_json(value: Any) -> bytes:
    return orjson.dumps(value)
