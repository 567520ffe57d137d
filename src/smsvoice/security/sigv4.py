"""Signature Version 4 verification of a request as received, for service `sms-voice`.

The expected signature is computed by botocore's own `SigV4Auth` (the code that signs boto3's and the
AWS CLI's requests), given a request rebuilt from what arrived: method, raw path, raw query, the signed
headers exactly as received, and the body's SHA-256. Only the comparison (constant time), the clock
skew and the shape of the Authorization header are checked here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from smsvoice.security.credentials import Keyring
from smsvoice.security.refusals import (
    IncompleteSignatureException,
    InvalidSignatureException,
    missing_token,
    signature_mismatch,
    unrecognized_client,
)

SERVICE = "sms-voice"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600  # SigV4's limit on X-Amz-Expires
_TIMESTAMP = "%Y%m%dT%H%M%SZ"
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{8}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Signed:
    """What a request claims: who signed it, when, what, and the signature."""

    access_key_id: str
    date: str  # of the credential scope, YYYYMMDD
    region: str
    service: str
    timestamp: str  # YYYYMMDDTHHMMSSZ
    signed_headers: tuple[str, ...]
    signature: str
    query_for_signing: str  # the raw query string the signature covers
    expires: int | None  # presigned requests only


@dataclass(frozen=True, slots=True)
class Verified:
    access_key_id: str
    account: str
    region: str


def verify(
    method: str,
    raw_path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes,
    *,
    keyring: Keyring,
    now: float,
    protocol: str,
) -> Verified:
    """The signer of a correctly signed request, or the AuthRefusal AWS would answer."""
    signed = _read_signature(query_string, headers, protocol)
    key = keyring.find(signed.access_key_id)
    if key is None:
        raise unrecognized_client()
    _check_time(signed, now)
    if signed.date != signed.timestamp[:8]:
        raise InvalidSignatureException(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{signed.date}' != '{signed.timestamp[:8]}', from '{signed.timestamp}'."
        )
    if signed.service != SERVICE:
        raise InvalidSignatureException(f"Credential should be scoped to correct service: '{SERVICE}'.")
    body_hash = hashlib.sha256(body).hexdigest()
    declared = headers.get("x-amz-content-sha256")
    if declared is not None and declared != body_hash:
        raise InvalidSignatureException("The x-amz-content-sha256 header does not match the request body.")
    if any(name not in headers for name in signed.signed_headers):  # signed, then dropped on the way
        raise signature_mismatch()
    expected = _expected_signature(
        method, raw_path, signed, headers, body_hash, Credentials(key.access_key_id, key.secret_access_key)
    )
    if not hmac.compare_digest(expected.encode(), signed.signature.encode()):
        raise signature_mismatch()
    return Verified(key.access_key_id, key.account, signed.region)


class _AsReceived(SigV4Auth):  # type: ignore[misc]
    """botocore's signer, told which headers were signed and the body's hash instead of choosing them."""

    def __init__(
        self, credentials: Credentials, region: str, signed_headers: HTTPHeaders, body_hash: str
    ) -> None:
        super().__init__(credentials, SERVICE, region)
        self._signed_headers = signed_headers
        self._body_hash = body_hash

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        return self._signed_headers

    def payload(self, request: AWSRequest) -> str:
        return self._body_hash


def _expected_signature(
    method: str,
    raw_path: str,
    signed: Signed,
    headers: dict[str, str],
    body_hash: str,
    credentials: Credentials,
) -> str:
    signed_headers = HTTPHeaders()
    for name in signed.signed_headers:
        signed_headers[name] = headers[name]
    # The host is taken from the signed headers, never from this URL: only its path and query count.
    url = f"http://localhost{raw_path or '/'}"
    if signed.query_for_signing:
        url = f"{url}?{signed.query_for_signing}"
    request = AWSRequest(method=method, url=url, headers=dict(signed_headers.items()))
    request.context["timestamp"] = signed.timestamp
    signer = _AsReceived(credentials, signed.region, signed_headers, body_hash)
    canonical_request = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical_request)
    return str(signer.signature(string_to_sign, request))


def _check_time(signed: Signed, now: float) -> None:
    when = datetime.strptime(signed.timestamp, _TIMESTAMP).replace(tzinfo=UTC).timestamp()
    if when - now > MAX_SKEW_SECONDS:
        raise InvalidSignatureException(
            f"Signature not yet current: {signed.timestamp} is still later than "
            f"{_stamp(now + MAX_SKEW_SECONDS)} ({_stamp(now)} + 15 min.)"
        )
    if signed.expires is not None:  # presigned: good until its own expiry
        if now > when + signed.expires:
            raise InvalidSignatureException(
                f"Signature expired: {signed.timestamp} is now earlier than "
                f"{_stamp(now - signed.expires)} ({_stamp(now)} - {signed.expires} sec.)"
            )
    elif now - when > MAX_SKEW_SECONDS:
        raise InvalidSignatureException(
            f"Signature expired: {signed.timestamp} is now earlier than "
            f"{_stamp(now - MAX_SKEW_SECONDS)} ({_stamp(now)} - 15 min.)"
        )


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime(_TIMESTAMP)


def _read_signature(query_string: str, headers: dict[str, str], protocol: str) -> Signed:
    authorization = headers.get("authorization")
    if authorization is not None:
        return _from_header(authorization, query_string, headers)
    if "X-Amz-" in query_string:
        query = parse_qs(query_string, keep_blank_values=True)
        if any(name in query for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature")):
            return _from_query(query, query_string)
    raise missing_token(protocol)


def _from_header(authorization: str, query_string: str, headers: dict[str, str]) -> Signed:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(
            f"Unsupported Authorization Type: the Authorization header must use {ALGORITHM}."
        )
    parameters: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            parameters[name] = value
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not parameters.get(name)
    ]
    timestamp = _header_timestamp(headers)
    if timestamp is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        raise IncompleteSignatureException(" ".join(problems))
    assert timestamp is not None
    signed_headers = _signed_header_names(parameters["SignedHeaders"])
    if "x-amz-security-token" in headers and "x-amz-security-token" not in signed_headers:
        raise IncompleteSignatureException(
            "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization."
        )
    return _signed(
        parameters["Credential"], timestamp, signed_headers, parameters["Signature"], query_string, None
    )


def _from_query(query: dict[str, list[str]], query_string: str) -> Signed:
    def one(name: str) -> str:
        values = query.get(name)
        if not values or not values[0]:
            raise IncompleteSignatureException(f"AWS query-string parameters must include '{name}'.")
        return values[0]

    if one("X-Amz-Algorithm") != ALGORITHM:
        raise IncompleteSignatureException(f"X-Amz-Algorithm must be {ALGORITHM}.")
    timestamp = one("X-Amz-Date")
    if not _valid_timestamp(timestamp):
        raise IncompleteSignatureException(
            "X-Amz-Date must be in the ISO-8601 basic format YYYYMMDDTHHMMSSZ."
        )
    expires_text = one("X-Amz-Expires")
    if (
        not (expires_text.isascii() and expires_text.isdigit())
        or not 1 <= int(expires_text) <= MAX_PRESIGNED_EXPIRES
    ):
        raise IncompleteSignatureException(
            f"X-Amz-Expires must be a whole number of seconds from 1 to {MAX_PRESIGNED_EXPIRES}."
        )
    covered = "&".join(
        pair for pair in query_string.split("&") if pair.partition("=")[0] != "X-Amz-Signature"
    )
    return _signed(
        one("X-Amz-Credential"),
        timestamp,
        _signed_header_names(one("X-Amz-SignedHeaders")),
        one("X-Amz-Signature"),
        covered,
        int(expires_text),
    )


def _signed(
    credential: str,
    timestamp: str,
    signed_headers: tuple[str, ...],
    signature: str,
    query_for_signing: str,
    expires: int | None,
) -> Signed:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts) or not _DATE.fullmatch(parts[1]):
        raise IncompleteSignatureException(
            "Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request."
        )
    if "host" not in signed_headers:
        raise IncompleteSignatureException("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    if not _SIGNATURE.fullmatch(signature):
        raise IncompleteSignatureException("The Signature must be 64 lower-case hexadecimal digits.")
    key, date, region, service, _ = parts
    return Signed(
        key, date, region, service, timestamp, signed_headers, signature, query_for_signing, expires
    )


def _signed_header_names(text: str) -> tuple[str, ...]:
    names = tuple(text.split(";"))
    if any(not name or name != name.strip().lower() for name in names):
        raise IncompleteSignatureException("SignedHeaders must be lower-case header names separated by ';'.")
    return names


def _header_timestamp(headers: dict[str, str]) -> str | None:
    amz_date = headers.get("x-amz-date")
    if amz_date is not None:
        return amz_date if _valid_timestamp(amz_date) else None
    date = headers.get("date")
    if date is None:
        return None
    try:
        parsed = parsedate_to_datetime(date)
        stamp = parsed.astimezone(UTC).strftime(_TIMESTAMP) if parsed.tzinfo is not None else ""
    except (TypeError, ValueError, OverflowError):
        return None
    return stamp if _valid_timestamp(stamp) else None


def _valid_timestamp(text: str) -> bool:
    if not (len(text) == 16 and text.isascii()):
        return False
    try:
        datetime.strptime(text, _TIMESTAMP)
    except ValueError:
        return False
    return True
