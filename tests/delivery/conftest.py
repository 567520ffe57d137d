"""The AWS side of delivery tests: moto's server on loopback, and smsvoice servers pointed at it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from smsvoice.testing.environment import fake_aws_environment
from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, Outbox


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    yield f"http://{host}:{port}"
    moto.stop()


@pytest.fixture
def aws(moto_endpoint: str) -> Aws:
    return Aws(moto_endpoint)


@pytest.fixture(scope="session")
def delivering_server(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One smsvoice server for the session whose delivery goes to moto's server."""
    data_dir: Path = tmp_path_factory.mktemp("delivery-data")
    process = ServerProcess(
        data_dir, "--throttling", "off", "--validate-responses", env=fake_aws_environment(moto_endpoint)
    ).start()
    yield process
    process.stop()


@pytest.fixture
def outbox(delivering_server: ServerProcess) -> Iterator[Outbox]:
    writer = Outbox(delivering_server.data_dir)
    yield writer
    writer.close()


@pytest.fixture
def delivering(fresh_server: Any, moto_endpoint: str) -> Callable[..., ServerProcess]:
    """Start a server of the test's own, delivering to moto's server (extra args as for `serve`)."""

    def start(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> ServerProcess:
        process: ServerProcess = fresh_server(
            *args, data_dir=data_dir, env={**fake_aws_environment(moto_endpoint), **(env or {})}
        )
        return process

    return start
