"""A unit of work's handle on the store: the typed interface, grouped by what is stored.

`Store.run(work)` calls `work(tx)` inside one transaction; `tx` is the only way to the data:

- `tx.documents(account, region)`: resource documents and their per-kind counters
- `tx.resources`: documents of one kind across accounts and regions (the inspection API)
- `tx.messages`: sent messages, their event records and where each record went
- `tx.inbound`: what handsets sent to the account's numbers
- `tx.schedule`: the simulator's pending timed transitions
- `tx.registration_jobs`: registration review steps and attachment fetches due at a time
- `tx.spend`: month-to-date spend per account, region and channel
- `tx.outbox`: event records bound for delivery, claimed by workers with leases
- `tx.pauses`: event destinations paused because they cannot work yet (the delivery circuit breaker)
- `tx.pruning`: retention's deletes of the oldest messages and finished outbox rows
- `tx.idempotency`: the first answer to each ClientToken
- `tx.settings`: small named values shared by every node (simulator rules, clock offset)
- `tx.rates`: request-rate token buckets shared by every node
- `tx.eventbridge`: the EventBridge events made, published or not

No SQL or database connection crosses this boundary (`connection` is for the store's own modules).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from smsvoice.store.connection import Connection
from smsvoice.store.documents import Documents, Listed, PendingListing, PendingRead, Remembered
from smsvoice.store.eventbridge import EventBridgeEvents
from smsvoice.store.forgetting import forget_state
from smsvoice.store.idempotency import Idempotency
from smsvoice.store.inbound import Inbound
from smsvoice.store.messages import Messages
from smsvoice.store.outbox import Outbox
from smsvoice.store.pauses import DestinationPauses
from smsvoice.store.pruning import Pruning
from smsvoice.store.rates import RequestRates
from smsvoice.store.registration_jobs import RegistrationJobs
from smsvoice.store.resources import Resources
from smsvoice.store.schedule import Schedule
from smsvoice.store.settings import StoredSettings
from smsvoice.store.spend import Spend, SpendKey

# How many times state was forgotten (Transaction.forget).
FORGOTTEN_SETTING = "changes.forgotten"


class Transaction:
    __slots__ = (
        "_cursor",
        "_eventbridge",
        "_idempotency",
        "_inbound",
        "_messages",
        "_outbox",
        "_pauses",
        "_pruning",
        "_rates",
        "_registration_jobs",
        "_resources",
        "_schedule",
        "_settings",
        "_spend",
        "connection",
        "dialect",
        "documents_ahead",
        "libpq",
        "listings_ahead",
        "paramstyle",
        "raw",
        "remembered_documents",
        "remembered_listings",
        "spend_due",
    )

    def __init__(self, connection: Connection, spend_due: dict[SpendKey, float] | None = None) -> None:
        self.connection = connection
        # A batch's spend, written when it commits (store/batches.py); None: written as it is added.
        self.spend_due = spend_due
        # The hot-path statements (store/sql.py) run on these.
        raw: Any = connection.raw
        self.raw = raw
        self.paramstyle: str = connection.paramstyle
        self.dialect: str = connection.dialect  # "sqlite" or "postgresql": which SQL to write
        self._cursor: Any = None  # made when a statement first needs it (most need none: store/libpq.py)
        self.libpq = hasattr(raw, "pgconn")  # psycopg 3
        # Documents read or written in this transaction (see store/documents.py).
        self.remembered_documents: dict[tuple[str, str, str, str], Remembered] = {}
        # Document reads queued to ride with the next statement (Documents.read_ahead).
        self.documents_ahead: list[PendingRead] = []
        # Listings read ahead, and queued (Documents.read_ahead_listing).
        self.remembered_listings: dict[Listed, list[tuple[str, str]]] = {}
        self.listings_ahead: list[PendingListing] = []
        # The groups are made when first used: most units of work touch two or three of them.
        self._resources: Resources | None = None
        self._messages: Messages | None = None
        self._schedule: Schedule | None = None
        self._spend: Spend | None = None
        self._outbox: Outbox | None = None
        self._pauses: DestinationPauses | None = None
        self._pruning: Pruning | None = None
        self._idempotency: Idempotency | None = None
        self._inbound: Inbound | None = None
        self._settings: StoredSettings | None = None
        self._rates: RequestRates | None = None
        self._eventbridge: EventBridgeEvents | None = None
        self._registration_jobs: RegistrationJobs | None = None

    @property
    def cursor(self) -> Any:
        """The transaction's one DB-API cursor (psycopg makes cursors in Python; sqlite3 needs none)."""
        if self._cursor is None and self.paramstyle != "qmark":
            self._cursor = self.raw.cursor()
        return self._cursor

    @property
    def info(self) -> dict[str, Any]:
        """What the transaction leaves for the store's commit listeners (the outbox's targets)."""
        return self.connection.info

    @property
    def reads_ahead(self) -> bool:
        """Whether reads queued ahead save round trips (a database server through libpq); on the
        embedded store they would only run at once."""
        return bool(self.libpq)

    def documents(self, account: str, region: str) -> Documents:
        return Documents(self, account, region)

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            self._resources = Resources(self)
        return self._resources

    @property
    def messages(self) -> Messages:
        if self._messages is None:
            self._messages = Messages(self)
        return self._messages

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = Schedule(self)
        return self._schedule

    @property
    def spend(self) -> Spend:
        if self._spend is None:
            self._spend = Spend(self)
        return self._spend

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(self)
        return self._outbox

    @property
    def pauses(self) -> DestinationPauses:
        if self._pauses is None:
            self._pauses = DestinationPauses(self)
        return self._pauses

    @property
    def pruning(self) -> Pruning:
        if self._pruning is None:
            self._pruning = Pruning(self)
        return self._pruning

    @property
    def idempotency(self) -> Idempotency:
        if self._idempotency is None:
            self._idempotency = Idempotency(self)
        return self._idempotency

    @property
    def inbound(self) -> Inbound:
        if self._inbound is None:
            self._inbound = Inbound(self)
        return self._inbound

    @property
    def settings(self) -> StoredSettings:
        if self._settings is None:
            self._settings = StoredSettings(self)
        return self._settings

    @property
    def rates(self) -> RequestRates:
        if self._rates is None:
            self._rates = RequestRates(self)
        return self._rates

    @property
    def eventbridge(self) -> EventBridgeEvents:
        if self._eventbridge is None:
            self._eventbridge = EventBridgeEvents(self)
        return self._eventbridge

    @property
    def registration_jobs(self) -> RegistrationJobs:
        if self._registration_jobs is None:
            self._registration_jobs = RegistrationJobs(self)
        return self._registration_jobs

    def forget(self, account: str | None) -> dict[str, int]:
        """Forget one account's state (every account's with None): resources and their counters,
        messages with their records, pending transitions and spend, inbound messages, ClientTokens
        and rate buckets. Outbox rows stay: records already handed to delivery are still delivered."""
        counts = forget_state(self, account)
        # Watchers of changes (server/changes_api.py) learn of removals from this count: they leave
        # no newer row behind.
        self.settings.put(FORGOTTEN_SETTING, int(self.settings.get(FORGOTTEN_SETTING) or 0) + 1)
        return counts

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit: what it wrote is undone alone if it raises. Through libpq (PostgreSQL) the
        savepoint is queued and costs no round trip of its own (libpq.savepoint)."""
        try:
            if self.libpq:
                from smsvoice.store import libpq

                opened = libpq.savepoint(self.raw)
                try:
                    yield
                except BaseException:
                    libpq.roll_back_to(self.raw, opened)
                    raise
                libpq.release(self.raw, opened)
            else:
                with self.connection.savepoint():
                    yield
        except BaseException:
            self.remembered_documents.clear()  # what was read may have been undone
            self.documents_ahead.clear()
            self.remembered_listings.clear()
            self.listings_ahead.clear()
            raise
