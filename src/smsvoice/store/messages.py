"""Sent messages, their event records, the simulator's pending transitions and month-to-date spend.

Every function runs in the caller's transaction. The send path touches each table by key only
(no scans), so its cost does not grow with the number of messages stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, select

from smsvoice.messaging.message import Message
from smsvoice.store.schema import message_events, message_spend, messages, outbox, scheduled_transitions
from smsvoice.store.sql import Statement

# The send path's statements run on the DB-API cursor (store/sql.py): building SQLAlchemy statements
# costs several times more than SQLite takes to run them, and a send runs a handful.
_INSERT_MESSAGE = Statement(
    "INSERT INTO messages (id, account, region, api, channel, destination, status, created_at, updated_at, doc) "
    "VALUES (:id, :account, :region, :api, :channel, :destination, :status, :created_at, :updated_at, :doc)"
)
_UPDATE_MESSAGE = Statement(
    "UPDATE messages SET status = :status, updated_at = :updated_at, doc = :doc WHERE id = :message_id"
)
_LOAD_MESSAGE = Statement("SELECT doc FROM messages WHERE id = :message_id")
# PostgreSQL: lock the row, so the scheduler and a manual advance never move the same message at once
# (SQLite's single writer already serializes them).
_LOAD_MESSAGE_FOR_UPDATE = Statement("SELECT doc FROM messages WHERE id = :message_id FOR UPDATE")
_INSERT_EVENT = Statement(
    "INSERT INTO message_events (message_id, event_type, created_at, record) "
    "VALUES (:message_id, :event_type, :created_at, :record) RETURNING id"
)
_SCHEDULE = Statement(
    "INSERT INTO scheduled_transitions (message_id, due_at) VALUES (:message_id, :due_at) "
    "ON CONFLICT (message_id) DO UPDATE SET due_at = :due_at"
)
_UNSCHEDULE = Statement("DELETE FROM scheduled_transitions WHERE message_id = :message_id")
_SPEND_KEY = "account = :account AND region = :region AND channel = :channel AND month = :month"
_MONTH_SPEND = Statement(f"SELECT total FROM message_spend WHERE {_SPEND_KEY}")
_ADD_SPEND = Statement(
    "INSERT INTO message_spend (account, region, channel, month, total) "
    "VALUES (:account, :region, :channel, :month, :total) "
    "ON CONFLICT (account, region, channel, month) DO UPDATE SET total = message_spend.total + :total"
)


def insert_message(connection: Connection, message: Message) -> None:
    _INSERT_MESSAGE.execute(
        connection,
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


def update_message(connection: Connection, message: Message) -> None:
    _UPDATE_MESSAGE.execute(
        connection,
        {
            "message_id": message.message_id,
            "status": message.status,
            "updated_at": message.updated_at,
            "doc": orjson.dumps(message).decode(),
        },
    )


def load_message(connection: Connection, message_id: str) -> Message | None:
    statement = _LOAD_MESSAGE_FOR_UPDATE if connection.dialect.name == "postgresql" else _LOAD_MESSAGE
    row = statement.one(connection, {"message_id": message_id})
    if row is None:
        return None
    return Message.from_doc(orjson.loads(row[0]))


def insert_event(
    connection: Connection, message_id: str, event_type: str, at: float, record_text: str
) -> int:
    row = _INSERT_EVENT.one(
        connection,
        {"message_id": message_id, "event_type": event_type, "created_at": at, "record": record_text},
    )
    assert row is not None
    return int(row[0])


# --- the simulator's pending transitions -------------------------------------------------------------


def schedule(connection: Connection, message_id: str, due_at: float) -> None:
    _SCHEDULE.execute(connection, {"message_id": message_id, "due_at": due_at})


def unschedule(connection: Connection, message_id: str) -> None:
    _UNSCHEDULE.execute(connection, {"message_id": message_id})


def due_message_ids(connection: Connection, now: float, limit: int) -> list[str]:
    rows = connection.execute(
        select(scheduled_transitions.c.message_id)
        .where(scheduled_transitions.c.due_at <= now)
        .order_by(scheduled_transitions.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: concurrent rounds take different messages
    )
    return [str(row[0]) for row in rows]


def next_due_at(connection: Connection) -> float | None:
    value = connection.execute(select(func.min(scheduled_transitions.c.due_at))).scalar_one_or_none()
    return None if value is None else float(value)


def pending_count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(scheduled_transitions)).scalar_one())


# --- month-to-date spend -----------------------------------------------------------------------------


def month_spend(connection: Connection, account: str, region: str, channel: str, month: str) -> float:
    row = _MONTH_SPEND.one(
        connection, {"account": account, "region": region, "channel": channel, "month": month}
    )
    return 0.0 if row is None else float(row[0])


def add_spend(
    connection: Connection, account: str, region: str, channel: str, month: str, amount: float
) -> None:
    if amount <= 0:
        return
    _ADD_SPEND.execute(
        connection,
        {"account": account, "region": region, "channel": channel, "month": month, "total": amount},
    )


# --- reading and clearing (the inspection API) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageFilter:
    account: str | None = None
    region: str | None = None
    destination: str | None = None
    status: str | None = None
    channel: str | None = None
    api: str | None = None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    message_id: str
    event_type: str
    created_at: float
    record: dict[str, Any]


def find_messages(connection: Connection, where: MessageFilter, limit: int, offset: int) -> list[Message]:
    """Messages in the order they were accepted."""
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
    query = query.order_by(messages.c.created_at, messages.c.id).limit(limit).offset(offset)
    return [Message.from_doc(orjson.loads(doc)) for (doc,) in connection.execute(query)]


def events_of(connection: Connection, message_ids: Sequence[str]) -> dict[str, list[StoredEvent]]:
    found: dict[str, list[StoredEvent]] = {message_id: [] for message_id in message_ids}
    for chunk in _chunks(message_ids):
        rows = connection.execute(
            select(message_events)
            .where(message_events.c.message_id.in_(chunk))
            .order_by(message_events.c.message_id, message_events.c.id)
        )
        for row in rows:
            found[row.message_id].append(
                StoredEvent(row.id, row.message_id, row.event_type, row.created_at, orjson.loads(row.record))
            )
    return found


def deliveries_of(connection: Connection, message_ids: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
    """The outbox rows of these messages' records, by event id: where each record goes and how it went."""
    found: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(message_ids):
        rows = connection.execute(
            select(
                outbox.c.id,
                outbox.c.event_id,
                outbox.c.configuration_set,
                outbox.c.destination_name,
                outbox.c.destination_kind,
                outbox.c.target_arn,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.last_error,
                outbox.c.delivered_at,
            )
            .where(outbox.c.message_id.in_(chunk))
            .order_by(outbox.c.id)
        )
        for row in rows:
            found.setdefault(int(row.event_id), []).append(
                {
                    "id": row.id,
                    "configuration_set": row.configuration_set,
                    "destination_name": row.destination_name,
                    "destination_kind": row.destination_kind,
                    "target_arn": row.target_arn,
                    "status": row.status,
                    "attempts": row.attempts,
                    "last_error": row.last_error,
                    "delivered_at": row.delivered_at,
                }
            )
    return found


def delete_messages(connection: Connection, account: str | None = None) -> int:
    """Forget messages (all, or one account's) with their records, pending transitions and spend.

    Outbox rows stay: records already handed to delivery are still delivered.
    """
    ids = select(messages.c.id)
    if account is not None:
        ids = ids.where(messages.c.account == account)
    connection.execute(delete(scheduled_transitions).where(scheduled_transitions.c.message_id.in_(ids)))
    connection.execute(delete(message_events).where(message_events.c.message_id.in_(ids)))
    spend = delete(message_spend)
    if account is not None:
        spend = spend.where(message_spend.c.account == account)
    connection.execute(spend)
    removed = delete(messages)
    if account is not None:
        removed = removed.where(messages.c.account == account)
    return int(connection.execute(removed).rowcount)


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
