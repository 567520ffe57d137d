"""Requests signed by botocore's own SigV4 signers, at a moment the test chooses (a skewed clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from smsvoice.security.credentials import AccessKey

V2_TARGET = "PinpointSMSVoiceV2."
V2_CONTENT_TYPE = "application/x-amz-json-1.0"


class _AtMoment:
    """`add_auth` as botocore's, with the signing time given instead of read from the clock."""

    when: datetime

    def add_auth(self, request: AWSRequest) -> None:
        signer: Any = self
        request.context["timestamp"] = self.when.strftime("%Y%m%dT%H%M%SZ")
        signer._modify_request_before_signing(request)
        canonical_request = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical_request)
        signer._inject_signature_to_request(request, signer.signature(string_to_sign, request))


class HeaderSignerAt(_AtMoment, SigV4Auth):  # type: ignore[misc]
    def __init__(self, credentials: Credentials, when: datetime, service: str = "sms-voice") -> None:
        SigV4Auth.__init__(self, credentials, service, "us-east-1")
        self.when = when


class QuerySignerAt(_AtMoment, SigV4QueryAuth):  # type: ignore[misc]
    def __init__(self, credentials: Credentials, when: datetime, expires: int) -> None:
        SigV4QueryAuth.__init__(self, credentials, "sms-voice", "us-east-1", expires=expires)
        self.when = when


def credentials(key: AccessKey, token: str | None = None) -> Credentials:
    return Credentials(key.access_key_id, key.secret_access_key, token)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def signed_v2(
    endpoint: str,
    key: AccessKey,
    operation: str,
    body: bytes = b"{}",
    *,
    when: datetime | None = None,
    token: str | None = None,
    service: str = "sms-voice",
) -> AWSRequest:
    """A v2 request (JSON 1.0, POST /) signed in the Authorization header."""
    request = AWSRequest(
        method="POST",
        url=f"{endpoint}/",
        data=body,
        headers={"X-Amz-Target": V2_TARGET + operation, "Content-Type": V2_CONTENT_TYPE},
    )
    HeaderSignerAt(credentials(key, token), when or now(), service).add_auth(request)
    return request


def send(request: AWSRequest, body: bytes | None = None, **header_changes: str) -> httpx.Response:
    """Send a signed request as it is, or with another body or changed headers (a tampering client)."""
    headers = {name: value for name, value in request.headers.items()}
    for name, value in header_changes.items():
        headers[name.replace("_", "-")] = value
    content = request.body if body is None else body
    return httpx.request(request.method, request.url, headers=headers, content=content, timeout=10)


def error_code(response: httpx.Response) -> str:
    return str(response.headers.get("x-amzn-errortype", ""))
