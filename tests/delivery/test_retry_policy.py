"""The retry policy and the classification of SDK failures, on their own."""

from __future__ import annotations

import random

from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ProfileNotFound,
    ReadTimeoutError,
)

from smsvoice.delivery.failures import classify
from smsvoice.delivery.retry import RetryPolicy


def policy(retention: float = 3600.0) -> RetryPolicy:
    return RetryPolicy(retention_seconds=retention, rng=random.Random(7))


def test_the_first_retry_comes_within_two_seconds() -> None:
    delays = [policy().delay(1) for _ in range(200)]
    assert all(0.5 <= delay <= 1.0 for delay in delays)


def test_delays_double_and_are_capped() -> None:
    retry = policy()
    assert all(2.0 <= retry.delay(3) <= 4.0 for _ in range(100))
    assert all(150.0 <= retry.delay(40) <= 300.0 for _ in range(100))
    assert len({round(retry.delay(5), 6) for _ in range(50)}) > 1  # jittered


def test_the_last_retry_is_at_the_end_of_the_window_then_dead() -> None:
    retry = policy(retention=10.0)
    assert retry.next_attempt_at(30, created_at=100.0, now=105.0) == 110.0
    assert retry.next_attempt_at(1, created_at=100.0, now=110.0) is None
    next_at = retry.next_attempt_at(1, created_at=100.0, now=101.0)
    assert next_at is not None and 101.5 <= next_at <= 102.0


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


def test_retryable_failures() -> None:
    for error in (
        client_error("ThrottlingException", 400),
        client_error("InternalFailure", 500),
        client_error("Whatever", 503),
        client_error("NotFound", 404),
        client_error("ResourceNotFoundException", 400),
        client_error("AccessDenied", 403),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
        NoCredentialsError(),
        ProfileNotFound(profile="missing"),
    ):
        assert classify(error, "Call").retryable, error
    assert classify(client_error("ExpiredTokenException", 400), "Call").expired_credentials


def test_final_failures() -> None:
    for error in (
        client_error("InvalidParameter", 400),
        client_error("ValidationException", 400),
        ParamValidationError(report="bad"),
    ):
        failure = classify(error, "Call")
        assert not failure.retryable, error
        assert failure.message.startswith("Call: ")
