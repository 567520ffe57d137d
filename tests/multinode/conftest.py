"""Fixtures of the multi-node tests: several `smsvoice serve` processes on one store.

Without `SMSVOICE_TEST_POSTGRES` the nodes share one embedded SQLite file; with it, one PostgreSQL
database (smsvoice.testing.stores maps a data dir to a database). moto's server and the `Aws`
helper come from the delivery tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import ServerProcess
from tests.delivery.conftest import aws, moto_endpoint

__all__ = ["aws", "moto_endpoint"]  # fixtures of the delivery tests, used here too


@dataclass(frozen=True)
class Nodes:
    """Two nodes on one store."""

    a: ServerProcess
    b: ServerProcess

    @property
    def endpoints(self) -> list[str]:
        return [self.a.endpoint, self.b.endpoint]


@pytest.fixture(scope="package")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Two nodes sharing one store for the package; each test works in an account of its own.

    `--delivery off` and no worker: event records stay in the outbox, nothing is sent anywhere."""
    data_dir: Path = tmp_path_factory.mktemp("multinode")
    args = ("--throttling", "off", "--validate-responses", "--delivery", "off")
    started: list[ServerProcess] = []
    try:
        for _ in range(2):
            started.append(ServerProcess(data_dir, *args, env=LOOPBACK_AWS).start())
        yield Nodes(*started)
    finally:
        for process in started:
            process.stop()
