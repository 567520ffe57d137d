"""The inspection API for sent messages and the carrier simulator (ours, not AWS's; JSON in and out).

    GET    /_smsvoice/messages                 ?account=&region=&destination=&status=&channel=&api=&limit=&offset=
                                               &number=&configuration_set=&q=&since=&until=&order=newest
                                               &direction=outbound|inbound|all
                                               &wait_seconds=N  (long-poll: answers once one matches)
    DELETE /_smsvoice/messages                 ?account=  (all messages when no account)
    GET    /_smsvoice/messages/{id}
    POST   /_smsvoice/messages/{id}/advance    {"status": "TEXT_DELIVERED"} | {"to_end": true} | {}
    GET    /_smsvoice/simulator/rules
    PUT    /_smsvoice/simulator/rules          ?account=  {"rules": [...]}: replace (one account's) rules
    POST   /_smsvoice/simulator/rules          a rule, or {"rules": [...]}: add
    DELETE /_smsvoice/simulator/rules          ?account=&id=  (all rules when neither)
    GET    /_smsvoice/simulator/clock
    POST   /_smsvoice/simulator/clock          {"advance_seconds": 3600}: move time on, apply what falls due

Each message shows what was sent, what the network knows, its status and its event records in order,
with the outbox rows (destination and delivery status) of each record. Errors are `{"error": "..."}`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smsvoice.domain.encoding import split_parts
from smsvoice.domain.message import Message
from smsvoice.messaging.rulebook import rules_in_force, save_rules
from smsvoice.messaging.rules import Rule, RuleError, RuleSet, parse_rule, parse_rules
from smsvoice.messaging.simulator import Simulator
from smsvoice.messaging.transitions import AdvanceError, AdvanceProblem, advance_manually
from smsvoice.retention import retention_state
from smsvoice.server.changes_api import change_watcher
from smsvoice.server.problems import problem as _error
from smsvoice.store import Transaction
from smsvoice.store.inbound import InboundMessage
from smsvoice.store.messages import MessageFilter, RecordDelivery, StoredEvent

DEFAULT_LIMIT: Final = 1_000
MAX_LIMIT: Final = 10_000
MAX_BOTH_WAYS: Final = 2 * MAX_LIMIT  # direction=all merges two lists of offset + limit each
MAX_WAIT_SECONDS: Final = 60.0  # a long-poll's longest wait (`wait_seconds`)
_PREFIXES: Final = ("TEXT_", "MEDIA_", "VOICE_")


def message_routes() -> list[Route]:
    return [
        Route("/messages", list_or_clear_messages, methods=["GET", "DELETE"]),
        Route("/messages/{message_id}", get_message, methods=["GET"]),
        Route("/messages/{message_id}/advance", advance_message, methods=["POST"]),
        Route("/simulator/rules", simulator_rules, methods=["GET", "PUT", "POST", "DELETE"]),
        Route("/simulator/clock", simulator_clock, methods=["GET", "POST"]),
    ]


class _Problem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(value: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status, media_type="application/json")


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _Problem(400, "the body must be JSON") from None


def _simulator(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.simulator
    return simulator


def _int_param(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise _Problem(400, f"{name} must be a non-negative integer")
    return min(int(raw), maximum)


def _filter(request: Request) -> MessageFilter:
    query = request.query_params
    status = query.get("status") or None
    channel = (query.get("channel") or "").upper() or None
    if status is not None:
        status = status.upper()
        for prefix in _PREFIXES:
            if status.startswith(prefix) and len(status) > len(prefix):
                channel, status = prefix[:-1], status[len(prefix) :]
                break
    order = query.get("order") or "oldest"
    if order not in ("oldest", "newest"):
        raise _Problem(400, "order must be oldest or newest")
    return MessageFilter(
        account=query.get("account") or None,
        region=query.get("region") or None,
        destination=_number_param(request, "destination"),
        status=status,
        channel=channel,
        api=query.get("api") or None,
        since=_time_param(request, "since"),
        until=_time_param(request, "until"),
        number=_number_param(request, "number"),
        configuration_set=query.get("configuration_set") or None,
        text=query.get("q") or None,
        newest_first=order == "newest",
    )


def _number_param(request: Request, name: str) -> str | None:
    """A phone number given with or without its '+' (a '+' in a URL query often arrives as a space)."""
    value = (request.query_params.get(name) or "").strip()
    if not value:
        return None
    return value if value.startswith("+") else f"+{value}"


def _time_param(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise _Problem(400, f"{name} must be a time in seconds since the epoch") from None


def render(
    message: Message,
    events: list[StoredEvent],
    deliveries: dict[int, list[RecordDelivery]],
    now: float,
) -> dict[str, Any]:
    machine = message.machine
    return {
        "direction": "outbound",
        "message_id": message.message_id,
        "account": message.account,
        "region": message.region,
        "api": message.api,
        "operation": message.operation,
        "channel": message.channel,
        "status": message.status,
        "event_type": events[-1].event_type if events else None,
        "is_final": message.is_final,
        "destination": message.destination,
        "origination": message.origination,
        "origination_identity": message.origination_identity,
        "configuration_set": message.configuration_set,
        "message_type": message.message_type,
        "body": message.body,
        "encoding": message.encoding,
        "parts": message.parts,
        # The body's text as the parts divide it (text messages; the web inbox shows the splits).
        "part_texts": split_parts(message.body) if message.channel == "TEXT" and message.body else None,
        "price": {
            "message_price": message.price.message_price,
            "carrier_fee": message.price.carrier_fee,
            "total": message.price.total,
            "currency": "USD",
        },
        "iso_country_code": message.iso_country_code,
        "is_international_send": message.is_international_send,
        "mcc": message.mcc,
        "mnc": message.mnc,
        "carrier_name": message.carrier_name,
        "context": message.context,
        "time_to_live": message.time_to_live,
        "protect_configuration_id": message.protect_configuration_id,
        "feedback": {
            "enabled": message.feedback_enabled,
            "status": message.feedback_state(now),
            "updated_at": message.feedback_updated_at,
        },
        "details": message.details,
        "requested_at": message.requested_at,
        "updated_at": message.updated_at,
        "simulation": {
            "rule": message.plan.rule,
            "outcome": message.plan.outcome,
            "manual": message.plan.manual,
            "pending": [
                {"status": step.status, "event_type": machine.event_type(step.status), "due_at": step.due_at}
                for step in message.plan.steps
            ],
        },
        "events": [
            {
                "id": event.id,
                "event_type": event.event_type,
                "created_at": event.created_at,
                "record": event.record,
                "deliveries": [_delivery(item) for item in deliveries.get(event.id, [])],
            }
            for event in events
        ],
    }


def _delivery(item: RecordDelivery) -> dict[str, Any]:
    return {
        "id": item.id,
        "configuration_set": item.configuration_set,
        "destination_name": item.destination_name,
        "destination_kind": item.destination_kind,
        "target_arn": item.target_arn,
        "status": item.status,
        "attempts": item.attempts,
        "last_error": item.last_error,
        "delivered_at": item.delivered_at,
    }


def render_inbound(message: InboundMessage) -> dict[str, Any]:
    return {
        "direction": "inbound",
        "message_id": message.inbound_message_id,
        "account": message.account,
        "region": message.region,
        "origination": message.handset,
        "destination": message.number,
        "body": message.body,
        "keyword": message.keyword,
        "action": message.action,
        "received_at": message.received_at,
        "response_message_id": message.response_message_id,
        "published_to": message.published_to,
        "previous_published_message_id": message.previous_published_message_id,
    }


def render_outbound(tx: Transaction, found: list[Message], now: float) -> list[dict[str, Any]]:
    """Messages as the inspection API shows them, with their records and where each went."""
    ids = [message.message_id for message in found]
    events = tx.messages.events_of(ids)
    deliveries = tx.messages.deliveries_of(ids)
    return [render(message, events[message.message_id], deliveries, now) for message in found]


async def list_or_clear_messages(request: Request) -> Response:
    store = request.app.state.store
    clock = request.app.state.clock
    try:
        if request.method == "DELETE":
            account = request.query_params.get("account") or None

            def clear(tx: Transaction) -> int:
                return tx.messages.delete(account)

            return _json({"deleted": await store.run(clear)})
        direction = request.query_params.get("direction") or "outbound"
        if direction not in ("outbound", "inbound", "all"):
            raise _Problem(400, "direction must be outbound, inbound or all")
        where = _filter(request)
        limit = _int_param(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        offset = _int_param(request, "offset", 0, 2**31)
        if direction == "all" and offset + limit > MAX_BOTH_WAYS:
            raise _Problem(400, f"with direction=all, offset + limit must be at most {MAX_BOTH_WAYS}")
        wait_seconds = _wait_param(request)
    except _Problem as problem:
        return _error(problem.status, str(problem))

    def received(tx: Transaction, count: int, skip: int) -> list[dict[str, Any]]:
        found = tx.inbound.find(
            account=where.account,
            region=where.region,
            number=where.destination,  # for what handsets sent, `destination` is one of your numbers
            limit=count,
            offset=skip,
            newest_first=where.newest_first,
            either_number=where.number,
            since=where.since,
            until=where.until,
            text=where.text,
        )
        return [render_inbound(message) for message in found]

    def sent(tx: Transaction, count: int, skip: int) -> list[dict[str, Any]]:
        return render_outbound(tx, tx.messages.find(where, count, skip), clock.now())

    def messages(tx: Transaction) -> list[dict[str, Any]]:
        if direction == "inbound":
            return received(tx, limit, offset)
        if direction == "outbound":
            return sent(tx, limit, offset)
        # Both ways in one order: the first offset + limit of each, merged by time. What only a sent
        # message has (a status, a channel, a configuration set, an API) leaves the received out.
        window = offset + limit
        both = sent(tx, window, 0)
        if not (where.status or where.channel or where.configuration_set or where.api):
            both += received(tx, window, 0)
        both.sort(key=_when, reverse=where.newest_first)
        return both[offset:window]

    def read(tx: Transaction) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return messages(tx), retention_state(tx)

    if wait_seconds > 0:
        shown, pruned = await _long_poll(request, read, wait_seconds)
    else:
        shown, pruned = await store.run(read)
    # Retention may have pruned the oldest messages (docs/operations.md): say so beside the list.
    retention = {**request.app.state.pruner.policy.as_json(), "pruned": pruned}
    return _json({"messages": shown, "retention": retention})


def _wait_param(request: Request) -> float:
    raw = request.query_params.get("wait_seconds")
    if raw is None or raw == "":
        return 0.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_WAIT_SECONDS:  # also refuses nan
        raise _Problem(400, f"wait_seconds must be a number of seconds from 0 to {MAX_WAIT_SECONDS:g}")
    return seconds


Listing = tuple[list[dict[str, Any]], dict[str, Any]]


async def _long_poll(request: Request, read: Callable[[Transaction], Listing], seconds: float) -> Listing:
    """`read` again after each change of the store's messages until it lists one, or `seconds`
    passed (then its last, empty, answer). The change watcher hears this process's commits at once
    and other processes' within its poll interval (changes_api.py)."""
    store = request.app.state.store
    watcher = change_watcher(request)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with watcher.listening():
        while True:
            # Taken before the read: a change committed after it wakes the wait below at once.
            seen = watcher.version
            listing: Listing = await store.run(read, announce=False)
            left = deadline - loop.time()
            if listing[0] or left <= 0:
                return listing
            await watcher.wait(seen, left)
            if await request.is_disconnected():  # nobody to answer: stop reading for them
                return listing


def _when(shown: dict[str, Any]) -> float:
    """When a listed message was sent (outbound) or received (inbound)."""
    return float(shown["requested_at"] if shown["direction"] == "outbound" else shown["received_at"])


async def get_message(request: Request) -> Response:
    message_id = request.path_params["message_id"]
    clock = request.app.state.clock

    def read(tx: Transaction) -> dict[str, Any] | None:
        found = tx.messages.load(message_id)
        return None if found is None else render_outbound(tx, [found], clock.now())[0]

    shown = await request.app.state.store.run(read)
    if shown is None:
        return _error(404, f"message {message_id} does not exist")
    return _json(shown)


async def advance_message(request: Request) -> Response:
    message_id = request.path_params["message_id"]
    clock = request.app.state.clock
    try:
        body = await _body(request)
        if not isinstance(body, dict):
            raise _Problem(400, 'the body must be an object such as {"status": "TEXT_DELIVERED"}')
        target = body.get("status")
        to_end = body.get("to_end", False)
        if target is not None and not isinstance(target, str):
            raise _Problem(400, "status must be a string")
        if not isinstance(to_end, bool):
            raise _Problem(400, "to_end must be true or false")
    except _Problem as problem:
        return _error(problem.status, str(problem))

    def advance(tx: Transaction) -> dict[str, Any]:
        now = clock.now()
        moved = advance_manually(tx, message_id, now, target=target, to_end=to_end)
        return render_outbound(tx, [moved], now)[0]

    try:
        shown = await request.app.state.store.run(advance)
    except AdvanceError as problem:
        return _error(_ADVANCE_STATUS[problem.problem], str(problem))
    _simulator(request).wake()
    return _json(shown)


# What each refused manual advance answers.
_ADVANCE_STATUS: Final = {
    AdvanceProblem.NO_SUCH_MESSAGE: 404,
    AdvanceProblem.ALREADY_FINAL: 409,
    AdvanceProblem.UNKNOWN_STATUS: 400,
    AdvanceProblem.UNREACHABLE: 409,
}


def _rules_for_account(document: Any, account: str | None) -> list[Rule]:
    parsed = parse_rules(document)
    if account is None:
        return parsed
    wrong = [rule.id for rule in parsed if rule.account not in (None, account)]
    if wrong:
        raise RuleError(f"rules {wrong} name another account than {account}")
    return [parse_rule({**rule.to_json(), "account": account}) for rule in parsed]


async def simulator_rules(request: Request) -> Response:
    store = request.app.state.store
    account = request.query_params.get("account") or None
    rule_id = request.query_params.get("id")
    try:
        body = await _body(request) if request.method in ("PUT", "POST") else None
        if request.method == "PUT":
            replacing = _rules_for_account(body, account)

            def put(tx: Transaction) -> RuleSet:
                kept = rules_in_force(tx).without(account=account) if account else RuleSet()
                rules = kept.with_rules(replacing)
                save_rules(tx, rules)
                return rules

            return _json((await store.run(put)).to_json())
        if request.method == "POST":
            document = (
                body if isinstance(body, list) or (isinstance(body, dict) and "rules" in body) else [body]
            )
            added = _rules_for_account(document, account)

            def post(tx: Transaction) -> None:
                rules = rules_in_force(tx)
                taken = {rule.id for rule in rules.rules}
                clash = [rule.id for rule in added if rule.id in taken]
                if clash:
                    raise RuleError(f"rule ids {clash} are already in use")
                save_rules(tx, rules.with_rules(added))

            await store.run(post)
            return _json({"rules": [rule.to_json() for rule in added]}, 201)
        if request.method == "DELETE":

            def remove(tx: Transaction) -> RuleSet:
                rules = rules_in_force(tx).without(account=account, rule_id=rule_id)
                save_rules(tx, rules)
                return rules

            return _json((await store.run(remove)).to_json())
    except RuleError as problem:
        return _error(400, str(problem))
    except _Problem as problem:
        return _error(problem.status, str(problem))
    return _json((await store.run(rules_in_force)).to_json())


async def simulator_clock(request: Request) -> Response:
    simulator = _simulator(request)
    applied = 0
    if request.method == "POST":
        try:
            body = await _body(request)
            seconds = body.get("advance_seconds") if isinstance(body, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise _Problem(400, 'give {"advance_seconds": N} with N >= 0')
        except _Problem as problem:
            return _error(problem.status, str(problem))
        # What fell due is applied before the answer, so a test can read the results at once.
        applied = await simulator.advance_clock(float(seconds))

    def pending(tx: Transaction) -> tuple[int, float | None]:
        return tx.schedule.pending_count(), tx.schedule.next_due_at()

    count, next_due = await request.app.state.store.run(pending)
    return _json(
        {
            "now": simulator.clock.now(),
            "offset_seconds": simulator.clock.offset,
            "applied": applied,
            "pending": count,
            "next_due_at": next_due,
        }
    )
