"""A unit of work's handle on the store: the typed interface, grouped by what is stored.

`Store.run(work)` calls `work(tx)` inside one transaction; `tx` is the only way to the data:

- `tx.documents(account, region)`: resource documents and their per-kind counters
- `tx.resources`: documents of one kind across accounts and regions (the inspection API)
- `tx.messages`: sent messages, their event records and where each record went
- `tx.schedule`: the simulator's pending timed transitions
- `tx.spend`: month-to-date spend per account, region and channel
- `tx.outbox`: event records bound for delivery, claimed by workers with leases
- `tx.idempotency`: the first answer to each ClientToken
- `tx.settings`: small named values shared by every node (simulator rules, clock offset)
- `tx.rates`: request-rate token buckets shared by every node

No SQL or SQLAlchemy object crosses this boundary (`connection` is for the store's own modules).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from smsvoice.store.documents import Documents, Remembered
from smsvoice.store.idempotency import Idempotency
from smsvoice.store.messages import Messages
from smsvoice.store.outbox import Outbox
from smsvoice.store.rates import RequestRates
from smsvoice.store.resources import Resources
from smsvoice.store.schedule import Schedule
from smsvoice.store.settings import StoredSettings
from smsvoice.store.spend import Spend


class Transaction:
    __slots__ = (
        "connection",
        "cursor",
        "idempotency",
        "messages",
        "outbox",
        "paramstyle",
        "rates",
        "raw",
        "remembered_documents",
        "resources",
        "schedule",
        "settings",
        "spend",
    )

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        # The hot-path statements (store/sql.py) run on these.
        raw: Any = connection.connection.dbapi_connection
        self.raw = raw
        self.paramstyle: str = connection.dialect.paramstyle
        self.cursor: Any = None if self.paramstyle == "qmark" else raw.cursor()
        # Documents read or written in this transaction (see store/documents.py).
        self.remembered_documents: dict[tuple[str, str, str, str], Remembered] = {}
        # The groups are a few bytes each: made up front, so that reaching one costs an attribute read.
        self.resources = Resources(connection)
        self.messages = Messages(self)
        self.schedule = Schedule(self)
        self.spend = Spend(self)
        self.outbox = Outbox(self)
        self.idempotency = Idempotency(self)
        self.settings = StoredSettings(self)
        self.rates = RequestRates(self)

    def documents(self, account: str, region: str) -> Documents:
        return Documents(self, account, region)

    @property
    def backend(self) -> str:
        """The SQL dialect's name ("sqlite", "postgresql"): for the few statements that differ."""
        return str(self.connection.dialect.name)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit: what it wrote is undone alone if it raises."""
        with self.connection.begin_nested():
            try:
                yield
            except BaseException:
                self.remembered_documents.clear()  # what was read may have been undone
                raise
