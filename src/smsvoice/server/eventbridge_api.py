"""`GET /_smsvoice/eventbridge`: every EventBridge event smsvoice made, published or not.

Query parameters narrow the list: `account`, `region`, `subject` (a message id, a registration id),
`detail_type`; `limit` (default 1000) pages it and `after` continues from the previous page's
`next_after` (an opaque string; null on the last page). Each event shows the envelope EventBridge delivers and, when `--eventbridge on`
published it, its delivery (`status` PENDING, DELIVERED or DEAD, `attempts`, `last_error`);
`published` is false when publishing was off.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.messaging.eventbridge import BusEvent, Cursor, list_events, switch
from smsvoice.server.problems import problem
from smsvoice.store import Transaction

DEFAULT_LIMIT: Final = 1000
MAX_LIMIT: Final = 10_000

_problem = partial(problem, 400)


def eventbridge_routes() -> list[Route]:
    return [Route("/eventbridge", eventbridge_events, methods=["GET"])]


def _whole(raw: str | None, name: str, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > high:
        raise ValueError(f"{name} must be a whole number from 0 to {high}")
    return int(raw)


async def eventbridge_events(request: Request) -> JSONResponse:
    query = request.query_params
    try:
        limit = max(1, _whole(query.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT))
        after = Cursor.parse(query["after"]) if query.get("after") else Cursor()
    except ValueError as error:
        return _problem(str(error))

    def read(tx: Transaction) -> tuple[list[BusEvent], Cursor | None]:
        return list_events(
            tx,
            account=query.get("account") or None,
            region=query.get("region") or None,
            subject=query.get("subject") or None,
            detail_type=query.get("detail_type") or None,
            after=after,
            limit=limit,
        )

    found, following = await request.app.state.store.run(read)
    return JSONResponse(
        {
            "publishing": switch.publishing,
            "events": [_view(event) for event in found],
            "next_after": None if following is None else str(following),
        }
    )


def _view(event: BusEvent) -> dict[str, Any]:
    return {
        "id": event.key,
        "subject": event.subject,
        "created_at": event.created_at,
        "event": event.envelope,
        "published": event.delivery is not None,
        "delivery": None
        if event.delivery is None
        else {
            "status": event.delivery.status,
            "attempts": event.delivery.attempts,
            "last_error": event.delivery.last_error,
        },
    }
