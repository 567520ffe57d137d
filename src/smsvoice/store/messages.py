"""Sent messages, their event records, and where each record went.

Every method runs in the caller's transaction. The send path touches each table by key only (no
scans), so its cost does not grow with the number of messages stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from smsvoice.domain.message import Message
from smsvoice.store.outbox import DEAD, DELIVERED, PARKED_AT, PENDING, Outbox, OutboxEntry
from smsvoice.store.paging import matching_page
from smsvoice.store.sql import SERVER_JSON_IDS, SQLITE_JSON_IDS, Search, Statement, Target

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
    "postgresql": Statement(
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


# `find`: the conditions it can put on columns, by the name of the MessageFilter field (and parameter)
# that gives the value (of the 1,024 shapes of filter, a server sees a few).
_FIND = Search(
    "SELECT doc FROM messages",
    {
        "account": "account = :account",
        "region": "region = :region",
        "destination": "destination = :destination",
        "status": "status = :status",
        "channel": "channel = :channel",
        "api": "api = :api",
        "since": "created_at >= :since",
        "until": "created_at < :until",
    },
    ("created_at", "id"),
)


# The parts of `change_marker`, in one round trip: the newest event record and outbox row; and by the
# (status, next_attempt_at) index, the latest next_attempt_at of pending, delivered and dead rows (a claim,
# a retry, a delivery or a dead letter moves a row's next_attempt_at; a finished row keeps the time it
# was last tried).
_CHANGE_MARKER = Statement(
    "SELECT (SELECT MAX(id) FROM message_events), (SELECT MAX(id) FROM outbox), "
    "(SELECT MAX(next_attempt_at) FROM outbox WHERE status = :pending AND next_attempt_at < :parked_at), "
    "(SELECT MAX(next_attempt_at) FROM outbox WHERE status = :delivered), "
    "(SELECT MAX(next_attempt_at) FROM outbox WHERE status = :dead)"
)
_MARKER_PARAMS = {"pending": PENDING, "parked_at": PARKED_AT, "delivered": DELIVERED, "dead": DEAD}


def _per_dialect(sql: str) -> dict[str, Statement]:
    """The statement on each backend (Target.dialect), `{ids}` being the subquery of the values of the
    JSON array `:ids`: one statement for any number of messages."""
    return {
        "sqlite": Statement(sql.format(ids=SQLITE_JSON_IDS)),
        "postgresql": Statement(sql.format(ids=SERVER_JSON_IDS)),
    }


_EVENTS_OF = _per_dialect(
    "SELECT id, message_id, event_type, created_at, record FROM message_events "
    "WHERE message_id IN ({ids}) ORDER BY message_id, id"
)
_DELIVERY_COLUMNS = ", ".join(RecordDelivery.__dataclass_fields__)
_DELIVERIES_OF = _per_dialect(
    "SELECT event_id, " + _DELIVERY_COLUMNS + " FROM outbox WHERE message_id IN ({ids}) ORDER BY id"
)


def _forgetting(scope: str) -> tuple[Statement, ...]:
    """`delete`'s statements for the messages `scope` selects (a WHERE clause, or none for all): what
    belongs to them first, the messages last (its row count is the answer)."""
    ids = f"SELECT id FROM messages{scope}"
    return (
        Statement(f"DELETE FROM scheduled_transitions WHERE message_id IN ({ids})"),
        Statement(f"DELETE FROM message_events WHERE message_id IN ({ids})"),
        Statement(f"DELETE FROM spend_totals{scope}"),
        Statement(f"DELETE FROM messages{scope}"),
    )


# By whether one account's (`:account`) messages are forgotten.
_FORGET = {False: _forgetting(""), True: _forgetting(" WHERE account = :account")}


class Messages:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
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
            statement = _LOAD_MESSAGE_FOR_UPDATE if self._tx.dialect == "postgresql" else _LOAD_MESSAGE
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
        for message_id, doc in _PRELOAD[self._tx.dialect].all(self._tx, _ids(message_ids)):
            self._preloaded[str(message_id)] = str(doc)

    def add_event(
        self,
        message_id: str,
        event_type: str,
        at: float,
        record_text: str,
        *,
        deliveries: Sequence[OutboxEntry] = (),
        now: float = 0.0,
    ) -> None:
        """Store an event record of a message and its outbox rows (`deliveries`, due at `now`): one
        statement on PostgreSQL (Outbox.enqueue_with_new_event), two on SQLite."""
        event = {"message_id": message_id, "event_type": event_type, "created_at": at, "record": record_text}
        outbox = Outbox(self._tx)
        if deliveries and self._tx.libpq:
            outbox.enqueue_with_new_event(event, deliveries, now)
            return
        _INSERT_EVENT.defer(self._tx, event)
        outbox.enqueue_for_newest_event(deliveries, now)

    def find(self, where: MessageFilter, limit: int, offset: int) -> list[Message]:
        """Messages in the order they were accepted (the newest first if the filter says so)."""
        params = {name: value for name in _FIND.names() if (value := getattr(where, name)) is not None}
        paged = not where.reads_documents()
        statement = _FIND.statement(tuple(params), newest_first=where.newest_first, paged=paged)
        if paged:
            rows = statement.execute(self._tx, {**params, "limit": limit, "offset": offset})
            return [Message.from_doc(orjson.loads(doc)) for (doc,) in rows]
        # A search of the documents: read them in order, keep the page of those that match.
        rows = statement.execute(self._tx, params)
        try:
            found = (Message.from_doc(orjson.loads(doc)) for (doc,) in rows)
            return matching_page(found, where.admits, limit, offset)
        finally:
            # SQLite reads as the rows are taken: stop where the page ended. (On PostgreSQL the rows
            # came whole, on the transaction's one cursor, which stays open.)
            if self._tx.dialect == "sqlite":
                rows.close()

    def change_marker(self) -> tuple[Any, ...]:
        """A value that differs whenever a message was sent, got an event record (every status
        change writes one), or a delivery of its records was tried or finished; removals are the
        caller's (changes_api.py reads the pruning and forgetting totals). Every part is one index
        lookup, so reading it costs the same on a store of millions of rows (it is read after every
        commit while someone watches: a count over the messages and the pending outbox rows had cost
        tens of milliseconds on a large store, on the event loop)."""
        row = _CHANGE_MARKER.one(self._tx, _MARKER_PARAMS)
        assert row is not None  # maxima answer one row (NULL over no rows)
        return tuple(row)

    def events_of(self, message_ids: Sequence[str]) -> dict[str, list[StoredEvent]]:
        found: dict[str, list[StoredEvent]] = {message_id: [] for message_id in message_ids}
        if not message_ids:
            return found
        rows = _EVENTS_OF[self._tx.dialect].execute(self._tx, _ids(message_ids))
        for event_id, message_id, event_type, created_at, record in rows:
            found[message_id].append(
                StoredEvent(event_id, message_id, event_type, created_at, orjson.loads(record))
            )
        return found

    def deliveries_of(self, message_ids: Sequence[str]) -> dict[int, list[RecordDelivery]]:
        """The outbox rows of these messages' records, by event id."""
        found: dict[int, list[RecordDelivery]] = {}
        if not message_ids:
            return found
        rows = _DELIVERIES_OF[self._tx.dialect].execute(self._tx, _ids(message_ids))
        for event_id, *values in rows:
            found.setdefault(int(event_id), []).append(RecordDelivery(*values))
        return found

    def delete(self, account: str | None = None) -> int:
        """Forget messages (all, or one account's) with their records (their EventBridge events are made
        from them), pending transitions and spend.

        Outbox rows stay: records already handed to delivery are still delivered.
        """
        params = {} if account is None else {"account": account}
        *related, removed = _FORGET[account is not None]
        for statement in related:
            statement.execute(self._tx, params)
        return removed.rowcount(self._tx, params)


def _ids(message_ids: Sequence[str]) -> dict[str, str]:
    """The parameter of a statement given message ids as one JSON array (`_per_dialect`, `_PRELOAD`)."""
    return {"ids": orjson.dumps(list(message_ids)).decode()}
