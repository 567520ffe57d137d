"""EventBridge events: those stored (not a message's: registration status changes), each with the outbox
row that publishes it if publishing is on; and the event records a message's events are made from
(messaging/eventbridge.py derives those, so they are written once, as records)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, select

from smsvoice.store.schema import eventbridge_events, message_events, messages, outbox
from smsvoice.store.sql import Statement, Target

_INSERT = Statement(
    "INSERT INTO eventbridge_events (account, region, subject, detail_type, created_at, envelope, "
    "outbox_id) VALUES (:account, :region, :subject, :detail_type, :created_at, :envelope, :outbox_id)",
    libpq=True,
)


@dataclass(frozen=True, slots=True)
class EventFilter:
    account: str | None = None
    region: str | None = None
    subject: str | None = None
    detail_type: str | None = None
    after: int = 0  # id to continue after
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class BusDelivery:
    """How the outbox row publishing an event to the bus is doing."""

    status: str  # PENDING, DELIVERED or DEAD
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class StoredBusEvent:
    id: int
    account: str
    region: str
    subject: str
    detail_type: str
    created_at: float
    envelope: dict[str, Any]
    delivery: BusDelivery | None  # None when it was not published


@dataclass(frozen=True, slots=True)
class RecordEvent:
    """A message's event record, with what its EventBridge event needs and the event's publication."""

    id: int
    message_id: str
    account: str
    region: str
    channel: str
    created_at: float
    record: dict[str, Any]
    delivery: BusDelivery | None  # None when it was not published


class EventBridgeEvents:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def add(
        self,
        *,
        account: str,
        region: str,
        subject: str,
        detail_type: str,
        created_at: float,
        envelope_text: str,
        outbox_id: int | None,
    ) -> None:
        _INSERT.execute(
            self._tx,
            {
                "account": account,
                "region": region,
                "subject": subject,
                "detail_type": detail_type,
                "created_at": created_at,
                "envelope": envelope_text,
                "outbox_id": outbox_id,
            },
        )

    def stored(self, where: EventFilter) -> list[StoredBusEvent]:
        """Events in the order they were made, with their delivery."""
        table = eventbridge_events
        query = (
            select(
                table.c.id,
                table.c.account,
                table.c.region,
                table.c.subject,
                table.c.detail_type,
                table.c.created_at,
                table.c.envelope,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.last_error,
            )
            .select_from(table.outerjoin(outbox, outbox.c.id == table.c.outbox_id))
            .where(table.c.id > where.after)
            .order_by(table.c.id)
            .limit(where.limit)
        )
        for column, value in (
            (table.c.account, where.account),
            (table.c.region, where.region),
            (table.c.subject, where.subject),
            (table.c.detail_type, where.detail_type),
        ):
            if value is not None:
                query = query.where(column == value)
        return [
            StoredBusEvent(
                row.id,
                row.account,
                row.region,
                row.subject,
                row.detail_type,
                row.created_at,
                orjson.loads(row.envelope),
                _delivery(row),
            )
            for row in self._connection.execute(query)
        ]

    def message_records(
        self,
        *,
        account: str | None,
        region: str | None,
        message_id: str | None,
        channels: list[str],
        after: int,
        limit: int,
        bus_kind: str,
        api: str = "v2",
    ) -> list[RecordEvent]:
        """Event records of `api` messages on `channels` after record id `after`, in id order, each with
        the outbox row of destination kind `bus_kind` that publishes its event (if any)."""
        query = (
            select(
                message_events.c.id,
                message_events.c.message_id,
                messages.c.account,
                messages.c.region,
                messages.c.channel,
                message_events.c.created_at,
                message_events.c.record,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.last_error,
            )
            .select_from(
                message_events.join(messages, messages.c.id == message_events.c.message_id).outerjoin(
                    outbox,
                    and_(
                        outbox.c.message_id == message_events.c.message_id,
                        outbox.c.event_id == message_events.c.id,
                        outbox.c.destination_kind == bus_kind,
                    ),
                )
            )
            .where(message_events.c.id > after, messages.c.api == api, messages.c.channel.in_(channels))
            .order_by(message_events.c.id)
            .limit(limit)
        )
        for column, value in (
            (messages.c.account, account),
            (messages.c.region, region),
            (message_events.c.message_id, message_id),
        ):
            if value is not None:
                query = query.where(column == value)
        return [
            RecordEvent(
                row.id,
                row.message_id,
                row.account,
                row.region,
                row.channel,
                row.created_at,
                orjson.loads(row.record),
                _delivery(row),
            )
            for row in self._connection.execute(query)
        ]


def _delivery(row: Any) -> BusDelivery | None:
    """The outbox columns of a row joined to its (outer-joined) outbox row."""
    return None if row.status is None else BusDelivery(row.status, int(row.attempts or 0), row.last_error)
