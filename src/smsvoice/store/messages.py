"""Sent messages, their event records, and where each record went.

Every method runs in the caller's transaction. The send path touches each table by key only (no
scans), so its cost does not grow with the number of messages stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, func, select

from smsvoice.domain.message import Message
from smsvoice.store.outbox import DEAD, DELIVERED, PARKED_AT, PENDING
from smsvoice.store.paging import matching_page
from smsvoice.store.schema import (
    message_events,
    messages,
    outbox,
    scheduled_transitions,
    spend_totals,
)
from smsvoice.store.sql import SERVER_JSON_IDS, SQLITE_JSON_IDS, Statement, Target

# The send path's statements run on the DB-API cursor (store/sql.py): building SQLAlchemy statements
# costs several times more than SQLite takes to run them, and a send runs a handful.
_INSERT_MESSAGE = Statement(
    "INSERT INTO messages (id, account, region, api, channel, destination, status, created_at, updated_at, doc) "
    "VALUES (:id, :account, :region, :api, :channel, :destination, :status, :created_at, :updated_at, :doc)",
    libpq=True,
)
_UPDATE_MESSAGE = Statement(
    "UPDATE messages SET status = :status, updated_at = :updated_at, doc = :doc WHERE id = :message_id",
    libpq=True,
)
_LOAD_MESSAGE = Statement("SELECT doc FROM messages WHERE id = :message_id", libpq=True)
# PostgreSQL: lock the row, so the scheduler and a manual advance never move the same message at once
# (SQLite's single writer already serializes them).
_LOAD_MESSAGE_FOR_UPDATE = Statement("SELECT doc FROM messages WHERE id = :message_id FOR UPDATE", libpq=True)
# The messages whose timed transitions are due, read (and on PostgreSQL locked, as _LOAD_MESSAGE_FOR_UPDATE
# does) in one statement, given their ids as one JSON array.
_PRELOAD = {
    "sqlite": Statement(f"SELECT id, doc FROM messages WHERE id IN ({SQLITE_JSON_IDS})"),
    "server": Statement(
        f"SELECT id, doc FROM messages WHERE id IN ({SERVER_JSON_IDS}) ORDER BY id FOR UPDATE", libpq=True
    ),
}
# Answers nothing, so it can be deferred (store/libpq.py): the outbox rows of the record find its id
# themselves (store/outbox.py, enqueue_for_newest_event).
_INSERT_EVENT = Statement(
    "INSERT INTO message_events (message_id, event_type, created_at, record) "
    "VALUES (:message_id, :event_type, :created_at, :record)",
    libpq=True,
)


@dataclass(frozen=True, slots=True)
class MessageFilter:
    account: str | None = None
    region: str | None = None
    destination: str | None = None
    status: str | None = None
    channel: str | None = None
    api: str | None = None
    # Accepted in [since, until) (request time, seconds since the epoch).
    since: float | None = None
    until: float | None = None
    # Read from each message's document (no column holds them): the origination or destination
    # number, the configuration set, and text the body contains (any case).
    number: str | None = None
    configuration_set: str | None = None
    text: str | None = None
    newest_first: bool = False

    def reads_documents(self) -> bool:
        return any(value is not None for value in (self.number, self.configuration_set, self.text))

    def admits(self, message: Message) -> bool:
        """The conditions no column holds (the others are the query's)."""
        if self.number is not None and self.number not in (message.destination, message.origination):
            return False
        if self.configuration_set is not None and message.configuration_set != self.configuration_set:
            return False
        return self.text is None or self.text.casefold() in (message.body or "").casefold()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    message_id: str
    event_type: str
    created_at: float
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordDelivery:
    """Where one event record goes, and how its delivery is going (an outbox row, in short)."""

    id: int
    configuration_set: str
    destination_name: str
    destination_kind: str
    target_arn: str
    status: str
    attempts: int
    last_error: str | None
    delivered_at: float | None


class Messages:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection
        # Documents read by `preload`, by message id, each answered once by `load`.
        self._preloaded: dict[str, str] = {}

    def insert(self, message: Message) -> None:
        _INSERT_MESSAGE.defer(
            self._tx,
            {
                "id": message.message_id,
                "account": message.account,
                "region": message.region,
                "api": message.api,
                "channel": message.channel,
                "destination": message.destination,
                "status": message.status,
                "created_at": message.requested_at,
                "updated_at": message.updated_at,
                "doc": orjson.dumps(message).decode(),  # orjson writes the dataclass as an object
            },
        )

    def update(self, message: Message) -> None:
        _UPDATE_MESSAGE.defer(
            self._tx,
            {
                "message_id": message.message_id,
                "status": message.status,
                "updated_at": message.updated_at,
                "doc": orjson.dumps(message).decode(),
            },
        )

    def load(self, message_id: str) -> Message | None:
        """The message, locked against other writers until the transaction ends."""
        doc = self._preloaded.pop(message_id, None)
        if doc is None:
            statement = (
                _LOAD_MESSAGE_FOR_UPDATE if self._connection.dialect.name == "postgresql" else _LOAD_MESSAGE
            )
            row = statement.one(self._tx, {"message_id": message_id})
            if row is None:
                return None
            doc = row[0]
        return Message.from_doc(orjson.loads(doc))

    def preload(self, message_ids: Sequence[str]) -> None:
        """Read (and lock, as `load` does) these messages in one statement, for `load` to answer: the
        scheduler advances up to a hundred at a time."""
        if not message_ids:
            return
        statement = _PRELOAD["sqlite" if self._tx.paramstyle == "qmark" else "server"]
        for message_id, doc in statement.all_args(self._tx, [orjson.dumps(list(message_ids)).decode()]):
            self._preloaded[str(message_id)] = str(doc)

    def add_event(self, message_id: str, event_type: str, at: float, record_text: str) -> None:
        """Store an event record of a message (its outbox rows follow: Outbox.enqueue_for_newest_event)."""
        _INSERT_EVENT.defer(
            self._tx,
            {"message_id": message_id, "event_type": event_type, "created_at": at, "record": record_text},
        )

    def find(self, where: MessageFilter, limit: int, offset: int) -> list[Message]:
        """Messages in the order they were accepted (the newest first if the filter says so)."""
        query = select(messages.c.doc)
        for column, value in (
            (messages.c.account, where.account),
            (messages.c.region, where.region),
            (messages.c.destination, where.destination),
            (messages.c.status, where.status),
            (messages.c.channel, where.channel),
            (messages.c.api, where.api),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.since is not None:
            query = query.where(messages.c.created_at >= where.since)
        if where.until is not None:
            query = query.where(messages.c.created_at < where.until)
        if where.newest_first:
            query = query.order_by(messages.c.created_at.desc(), messages.c.id.desc())
        else:
            query = query.order_by(messages.c.created_at, messages.c.id)
        if not where.reads_documents():
            query = query.limit(limit).offset(offset)
            return [Message.from_doc(orjson.loads(doc)) for (doc,) in self._connection.execute(query)]
        # A search of the documents: read them in order, keep the page of those that match.
        with self._connection.execute(query) as rows:
            found = (Message.from_doc(orjson.loads(doc)) for (doc,) in rows)
            return matching_page(found, where.admits, limit, offset)

    def change_marker(self) -> tuple[Any, ...]:
        """A value that differs whenever a message was sent, got an event record (every status
        change writes one), or a delivery of its records was tried or finished; removals are the
        caller's (changes_api.py reads the pruning and forgetting totals). Every part is one index
        lookup, so reading it costs the same on a store of millions of rows (it is read after every
        commit while someone watches: a count over the messages and the pending outbox rows had cost
        tens of milliseconds on a large store, on the event loop)."""
        connection = self._connection
        last_record = connection.execute(select(func.max(message_events.c.id))).scalar()
        last_row = connection.execute(select(func.max(outbox.c.id))).scalar()
        # By the (status, next_attempt_at) index: a claim, a retry, a delivery or a dead letter moves
        # a row's next_attempt_at (a finished row keeps the time it was last tried).
        progress = tuple(
            connection.execute(select(func.max(outbox.c.next_attempt_at)).where(*where)).scalar()
            for where in (
                (outbox.c.status == PENDING, outbox.c.next_attempt_at < PARKED_AT),
                (outbox.c.status == DELIVERED,),
                (outbox.c.status == DEAD,),
            )
        )
        return (last_record, last_row, *progress)

    def events_of(self, message_ids: Sequence[str]) -> dict[str, list[StoredEvent]]:
        found: dict[str, list[StoredEvent]] = {message_id: [] for message_id in message_ids}
        for chunk in _chunks(message_ids):
            rows = self._connection.execute(
                select(message_events)
                .where(message_events.c.message_id.in_(chunk))
                .order_by(message_events.c.message_id, message_events.c.id)
            )
            for row in rows:
                found[row.message_id].append(
                    StoredEvent(
                        row.id, row.message_id, row.event_type, row.created_at, orjson.loads(row.record)
                    )
                )
        return found

    def deliveries_of(self, message_ids: Sequence[str]) -> dict[int, list[RecordDelivery]]:
        """The outbox rows of these messages' records, by event id."""
        found: dict[int, list[RecordDelivery]] = {}
        columns = [outbox.c[name] for name in RecordDelivery.__dataclass_fields__]
        for chunk in _chunks(message_ids):
            rows = self._connection.execute(
                select(outbox.c.event_id, *columns)
                .where(outbox.c.message_id.in_(chunk))
                .order_by(outbox.c.id)
            )
            for event_id, *values in rows:
                found.setdefault(int(event_id), []).append(RecordDelivery(*values))
        return found

    def delete(self, account: str | None = None) -> int:
        """Forget messages (all, or one account's) with their records (their EventBridge events are made
        from them), pending transitions and spend.

        Outbox rows stay: records already handed to delivery are still delivered.
        """
        ids = select(messages.c.id)
        if account is not None:
            ids = ids.where(messages.c.account == account)
        connection = self._connection
        connection.execute(delete(scheduled_transitions).where(scheduled_transitions.c.message_id.in_(ids)))
        connection.execute(delete(message_events).where(message_events.c.message_id.in_(ids)))
        spend = delete(spend_totals)
        if account is not None:
            spend = spend.where(spend_totals.c.account == account)
        connection.execute(spend)
        removed = delete(messages)
        if account is not None:
            removed = removed.where(messages.c.account == account)
        return int(connection.execute(removed).rowcount)


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
