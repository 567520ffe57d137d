"""rest-json: the operation is named by method and URI template; input comes from the path, the
query string, headers and a JSON body, as the model's `location` traits say."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from smsvoice.protocol.base import dump_json, error_status, load_json_object
from smsvoice.protocol.errors import (
    FieldProblem,
    ProtocolError,
    ProtocolProblem,
    ServiceError,
    UnknownOperationException,
)
from smsvoice.protocol.messages import WireRequest, WireResponse
from smsvoice.protocol.shaping import Shaper, Shapers
from smsvoice.protocol.validation import summarize, validate_input

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class _Route:
    operation: OperationModel
    method: str
    path: re.Pattern[str]
    literal_length: int  # more literal text wins when two templates match
    required_query: tuple[tuple[str, str], ...]


def _compile_route(operation: OperationModel) -> _Route:
    uri: str = operation.http["requestUri"]
    path_part, _, query_part = uri.partition("?")
    pattern = ""
    position = 0
    for label in _LABEL.finditer(path_part):
        pattern += re.escape(path_part[position : label.start()])
        name = label.group(1)
        if name.endswith("+"):
            pattern += f"(?P<{name[:-1]}>.+)"
        else:
            pattern += f"(?P<{name}>[^/]+)"
        position = label.end()
    pattern += re.escape(path_part[position:])
    literal_length = len(_LABEL.sub("", path_part))
    required = tuple(parse_qsl(query_part, keep_blank_values=True))
    return _Route(operation, operation.http["method"], re.compile(f"^{pattern}/?$"), literal_length, required)


@dataclass(frozen=True, slots=True)
class _OutputPlan:
    """Where each output member of one operation goes."""

    status: int
    body: Shaper | None  # shapes the body members (or the payload member); None: no output shape
    headers: tuple[tuple[str, str], ...]  # (member, header name)
    status_member: str | None
    payload: str | None


def _common_prefix(paths: list[str]) -> str:
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else prefix


class RestJsonProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._shapers = Shapers()
        self._output_plans: dict[str, _OutputPlan] = {}  # by operation name, built on first use
        self._routes = [_compile_route(model.operation_model(name)) for name in model.operation_names]
        self._routes.sort(key=lambda route: -route.literal_length)
        # The literal start shared by every URI of the service (for example `/v1/sms-voice/`).
        self.path_prefix = _common_prefix(
            [route.operation.http["requestUri"].split("{")[0] for route in self._routes]
        )

    def claims(self, request: WireRequest) -> bool:
        return bool(self.path_prefix) and request.raw_path.startswith(self.path_prefix)

    def resource_exists(self, raw_path: str) -> bool:
        """True when some operation's URI template matches the path (used for CORS preflights)."""
        return any(route.path.match(raw_path) for route in self._routes)

    def _find(self, request: WireRequest) -> tuple[_Route, dict[str, str]] | None:
        query: dict[str, str] | None = None
        for route in self._routes:
            if route.method != request.method:
                continue
            found = route.path.match(request.raw_path)
            if found is None:
                continue
            if route.required_query:
                if query is None:
                    query = dict(parse_qsl(request.query_string, keep_blank_values=True))
                if any(query.get(key) != value for key, value in route.required_query):
                    continue
            return route, {name: unquote(value) for name, value in found.groupdict().items()}
        return None

    def match(self, request: WireRequest) -> OperationModel:
        found = self._find(request)
        if found is None:
            raise UnknownOperationException(f"No operation for {request.method} {request.raw_path}")
        request.labels = found[1]
        return found[0].operation

    def parse(self, operation: OperationModel, request: WireRequest) -> dict[str, Any]:
        if request.labels is None:
            found = self._find(request)
            request.labels = found[1] if found else {}
        labels = request.labels
        shape = operation.input_shape
        if shape is None:
            return {}
        problems: list[FieldProblem] = []
        raw = self._collect(shape, labels, request, problems)
        params, invalid = validate_input(shape, raw)
        problems.extend(invalid)
        if problems:
            raise ProtocolError(ProtocolProblem.INVALID_FIELDS, summarize(problems), problems)
        return params

    def _collect(
        self,
        shape: StructureShape,
        labels: dict[str, str],
        request: WireRequest,
        problems: list[FieldProblem],
    ) -> dict[str, Any]:
        query_pairs = parse_qsl(request.query_string, keep_blank_values=True) if request.query_string else []
        payload_name = shape.serialization.get("payload")
        raw: dict[str, Any] = {}
        body_members = False
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                if wire_name in labels:
                    raw[name] = _from_text(member, labels[wire_name], name, problems)
            elif location == "querystring":
                if member.type_name == "map":
                    raw[name] = dict(query_pairs)
                    continue
                values = [value for key, value in query_pairs if key == wire_name]
                if not values:
                    continue
                if member.type_name == "list":
                    raw[name] = [_from_text(member.member, v, name, problems) for v in values]
                else:
                    raw[name] = _from_text(member, values[-1], name, problems)
            elif location == "header":
                value = request.headers.get(wire_name.lower())
                if value is not None:
                    raw[name] = _from_text(member, value, name, problems)
            elif name != payload_name:
                body_members = True
        if payload_name is not None:
            payload_shape = shape.members[payload_name]
            if payload_shape.type_name in ("blob", "string"):
                raw[payload_name] = request.body
            else:
                body = load_json_object(request.body)
                if body:
                    raw[payload_name] = body
        elif body_members:
            body = load_json_object(request.body)
            for name, member in shape.members.items():
                if "location" not in member.serialization:
                    wire_name = member.serialization.get("name", name)
                    if wire_name in body:
                        raw[name] = body[wire_name]
        return raw

    def serialize_output(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse:
        plan = self._output_plans.get(operation.name)
        if plan is None:
            plan = self._output_plans[operation.name] = self._output_plan(operation)
        status = plan.status
        headers = {"content-type": "application/json"}
        if plan.body is None:
            return WireResponse(status, b"{}", headers, {})
        # Header and status-code members leave the body; only body members are shaped into it.
        bound: dict[str, Any] = {}
        for name, header in plan.headers:
            value = output.get(name)
            if value is not None:
                headers[header] = str(value)
                bound[name] = value
        if plan.status_member is not None:
            value = output.get(plan.status_member)
            if value is not None:
                status = int(value)
                bound[plan.status_member] = value
        if plan.payload is not None:
            payload = output.get(plan.payload)
            if isinstance(payload, bytes):
                headers["content-type"] = "application/octet-stream"
                return WireResponse(status, payload, headers, {**bound, plan.payload: payload})
            shaped_payload = plan.body(payload) if payload is not None else None
            if shaped_payload is not None:
                bound[plan.payload] = shaped_payload
            return WireResponse(status, dump_json(shaped_payload or {}), headers, bound)
        body = plan.body(output)
        return WireResponse(status, dump_json(body), headers, {**body, **bound} if bound else body)

    def _output_plan(self, operation: OperationModel) -> _OutputPlan:
        status = int(operation.http.get("responseCode", 200))
        shape = operation.output_shape
        if shape is None:
            return _OutputPlan(status, None, (), None, None)
        headers: list[tuple[str, str]] = []
        status_member: str | None = None
        body_members: dict[str, Shape] = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location == "header":
                headers.append((name, member.serialization.get("name", name).lower()))
            elif location == "statusCode":
                status_member = name
            else:
                body_members[name] = member
        payload = shape.serialization.get("payload")
        if payload is not None:
            body = self._shapers.shaper(shape.members[payload])
        else:
            body = self._shapers.members(body_members)
        return _OutputPlan(status, body, tuple(headers), status_member, payload)

    def serialize_error(self, error: ServiceError) -> WireResponse:
        body = {"Message": error.message, **error.members}
        return WireResponse(
            error_status(self.model, error),
            dump_json(body),
            {"content-type": "application/json", "x-amzn-errortype": error.code},
        )


def _from_text(shape: Shape, text: str, name: str, problems: list[FieldProblem]) -> Any:
    """Convert a path, query or header value to the member's type; the validator checks the rest."""
    kind = shape.type_name
    if kind in ("integer", "long", "short", "byte"):
        try:
            return int(text)
        except ValueError:
            problems.append(
                FieldProblem(
                    name,
                    f"Value '{text}' at '{name}' failed to satisfy constraint: "
                    "Member must be of type integer",
                )
            )
            return None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            problems.append(
                FieldProblem(
                    name,
                    f"Value '{text}' at '{name}' failed to satisfy constraint: Member must be of type number",
                )
            )
            return None
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        problems.append(
            FieldProblem(
                name,
                f"Value '{text}' at '{name}' failed to satisfy constraint: Member must be of type boolean",
            )
        )
        return None
    return text
