"""Fixtures: one live server for the session, a fresh account per test, boto3 clients for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import ServerProcess
from smsvoice.testing.stores import postgres_server
from tests.support.clients import client, new_account


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_store: about the embedded SQLite store itself; skipped on PostgreSQL"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if postgres_server() is None:
        return
    skip = pytest.mark.skip(reason="about the embedded SQLite store (the suite runs on PostgreSQL)")
    for item in items:
        if item.get_closest_marker("embedded_store"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with throttling off and every response checked against the model."""
    data_dir: Path = tmp_path_factory.mktemp("smsvoice-data")
    process = ServerProcess(data_dir, "--throttling", "off", "--validate-responses", env=LOOPBACK_AWS).start()
    yield process
    process.stop()


@pytest.fixture
def endpoint(server: ServerProcess) -> str:
    return server.endpoint


@pytest.fixture
def account() -> str:
    return new_account()


@pytest.fixture
def v1(endpoint: str, account: str) -> Any:
    return client("pinpoint-sms-voice", endpoint, account)


@pytest.fixture
def v2(endpoint: str, account: str) -> Any:
    return client("pinpoint-sms-voice-v2", endpoint, account)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Any]:
    """Start servers of the test's own (restart, throttling, crash tests); all stopped at the end."""
    started: list[ServerProcess] = []

    def start(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> ServerProcess:
        process = ServerProcess(data_dir or tmp_path / "data", *args, env=env or LOOPBACK_AWS).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
