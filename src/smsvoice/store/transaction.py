"""A unit of work's handle on the store: the typed interface, grouped by what is stored.

`Store.run(work)` calls `work(tx)` inside one transaction; `tx` is the only way to the data:

- `tx.documents(account, region)`: resource documents and their per-kind counters
- `tx.resources`: documents of one kind across accounts and regions (the inspection API)
- `tx.messages`: sent messages, their event records and where each record went
- `tx.schedule`: the simulator's pending timed transitions
- `tx.spend`: month-to-date spend per account, region and channel
- `tx.outbox`: event records bound for delivery, claimed by workers with leases
- `tx.idempotency`: the first answer to each ClientToken
- `tx.settings`: small named values shared by every node (simulator rules, clock offset, ...)

No SQL or SQLAlchemy object crosses this boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Connection

from smsvoice.store.documents import Documents, Remembered
from smsvoice.store.idempotency import Idempotency
from smsvoice.store.messages import Messages
from smsvoice.store.outbox import Outbox
from smsvoice.store.resources import Resources
from smsvoice.store.schedule import Schedule
from smsvoice.store.settings import StoredSettings
from smsvoice.store.spend import Spend


class Transaction:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        # Documents read or written in this transaction (see store/documents.py).
        self.remembered_documents: dict[tuple[str, str, str, str], Remembered] = {}

    def documents(self, account: str, region: str) -> Documents:
        return Documents(self, account, region)

    @property
    def backend(self) -> str:
        """The SQL dialect's name ("sqlite", "postgresql"): for the few statements that differ."""
        return str(self.connection.dialect.name)

    @cached_property
    def resources(self) -> Resources:
        return Resources(self.connection)

    @cached_property
    def messages(self) -> Messages:
        return Messages(self.connection)

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule(self.connection)

    @cached_property
    def spend(self) -> Spend:
        return Spend(self.connection)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.connection)

    @cached_property
    def idempotency(self) -> Idempotency:
        return Idempotency(self.connection)

    @cached_property
    def settings(self) -> StoredSettings:
        return StoredSettings(self.connection)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit: what it wrote is undone alone if it raises."""
        with self.connection.begin_nested():
            try:
                yield
            except BaseException:
                self.remembered_documents.clear()  # what was read may have been undone
                raise
