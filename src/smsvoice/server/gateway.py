"""The AWS-facing request path.

request id -> CORS preflight -> which API -> read body (capped) -> which operation -> caller
(account, region; with `--auth sigv4` from the verified signature) -> throttle -> parse + validate ->
handler in one store transaction -> serialize. Every answer carries `x-amzn-RequestId`; nothing escapes as a
bare 500.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from botocore.model import OperationModel
from starlette.types import Receive, Scope, Send

from smsvoice import faults
from smsvoice.arns import new_uuid4
from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.identity import Caller, identify, verify_signature
from smsvoice.messaging.rulebook import RULES_SETTING
from smsvoice.protocol.base import dump_json
from smsvoice.protocol.errors import (
    NotImplementedOperationError,
    ProtocolError,
    ProtocolProblem,
    ServiceError,
    UnknownOperationException,
)
from smsvoice.protocol.messages import WireRequest, WireResponse
from smsvoice.protocol.validation import summarize, validate_input
from smsvoice.security.credentials import Keyring
from smsvoice.server.access_log import AccessLog
from smsvoice.services.api import Api, OperationContext
from smsvoice.store import Store, Transaction
from smsvoice.store.idempotency import fingerprint
from smsvoice.throttling import bucket_key, rate_for

log = logging.getLogger("smsvoice.request")

CORS_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
    "access-control-allow-headers": (
        "authorization, content-type, x-amz-date, x-amz-target, x-amz-user-agent, "
        "x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request"
    ),
    "access-control-expose-headers": "x-amzn-requestid, x-amzn-errortype",
    "access-control-max-age": "86400",
}


class _BodyTooLarge(Exception):
    pass


class _BodyCutShort(Exception):
    """The client went away before its whole body arrived (or was cut off for being too slow)."""


class Gateway:
    def __init__(
        self,
        apis: list[Api],
        store: Store,
        settings: Settings,
        clock: Clock,
        keyring: Keyring | None = None,
    ) -> None:
        self.apis = apis
        self.store = store
        self.settings = settings
        self.clock = clock
        self.keyring = keyring  # set: every request's SigV4 signature is verified against it
        self.throttling = settings.throttling == "aws"
        self.access_log = AccessLog()

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one AWS API request straight on ASGI (no framework objects on the hot path)."""
        wire = _wire_request(scope)
        answer = await self.answer(wire, lambda limit: self._read_body(wire.headers, receive, limit))
        await _send_answer(send, answer)

    async def answer(self, wire: WireRequest, read_body: Callable[[int], Awaitable[bytes]]) -> WireResponse:
        started = time.perf_counter()
        request_id = new_uuid4()
        api = self._api_for(wire)
        operation_name = "-"
        caller: Caller | None = None
        try:
            if wire.method == "OPTIONS":
                answer = self._preflight(wire, api)
            elif api is None:
                raise UnknownOperationException(f"No service for {wire.method} {wire.raw_path}")
            else:
                operation = api.protocol.match(wire)
                operation_name = operation.name
                # An operation may take more than --max-body-bytes (a 5 MB attachment, base64-encoded).
                wire.body = await read_body(
                    max(self.settings.max_body_bytes, api.body_limits.get(operation.name, 0))
                )
                caller = self._caller(api, wire)
                answer = await self._dispatch(api, operation, wire, caller, request_id)
        except _BodyTooLarge:
            assert api is not None
            answer = api.protocol.serialize_error(
                api.errors.invalid_input(
                    ProtocolError(
                        ProtocolProblem.BODY_TOO_LARGE,
                        f"Request body is larger than {self.settings.max_body_bytes} bytes",
                    )
                )
            )
        except _BodyCutShort:  # nobody will read this answer, but no operation runs on half a body
            assert api is not None
            answer = api.protocol.serialize_error(
                api.errors.invalid_input(
                    ProtocolError(
                        ProtocolProblem.MALFORMED_BODY, "The connection closed before the whole body arrived"
                    )
                )
            )
        except ServiceError as error:
            answer = self._error_answer(api, error)
        except Exception:
            log.exception("request_id=%s failed unexpectedly", request_id)
            if api is None:
                answer = WireResponse(
                    500, b'{"Message": "Internal error"}', {"content-type": "application/json"}
                )
            else:
                answer = api.protocol.serialize_error(api.errors.internal(request_id))
        answer.headers["x-amzn-requestid"] = request_id
        answer.headers["access-control-allow-origin"] = "*"
        self.access_log.record(
            request_id,
            api.short_name if api else "-",
            operation_name,
            caller.account if caller else "-",
            caller.region if caller else "-",
            answer.status,
            (time.perf_counter() - started) * 1000,
        )
        return answer

    def _caller(self, api: Api, wire: WireRequest) -> Caller:
        if self.keyring is not None:
            return verify_signature(wire, self.keyring, api.protocol.model.metadata["protocol"])
        return identify(
            wire.headers,
            wire.query_string,
            default_account=self.settings.default_account,
            default_region=self.settings.default_region,
        )

    async def refuse_busy(self, scope: Scope, send: Send) -> None:
        """Answer a client over its cap of requests in flight: the API's throttling error, with 429."""
        api = self._api_for(_wire_request(scope)) or self.apis[0]
        error = api.errors.throttled("requests in flight from your address")
        error.message = f"Too many requests in flight from one client address (at most {self.settings.max_client_requests})"
        error.status_override = 429
        answer = api.protocol.serialize_error(error)
        answer.headers["x-amzn-requestid"] = new_uuid4()
        answer.headers["retry-after"] = "1"
        await _send_answer(send, answer)

    def _api_for(self, wire: WireRequest) -> Api | None:
        for api in self.apis:
            if api.protocol.claims(wire):
                return api
        return None

    def _preflight(self, wire: WireRequest, api: Api | None) -> WireResponse:
        known = wire.raw_path in ("/", "") or (
            api is not None and getattr(api.protocol, "resource_exists", lambda _path: True)(wire.raw_path)
        )
        if not known:
            raise UnknownOperationException(f"No resource at {wire.raw_path}")
        return WireResponse(200, b"", dict(CORS_HEADERS))

    def _error_answer(self, api: Api | None, error: ServiceError) -> WireResponse:
        if api is not None:
            return api.protocol.serialize_error(error)
        status = error.status_override or error.default_status
        body = {"__type": error.code, "Message": error.message, **error.members}
        return WireResponse(
            status, dump_json(body), {"content-type": "application/json", "x-amzn-errortype": error.code}
        )

    async def _read_body(self, headers: dict[str, str], receive: Receive, limit: int) -> bytes:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _BodyTooLarge()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                raise _BodyCutShort()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _BodyTooLarge()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _dispatch(
        self, api: Api, operation: OperationModel, wire: WireRequest, caller: Caller, request_id: str
    ) -> WireResponse:
        rate = rate_for(self.throttling, api.service_name, operation.name)
        if rate is not None:
            key = bucket_key(api.service_name, operation.name, caller.account, caller.region)
            now = self.clock.now()
            if not await self.store.run(lambda tx: tx.rates.take(key, rate, now)):
                return api.protocol.serialize_error(api.errors.throttled(operation.name))
        try:
            params = api.protocol.parse(operation, wire)
        except ProtocolError as problem:
            return api.protocol.serialize_error(api.errors.invalid_input(problem))
        handler = api.registry.handlers.get(operation.name)
        if handler is None:
            raise NotImplementedOperationError(f"smsvoice does not implement {operation.name} yet")

        token_member = _idempotency_member(operation)
        token: str | None = params.get(token_member) if token_member else None
        destination = params.get("DestinationPhoneNumber")
        sending = destination is not None
        destination = destination if isinstance(destination, str) else None
        check_faults = True
        batched = operation.name in api.batched_operations

        def reads(tx: Transaction) -> None:
            """What the unit of work will read, queued to go out in one round trip (on PostgreSQL)."""
            if api.read_ahead is not None:
                api.read_ahead(tx, caller.account, caller.region, operation.name, params, self.clock.now())
            if check_faults and sending:  # a send reads the simulator rules too: one statement for both
                tx.settings.read_ahead(faults.FAULTS_SETTING, RULES_SETTING)

        def unit_of_work(tx: Transaction) -> dict[str, Any]:
            if check_faults:
                if sending:
                    tx.settings.prefetch(faults.FAULTS_SETTING, RULES_SETTING)
                fault = faults.candidate(
                    faults.faults_in_force(tx), operation.name, caller.account, caller.region, destination
                )
                if fault is not None:
                    raise _FaultDrawn(fault.id)  # taken in a transaction of its own, below
            if token is not None and token_member is not None:
                digest = fingerprint(params, token_member)
                earlier = tx.idempotency.recall(caller.account, caller.region, operation.name, token)
                if earlier is not None:
                    if earlier.fingerprint != digest:
                        raise api.errors.token_reused(operation.name, token)
                    return earlier.response
                tx.idempotency.claim(
                    caller.account, caller.region, operation.name, token, digest, self.clock.now()
                )
            context = OperationContext(
                api=api.short_name,
                operation=operation.name,
                account=caller.account,
                region=caller.region,
                request_id=request_id,
                tx=tx,
                clock=self.clock,
                settings=self.settings,
            )
            output = handler(context, params)
            if token is not None and token_member is not None:
                tx.idempotency.remember(caller.account, caller.region, operation.name, token, output)
            return output

        try:
            try:
                output = await self.store.run(unit_of_work, batched=batched, read_ahead=reads)
            except _FaultDrawn as drawn:
                fault_id = drawn.fault_id
                injected = await self.store.run(
                    lambda tx: faults.take(
                        tx, fault_id, operation.name, caller.account, caller.region, destination
                    )
                )
                if injected is not None:
                    if injected.latency_seconds:
                        await asyncio.sleep(injected.latency_seconds)
                    error = faults.error_for(injected.fault, api.protocol.model)
                    if error is not None:
                        return api.protocol.serialize_error(error)
                check_faults = False  # latency only, or the rule ran out meanwhile: serve the request
                output = await self.store.run(unit_of_work, batched=batched, read_ahead=reads)
        except ServiceError:
            raise
        except Exception:
            log.exception("request_id=%s operation=%s failed unexpectedly", request_id, operation.name)
            return api.protocol.serialize_error(api.errors.internal(request_id))
        answer = api.protocol.serialize_output(operation, output)
        if self.settings.validate_responses:
            # What the serializer shaped and sent, not the handler's raw document.
            _, problems = validate_input(operation.output_shape, answer.shaped, reject_unknown=True)
            if problems:
                log.error(
                    "request_id=%s invalid %s output: %s", request_id, operation.name, summarize(problems)
                )
                return api.protocol.serialize_error(api.errors.internal(request_id))
        return answer


class _FaultDrawn(Exception):
    """A fault rule matched the request (the unit of work is rolled back and the rule taken)."""

    def __init__(self, fault_id: str) -> None:
        super().__init__(fault_id)
        self.fault_id = fault_id


def _wire_request(scope: Scope) -> WireRequest:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    return WireRequest(
        method=scope["method"],
        raw_path=raw_path.decode("latin-1"),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers={name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]},
        body=b"",
    )


async def _send_answer(send: Send, answer: WireResponse) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers.items()]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


@cache
def _idempotency_member(operation: OperationModel) -> str | None:
    """The input member botocore fills with a token (`idempotencyToken` trait), if any."""
    shape = operation.input_shape
    if shape is None:
        return None
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken"):
            return str(name)
    return None
