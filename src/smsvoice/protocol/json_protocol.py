"""awsJson (1.0/1.1): `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from smsvoice.protocol.base import dump_json, error_status, load_json_object
from smsvoice.protocol.errors import ProtocolError, ProtocolProblem, ServiceError, UnknownOperationException
from smsvoice.protocol.messages import WireRequest, WireResponse
from smsvoice.protocol.shaping import Shaper, Shapers
from smsvoice.protocol.validation import summarize, validate_input


class JsonProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.target_prefix: str = model.metadata["targetPrefix"]
        self.content_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        self._operations = {name: model.operation_model(name) for name in model.operation_names}
        self._shapers = Shapers()
        self._output_shapers: dict[str, Shaper] = {}  # by operation name, compiled on first use

    def claims(self, request: WireRequest) -> bool:
        target = request.headers.get("x-amz-target", "")
        return target.partition(".")[0] == self.target_prefix

    def match(self, request: WireRequest) -> OperationModel:
        name = request.headers.get("x-amz-target", "").partition(".")[2]
        operation = self._operations.get(name)
        if operation is None or request.method != "POST":
            # The JSON front end answers 400 here, where rest-json answers 404.
            raise UnknownOperationException(f"Unknown operation {name or '(none)'}", status=400)
        return operation

    def parse(self, operation: OperationModel, request: WireRequest) -> dict[str, Any]:
        raw = load_json_object(request.body)
        params, problems = validate_input(operation.input_shape, raw)
        if problems:
            raise ProtocolError(ProtocolProblem.INVALID_FIELDS, summarize(problems), problems)
        return params

    def serialize_output(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse:
        shaper = self._output_shapers.get(operation.name)
        if shaper is None:
            shaper = self._output_shapers[operation.name] = self._shapers.shaper(operation.output_shape)
        shaped = shaper(output)
        return WireResponse(200, dump_json(shaped), {"content-type": self.content_type}, shaped)

    def serialize_error(self, error: ServiceError) -> WireResponse:
        body = {"__type": error.code, "Message": error.message, **error.members}
        return WireResponse(
            error_status(self.model, error),
            dump_json(body),
            {"content-type": self.content_type, "x-amzn-errortype": error.code},
        )
