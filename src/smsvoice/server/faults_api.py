"""Fault injection and reset in the inspection API.

POST   /_smsvoice/faults          a rule (smsvoice/faults.py): 201 with the stored rule and its id
GET    /_smsvoice/faults          every rule, with how often it fired
DELETE /_smsvoice/faults          every rule
DELETE /_smsvoice/faults/{id}     one rule (404 when there is none)
DELETE /_smsvoice/state           forget one account's state (?account=), or everyone's
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smsvoice.faults import FaultError, faults_in_force, parse_fault, save_faults
from smsvoice.messaging.rulebook import rules_in_force, save_rules
from smsvoice.messaging.rules import RuleSet
from smsvoice.server.problems import problem
from smsvoice.store import Transaction

_ACCOUNT = re.compile(r"\d{12}")


def fault_routes() -> list[Route]:
    return [
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/faults/{fault_id}", one_fault, methods=["DELETE"]),
        Route("/state", forget_state, methods=["DELETE"]),
    ]


async def faults(request: Request) -> Response:
    store = request.app.state.store
    if request.method == "POST":
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return problem(400, "the body must be a JSON fault rule")
        models = [api.protocol.model for api in request.app.state.apis]
        try:
            fault = parse_fault(body, models)
        except FaultError as refused:
            return problem(400, str(refused))

        def add(tx: Transaction) -> None:
            current = faults_in_force(tx)
            if any(item.id == fault.id for item in current):
                raise FaultError(f"a fault rule with id {fault.id!r} exists already")
            save_faults(tx, (*current, fault))

        try:
            await store.run(add)
        except FaultError as refused:
            return problem(400, str(refused))
        return JSONResponse(fault.to_json(), status_code=201)
    if request.method == "DELETE":
        await store.run(lambda tx: save_faults(tx, ()))
    found = await store.run(faults_in_force)
    return JSONResponse({"faults": [fault.to_json() for fault in found]})


async def one_fault(request: Request) -> Response:
    fault_id = request.path_params["fault_id"]

    def remove(tx: Transaction) -> bool:
        current = faults_in_force(tx)
        kept = tuple(item for item in current if item.id != fault_id)
        save_faults(tx, kept)
        return len(kept) != len(current)

    if not await request.app.state.store.run(remove):
        return problem(404, f"no fault rule {fault_id}")
    return Response(status_code=204)


async def forget_state(request: Request) -> Response:
    account = request.query_params.get("account") or None
    if account is not None and not _ACCOUNT.fullmatch(account):
        # Also what keeps the rate buckets' LIKE pattern (store/forgetting.py) to this account.
        return problem(400, f"account must be 12 digits, not {account!r}")

    def forget(tx: Transaction) -> dict[str, Any]:
        counts = tx.forget(account)
        rules = rules_in_force(tx)
        kept = rules.without(account=account) if account else RuleSet()
        save_rules(tx, kept)
        counts["simulator_rules"] = len(rules.rules) - len(kept.rules)
        return counts

    return JSONResponse({"account": account, "forgotten": await request.app.state.store.run(forget)})
