"""Which AWS SDK failures are worth retrying, and a short text for the outbox's `last_error`.

Retryable (the issue's list, plus the cases where waiting fixes things): throttling, any 5xx,
connection errors and timeouts, a topic / stream / log group that does not exist yet, and
permission or credential errors (IAM changes take time to propagate; terraform retries
CreateEventDestination for the same reason), and the SDK's own configuration errors (a missing
profile: fixed by the user, not by the record). Anything else the service rejects (a malformed
request, a record it will never take) and requests the SDK refuses to build are final: the record
is dead-lettered at once.

Some failures belong to the destination, not to the record (`destination_wide`): no credentials, no
such topic / stream / log group, access denied, an endpoint that cannot be reached, a broken SDK
configuration. Every other record bound there would fail the same way, so the worker pauses the
destination (delivery/breaker.py) instead of retrying each record on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
)

_THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "KMSThrottlingException",
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalError",
    }
)
_NOT_FOUND = frozenset({"NotFound", "NotFoundException", "ResourceNotFoundException", "NoSuchEntity"})
# Credentials that expired are dropped from the cache before the retry (see credentials.py).
EXPIRED_CREDENTIALS = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
_PERMISSIONS = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "KMSAccessDeniedException",
        *EXPIRED_CREDENTIALS,
    }
)


@dataclass(frozen=True, slots=True)
class Failure:
    """What went wrong with one attempt at one record."""

    message: str
    retryable: bool
    expired_credentials: bool = False
    destination_wide: bool = False
    no_credentials: bool = False  # none configured at all: said once in the log (delivery/breaker.py)


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def classify(error: BaseException, during: str) -> Failure:
    """Turn an exception raised by an SDK call (`during` names the call) into a Failure."""
    if isinstance(error, ClientError):
        code = error_code(error)
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        detail = str(error.response.get("Error", {}).get("Message", "")) or str(error)
        return from_code(code, detail, during, status)
    if isinstance(error, ConnectionError | HTTPClientError):
        return Failure(f"{during}: connection failed: {error}", retryable=True, destination_wide=True)
    if isinstance(error, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
        return Failure(
            f"{during}: no usable AWS credentials: {error}",
            retryable=True,
            destination_wide=True,
            no_credentials=isinstance(error, NoCredentialsError),
        )
    if isinstance(error, ParamValidationError):
        # The request can never succeed as it is.
        return Failure(f"{during}: {type(error).__name__}: {error}", retryable=False)
    if isinstance(error, BotoCoreError):
        # Mostly the SDK's configuration (a missing profile, a bad config file): fixable, so retried.
        return Failure(f"{during}: {type(error).__name__}: {error}", retryable=True, destination_wide=True)
    # A bug of ours or an unexpected library error: keep the record and try again later.
    return Failure(f"{during}: {type(error).__name__}: {error}", retryable=True)


def from_code(code: str, detail: str, during: str, status: int = 0) -> Failure:
    """A failure the service reported by error code (whole call, or one record of a batch)."""
    message = f"{during}: {code or status} {detail}".strip()
    retryable = status >= 500 or code in _THROTTLING or code in _NOT_FOUND or code in _PERMISSIONS
    # Expired credentials are refreshed before the next attempt: the record's own retry handles them.
    expired = code in EXPIRED_CREDENTIALS
    destination_wide = (code in _NOT_FOUND or code in _PERMISSIONS) and not expired
    return Failure(message, retryable, expired_credentials=expired, destination_wide=destination_wide)


def rejected(message: str) -> Failure:
    """A record the destination will never accept (too large, too old): dead at once."""
    return Failure(message, retryable=False)
