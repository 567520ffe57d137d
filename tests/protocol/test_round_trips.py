"""Every operation of both models, through botocore's own serializers and parsers.

botocore serializes a valid request and our protocol parses it back to the same input; our
protocol serializes an output and every error shape of the operation, and botocore parses them
back to what we sent, modeled members included.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from smsvoice.protocol.errors import ServiceError
from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.messages import WireRequest, WireResponse
from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.rest_json import RestJsonProtocol
from tests.support.samples import sample

SERVICES = ("pinpoint-sms-voice", "pinpoint-sms-voice-v2")


def _operations() -> list[tuple[str, str]]:
    return [(service, name) for service in SERVICES for name in load_service_model(service).operation_names]


def _protocol(model: ServiceModel) -> JsonProtocol | RestJsonProtocol:
    return JsonProtocol(model) if model.protocol == "json" else RestJsonProtocol(model)


def _wire_request(request: dict[str, Any]) -> WireRequest:
    body = request["body"]
    if isinstance(body, dict):  # botocore leaves an empty body as {}
        body = b""
    elif isinstance(body, str):
        body = body.encode()
    return WireRequest(
        method=request["method"],
        raw_path=request["url_path"],
        query_string=urlencode(request["query_string"], doseq=True),
        headers={key.lower(): value for key, value in request["headers"].items()},
        body=body,
    )


def _normalize(value: Any) -> Any:
    """botocore turns our epoch seconds into datetimes; compare them as epoch seconds."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {key: _normalize(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [_normalize(item) for item in value]
    return value


def _botocore_response(answer: WireResponse) -> dict[str, Any]:
    return {"status_code": answer.status, "headers": answer.headers, "body": answer.body}


@pytest.mark.parametrize(("service", "operation_name"), _operations())
@pytest.mark.parametrize("full", [False, True], ids=["minimal", "full"])
def test_botocore_request_parses_to_the_same_input(service: str, operation_name: str, full: bool) -> None:
    model = load_service_model(service)
    operation: OperationModel = model.operation_model(operation_name)
    params = sample(operation.input_shape, full=full) if operation.input_shape else {}
    request = create_serializer(model.protocol).serialize_to_request(params, operation)
    wire = _wire_request(request)
    protocol = _protocol(model)

    assert protocol.claims(wire)
    assert protocol.match(wire).name == operation_name
    parsed = protocol.parse(operation, wire)
    assert _normalize(parsed) == _normalize(params)


@pytest.mark.parametrize(("service", "operation_name"), _operations())
def test_our_output_parses_in_botocore(service: str, operation_name: str) -> None:
    model = load_service_model(service)
    operation = model.operation_model(operation_name)
    output = sample(operation.output_shape, full=True) if operation.output_shape else {}
    answer = _protocol(model).serialize_output(operation, output)
    parsed = create_parser(model.protocol).parse(_botocore_response(answer), operation.output_shape)
    assert answer.status == 200
    assert _normalize(parsed) == _normalize(output)


def _error_cases() -> list[tuple[str, str]]:
    cases: set[tuple[str, str]] = set()
    for service in SERVICES:
        model = load_service_model(service)
        for name in model.operation_names:
            for shape in model.operation_model(name).error_shapes:
                cases.add((service, shape.name))
    return sorted(cases)


@pytest.mark.parametrize(("service", "error_name"), _error_cases())
def test_every_error_shape_parses_in_botocore_with_its_members(service: str, error_name: str) -> None:
    model = load_service_model(service)
    shape = model.shape_for(error_name)
    members = {
        name: sample(member, full=True) for name, member in shape.members.items() if name.lower() != "message"
    }
    error_class = type(error_name, (ServiceError,), {"code": error_name})
    error = error_class(f"{error_name} happened", **members)
    answer = _protocol(model).serialize_error(error)
    parser = create_parser(model.protocol)
    response = _botocore_response(answer)
    any_operation = model.operation_model(model.operation_names[0])
    parsed = parser.parse(response, any_operation.output_shape)
    modeled = parser.parse(response, shape)

    expected_status = shape.metadata.get("error", {}).get("httpStatusCode")
    if expected_status is None:
        expected_status = 500 if shape.metadata.get("fault") else 400
    assert answer.status == expected_status
    assert parsed["Error"]["Code"] == error_name
    assert parsed["Error"]["Message"] == f"{error_name} happened"
    for name, value in members.items():
        assert _normalize(modeled[name]) == _normalize(value)
