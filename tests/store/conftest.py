"""A store opened directly (no server) for the tests that drive the store's interface: SQLite in the
test's temporary directory, or a fresh database on the PostgreSQL server the suite runs on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smsvoice.store import Store, open_store
from smsvoice.testing.stores import store_url


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(store_url(tmp_path / "store"), upgrade=True)
    yield opened
    opened.close()


@pytest.fixture
def round_trips(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What goes to PostgreSQL through libpq, one entry per round trip (empty on SQLite)."""
    trips: list[str] = []
    if store.is_sqlite:
        yield trips
        return
    from smsvoice.store import libpq

    pipeline, waiting, check = libpq._pipeline, libpq._pipeline_waiting, libpq._check

    def count(commands: list[Any]) -> None:
        trips.append("pipeline of " + ", ".join(command[1].decode().split()[0] for command in commands))

    def counted_pipeline(connection: Any, commands: list[Any]) -> list[Any]:
        count(commands)
        return pipeline(connection, commands)

    async def counted_waiting(connection: Any, commands: list[Any]) -> list[Any]:
        count(commands)
        return await waiting(connection, commands)

    def counted_check(result: Any, connection: Any) -> Any:
        trips.append("one statement")
        return check(result, connection)

    monkeypatch.setattr(libpq, "_pipeline", counted_pipeline)
    monkeypatch.setattr(libpq, "_pipeline_waiting", counted_waiting)
    monkeypatch.setattr(libpq, "_check", counted_check)
    yield trips
