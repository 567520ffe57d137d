"""Servers for the registration tests (tests/v2/test_registrations_*.py).

`registrations_server` reviews automatically (300 simulator-clock seconds a step), gates US
toll-free and 10DLC numbers, and fetches attachment URLs from moto's server; `manual_review_server`
waits for POST /_smsvoice/registrations/{id}/review and does not gate numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smsvoice.testing.environment import fake_aws_environment
from smsvoice.testing.process import ServerProcess
from tests.delivery.conftest import moto_endpoint
from tests.support.clients import client

__all__ = ["moto_endpoint"]

REVIEW_SECONDS = 300


@pytest.fixture(scope="module")
def registrations_server(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("registrations"),
        "--throttling",
        "off",
        "--validate-responses",
        "--registration-gating",
        "aws",
        "--registration-review-seconds",
        str(REVIEW_SECONDS),
        env=fake_aws_environment(moto_endpoint),
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def manual_review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("manual-review"),
        "--throttling",
        "off",
        "--validate-responses",
        "--registration-review",
        "manual",
    ).start()
    yield process
    process.stop()


@pytest.fixture
def sms(registrations_server: ServerProcess, account: str) -> Any:
    """A v2 client of a fresh account on the gating, auto-reviewing server."""
    return client("pinpoint-sms-voice-v2", registrations_server.endpoint, account)


@pytest.fixture
def manual_sms(manual_review_server: ServerProcess, account: str) -> Any:
    return client("pinpoint-sms-voice-v2", manual_review_server.endpoint, account)
