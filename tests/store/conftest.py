"""A store opened directly (no server) for the tests that drive the store's interface: SQLite in the
test's temporary directory, or a fresh database on the PostgreSQL server the suite runs on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smsvoice.store import Store, open_store
from smsvoice.testing.stores import store_url


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(store_url(tmp_path / "store"), upgrade=True)
    yield opened
    opened.close()
