"""A database connection dropped under the store (a PostgreSQL restart, a failover, an administrator's
pg_terminate_backend) costs no request: the unit of work runs again on a new connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from smsvoice.store import Transaction, open_store
from smsvoice.testing.stores import postgres_server, store_url

pytestmark = pytest.mark.skipif(postgres_server() is None, reason="about PostgreSQL connections")


def _terminate_all_but_mine(url: str) -> int:
    """End every other session of the store's database, as a server restart would."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_unit_of_work_on_a_dropped_connection_runs_again_on_a_new_one(tmp_path: Path) -> None:
    url = store_url(tmp_path)
    store = open_store(url, upgrade=True, pool_size=2)

    def both(tx: Transaction) -> tuple[object, object]:
        # One statement through SQLAlchemy, one through libpq (the send path's way).
        return tx.settings.get("lost-connection-test"), tx.documents("111122223333", "us-east-1").get(
            "k", "x"
        )

    try:
        assert store.run_sync(both) == (None, None)  # this thread now holds a connection
        assert _terminate_all_but_mine(url) >= 1
        assert store.run_sync(both) == (None, None)  # answered, on a new connection
        store.run_sync(lambda tx: tx.settings.put("lost-connection-test", {"kept": True}))
        assert _terminate_all_but_mine(url) >= 1
        assert store.run_sync(lambda tx: tx.settings.get("lost-connection-test")) == {"kept": True}
    finally:
        store.close()
