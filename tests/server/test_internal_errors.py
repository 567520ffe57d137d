"""A handler that fails unexpectedly: the API's internal-error shape, and a log line with the request id.

No live server can be made to fail on purpose, so this drives the real gateway and store in-process
with a v2 API whose CreateConfigurationSet handler raises.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from smsvoice.clock import SystemClock
from smsvoice.config import load_settings
from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.model import load_service_model
from smsvoice.server.gateway import Gateway
from smsvoice.services.api import Api, OperationContext, OperationRegistry
from smsvoice.services.v2.errors import V2Errors
from smsvoice.store import open_store


def _v2_api(registry: OperationRegistry) -> Api:
    model = load_service_model("pinpoint-sms-voice-v2")
    return Api("v2", "pinpoint-sms-voice-v2", JsonProtocol(model), registry, V2Errors())


def _failing_api() -> Api:
    registry = OperationRegistry()

    @registry.handler("CreateConfigurationSet")
    def create_configuration_set(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
        context.documents.add("v2/configuration-set", params["ConfigurationSetName"], {"half": "written"})
        raise RuntimeError("a bug in a handler")

    return _v2_api(registry)


async def _call(gateway: Gateway, body: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/x-amz-json-1.0"),
            (b"x-amz-target", b"PinpointSMSVoiceV2.CreateConfigurationSet"),
        ],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    await gateway.asgi(scope, receive, send)
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, orjson.loads(sent[1]["body"])


def test_unexpected_exception_is_internal_server_error_with_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings({"data_dir": tmp_path, "throttling": "off"}, environ={})
    store = open_store(settings.store_url)
    try:
        gateway = Gateway([_failing_api()], store, settings, SystemClock())
        with caplog.at_level(logging.ERROR, logger="smsvoice.request"):
            status, headers, body = asyncio.run(_call(gateway, b'{"ConfigurationSetName": "boom"}'))
        request_id = headers["x-amzn-requestid"]
        assert status == 500
        assert body["__type"] == "InternalServerException"
        assert body["RequestId"] == request_id
        assert "a bug in a handler" not in body["Message"]  # internals stay in the log
        assert any(request_id in record.getMessage() for record in caplog.records)
        # The failed unit of work was rolled back: nothing it wrote is kept.
        found = store.run_sync(lambda tx: tx.resources.of_kind("v2/configuration-set"))
        assert found == []
    finally:
        store.close()


def test_an_operation_without_a_handler_is_not_implemented_501(tmp_path: Path) -> None:
    """Operations of the model that smsvoice does not serve yet answer a clear 501, never a 500."""
    settings = load_settings({"data_dir": tmp_path, "throttling": "off"}, environ={})
    store = open_store(settings.store_url)
    try:
        gateway = Gateway([_v2_api(OperationRegistry())], store, settings, SystemClock())
        status, headers, body = asyncio.run(_call(gateway, b'{"ConfigurationSetName": "cs"}'))
        assert status == 501
        assert body["__type"] == "NotImplementedException"
        assert headers["x-amzn-requestid"]
    finally:
        store.close()
