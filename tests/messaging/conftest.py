"""Fixtures of the messaging tests: the inspection API of the session server, and a server of their own
for tests that move the clock (time travel must not leak into other test packages)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import ServerProcess
from tests.messaging.support import Inspector
from tests.support.clients import client


@pytest.fixture
def inspector(endpoint: str) -> Inspector:
    return Inspector(endpoint)


@pytest.fixture(scope="package")
def time_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("smsvoice-time"),
        "--throttling",
        "off",
        "--validate-responses",
        env=LOOPBACK_AWS,
    ).start()
    yield process
    process.stop()


@pytest.fixture
def timed(time_server: ServerProcess) -> Inspector:
    return Inspector(time_server.endpoint)


@pytest.fixture
def timed_v2(time_server: ServerProcess, account: str) -> Any:
    return client("pinpoint-sms-voice-v2", time_server.endpoint, account)
