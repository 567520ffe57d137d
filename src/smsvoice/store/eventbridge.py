"""EventBridge events smsvoice made, each with the outbox row that publishes it (if publishing is on)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from smsvoice.store.schema import eventbridge_events, outbox
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
class StoredBusEvent:
    id: int
    account: str
    region: str
    subject: str
    detail_type: str
    created_at: float
    envelope: dict[str, Any]
    delivery_status: str | None  # the outbox row's status; None when it was not published
    attempts: int
    last_error: str | None


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

    def list(self, where: EventFilter) -> list[StoredBusEvent]:
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
                row.status,
                int(row.attempts or 0),
                row.last_error,
            )
            for row in self._connection.execute(query)
        ]
