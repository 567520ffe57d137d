"""Two-way SMS in the inspection API: a handset's message in, and conversations out.

`POST /_smsvoice/inbound` takes AWS's own field names, `{"originationNumber": "<the handset>",
"destinationNumber": "<your number>", "messageBody": "..."}` (and optional `account` and `region`
when the number exists in several), and answers `{"inboundMessageId", "messageKeyword", "action",
...}` (smsvoice/inbound.py says what happens to it). `GET /_smsvoice/conversations?number=&handset=`
lists both directions between one of your numbers and a handset, in order; without either, it lists
the conversations (one per pair of numbers and account, the latest first, from the latest
MAX_CONVERSATION messages each way).
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smsvoice.inbound import InboundError, receive
from smsvoice.server.messages_api import render_inbound, render_outbound
from smsvoice.server.problems import problem
from smsvoice.store import Transaction
from smsvoice.store.inbound import InboundMessage
from smsvoice.store.messages import MessageFilter

MAX_CONVERSATION = 10_000


def inbound_routes() -> list[Route]:
    return [
        Route("/inbound", inbound, methods=["POST"]),
        Route("/conversations", conversation, methods=["GET"]),
    ]


async def inbound(request: Request) -> Response:
    state = request.app.state
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return problem(
            400,
            'the body must be JSON such as {"originationNumber": ..., "destinationNumber": ..., "messageBody": ...}',
        )
    if not isinstance(body, dict):
        return problem(400, "the body must be a JSON object")
    account, region = body.get("account"), body.get("region")
    if (account is not None and not isinstance(account, str)) or (
        region is not None and not isinstance(region, str)
    ):
        return problem(400, "account and region must be strings")

    def take(tx: Transaction) -> InboundMessage:
        return receive(
            tx,
            state.clock,
            state.settings,
            origination=body.get("originationNumber"),
            destination=body.get("destinationNumber"),
            body=body.get("messageBody"),
            account=account,
            region=region,
        )

    try:
        message = await state.store.run(take)
    except InboundError as refused:
        return problem(400, str(refused))
    if message.published_to is not None and state.delivery is not None:
        state.delivery.wake()
    return JSONResponse(
        {
            "inboundMessageId": message.inbound_message_id,
            "messageKeyword": message.keyword,
            "action": message.action,
            "account": message.account,
            "region": message.region,
            "responseMessageId": message.response_message_id,
            "publishedTo": message.published_to,
            "previousPublishedMessageId": message.previous_published_message_id,
        }
    )


async def conversation(request: Request) -> Response:
    number = request.query_params.get("number")
    handset = request.query_params.get("handset")
    account = request.query_params.get("account") or None
    if not number and not handset:
        threads = await request.app.state.store.run(lambda tx: list_threads(tx, account))
        return Response(orjson.dumps({"conversations": threads}), media_type="application/json")
    if not number or not handset:
        return problem(400, "give both number (your phone number) and handset, in E.164 format")
    clock = request.app.state.clock

    def read(tx: Transaction) -> list[dict[str, Any]]:
        sent = [
            message
            for message in tx.messages.find(
                MessageFilter(account=account, destination=handset), MAX_CONVERSATION, 0
            )
            if message.origination == number
        ]
        received = tx.inbound.find(account=account, number=number, handset=handset, limit=MAX_CONVERSATION)
        shown = render_outbound(tx, sent, clock.now())
        items = [(message.requested_at, view) for message, view in zip(sent, shown, strict=True)]
        items += [(message.received_at, render_inbound(message)) for message in received]
        items.sort(key=lambda item: item[0])
        return [shown for _, shown in items]

    return Response(
        orjson.dumps(
            {"number": number, "handset": handset, "messages": await request.app.state.store.run(read)}
        ),
        media_type="application/json",
    )


def list_threads(tx: Transaction, account: str | None) -> list[dict[str, Any]]:
    """One entry per (account, region, your number or sender, handset), the latest first."""
    threads: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def note(key: tuple[str, str, str, str], at: float, direction: str, body: str | None) -> None:
        thread = threads.setdefault(
            key,
            {"account": key[0], "region": key[1], "number": key[2], "handset": key[3], "count": 0},
        )
        thread["count"] += 1
        if at >= thread.get("last_at", float("-inf")):
            thread.update(last_at=at, last_direction=direction, last_body=body)

    latest = MessageFilter(account=account, newest_first=True)
    for sent in tx.messages.find(latest, MAX_CONVERSATION, 0):
        if sent.origination:
            key = (sent.account, sent.region, sent.origination, sent.destination)
            note(key, sent.requested_at, "outbound", sent.body)
    for received in tx.inbound.find(account=account, limit=MAX_CONVERSATION, newest_first=True):
        key = (received.account, received.region, received.number, received.handset)
        note(key, received.received_at, "inbound", received.body)
    return sorted(threads.values(), key=lambda thread: thread["last_at"], reverse=True)
