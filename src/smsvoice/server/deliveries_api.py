"""`GET /_smsvoice/deliveries`: one entry per (event record, event destination) of the outbox.

Query parameters narrow the list: `account`, `region`, `status` (PENDING, DELIVERED, DEAD),
`message_id`; `limit` pages it, and `after` continues from the previous page's `next_after`.
Without any, everything is listed. `paused_destinations` lists the destinations the delivery circuit
breaker has paused (delivery/breaker.py), on every node, and why. The health route reports the
delivery workers' state.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.delivery.worker import pause_view
from smsvoice.server.problems import problem
from smsvoice.store import Transaction
from smsvoice.store.outbox import PARKED_AT, PENDING, STATUSES, DeliveryFilter, OutboxRow
from smsvoice.store.pauses import Pause

MAX_LIMIT = 10_000


def delivery_routes() -> list[Route]:
    return [Route("/deliveries", deliveries, methods=["GET"])]


# Every refusal of this route is a bad query.
_problem = partial(problem, 400)


def _whole(raw: str | None, name: str, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


async def deliveries(request: Request) -> JSONResponse:
    query = request.query_params
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        return _problem(f"status must be one of {', '.join(STATUSES)}")
    try:
        limit = _whole(query.get("limit"), "limit", 1, MAX_LIMIT)
        after = _whole(query.get("after"), "after", 0, 2**62) or 0
    except ValueError as error:
        return _problem(str(error))
    where = DeliveryFilter(
        account=query.get("account") or None,
        region=query.get("region") or None,
        status=status,
        message_id=query.get("message_id") or None,
        after=after,
        limit=limit,
    )

    def read(tx: Transaction) -> tuple[list[OutboxRow], int | None, list[Pause]]:
        rows, next_after = tx.outbox.list(where)
        return rows, next_after, tx.pauses.all()

    rows, next_after, pauses = await request.app.state.store.run(read)
    now = request.app.state.clock.now()
    return JSONResponse(
        {
            "deliveries": [_view(row) for row in rows],
            "next_after": next_after,
            "paused_destinations": [pause_view(pause, now) for pause in pauses],
        }
    )


def _view(row: OutboxRow) -> dict[str, Any]:
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
        # Only a PENDING row has a next attempt; DELIVERED and DEAD rows are done, and a parked row
        # waits for its paused destination.
        "next_attempt_at": row.next_attempt_at
        if row.status == PENDING and row.next_attempt_at < PARKED_AT
        else None,
        "parked": row.status == PENDING and row.next_attempt_at >= PARKED_AT,
        "claimed_by": row.claimed_by,
        "claimed_until": row.claimed_until,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
    }


def delivery_health(state: State) -> tuple[dict[str, Any], bool]:
    """The workers' state for /_smsvoice/health, and whether that is healthy. With `--delivery off`
    this process runs no workers (a separate `smsvoice worker` does) and that is healthy too."""
    worker = getattr(state, "delivery", None)
    if worker is None:
        return {"running": False, "mode": "off"}, True
    status: dict[str, Any] = worker.status()
    return {**status, "mode": "in-process"}, bool(status["running"])
