"""Sent messages: one row per accepted message, its document holding what the inspection API shows."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, insert, select

from smsvoice.store.schema import messages


def add_message(
    connection: Connection,
    *,
    message_id: str,
    account: str,
    region: str,
    api: str,
    channel: str,
    destination: str,
    status: str,
    created_at: float,
    doc: dict[str, Any],
) -> None:
    connection.execute(
        insert(messages).values(
            id=message_id,
            account=account,
            region=region,
            api=api,
            channel=channel,
            destination=destination,
            status=status,
            created_at=created_at,
            updated_at=created_at,
            doc=orjson.dumps(doc).decode(),
        )
    )


def get_message(connection: Connection, message_id: str) -> dict[str, Any] | None:
    row = connection.execute(select(messages.c.doc).where(messages.c.id == message_id)).scalar_one_or_none()
    if row is None:
        return None
    value = orjson.loads(row)
    assert isinstance(value, dict)
    return value
