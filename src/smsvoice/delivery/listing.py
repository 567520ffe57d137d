"""Reading the outbox for people: where each event record went and how its delivery is going."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from smsvoice.store.outbox import PENDING
from smsvoice.store.schema import outbox

STATUSES = ("PENDING", "DELIVERED", "DEAD")


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    account: str | None = None
    region: str | None = None
    status: str | None = None
    message_id: str | None = None
    after: int = 0  # outbox id to continue after (the previous page's `next_after`)
    limit: int | None = None


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "account": row.account,
        "region": row.region,
        "message_id": row.message_id,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "destination": {
            "configuration_set": row.configuration_set,
            "name": row.destination_name,
            "kind": row.destination_kind,
            "arn": row.target_arn,
            "iam_role_arn": row.iam_role_arn,
        },
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        # Only a PENDING row has a next attempt; DELIVERED and DEAD rows are done.
        "next_attempt_at": row.next_attempt_at if row.status == PENDING else None,
        "claimed_by": row.claimed_by,
        "claimed_until": row.claimed_until,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
    }


def list_deliveries(connection: Connection, where: DeliveryFilter) -> tuple[list[dict[str, Any]], int | None]:
    """Rows in outbox order, and the id to continue after when `limit` cut the list short."""
    query = select(outbox).where(outbox.c.id > where.after).order_by(outbox.c.id)
    if where.account:
        query = query.where(outbox.c.account == where.account)
    if where.region:
        query = query.where(outbox.c.region == where.region)
    if where.status:
        query = query.where(outbox.c.status == where.status)
    if where.message_id:
        query = query.where(outbox.c.message_id == where.message_id)
    if where.limit is not None:
        query = query.limit(where.limit + 1)
    rows = [_view(row) for row in connection.execute(query)]
    if where.limit is not None and len(rows) > where.limit:
        rows = rows[: where.limit]
        return rows, int(rows[-1]["id"])
    return rows, None
