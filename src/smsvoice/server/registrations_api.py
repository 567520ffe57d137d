"""Registrations in the inspection API (ours, not AWS's; JSON in and out).

    GET  /_smsvoice/registrations/{RegistrationId}/events   the status events, oldest first, in
                                                            EventBridge's shape ("Registration Status Change")
    POST /_smsvoice/registrations/{RegistrationId}/review   {"decision": "APPROVE" | "DENY" | "REQUIRES_UPDATES"
                                                                         | "REQUIRES_AUTHENTICATION",
                                                             "deniedReasons": [{"Reason": ..., "ShortDescription": ...}]}
    POST /_smsvoice/registrations/{RegistrationId}/authenticate   the brand's contact authenticates by email

A review decides the submitted version now, under `--registration-review auto` or `manual`; 400
when the registration has no version waiting for a decision, 404 when there is no such registration.
An authentication takes a registration in REQUIRES_AUTHENTICATION back to REVIEWING (400 when it is
in another status); both answer `{"Registration", "Version"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.registration_runner import registration_context
from smsvoice.server.problems import problem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.registration_events import registration_events as events_of
from smsvoice.services.v2.registration_records import REGISTRATION, Registration, version_view
from smsvoice.services.v2.registration_review import (
    DECISIONS,
    NothingToDecide,
    authenticate,
    decide,
)
from smsvoice.store import Transaction

_REASON_MEMBERS = ("Reason", "ShortDescription", "LongDescription", "DocumentationTitle", "DocumentationLink")


def registration_routes() -> list[Route]:
    return [
        Route("/registrations/{registration_id}/events", registration_events, methods=["GET"]),
        Route("/registrations/{registration_id}/review", review_registration, methods=["POST"]),
        Route("/registrations/{registration_id}/authenticate", authenticate_registration, methods=["POST"]),
    ]


async def registration_events(request: Request) -> JSONResponse:
    registration_id = request.path_params["registration_id"]

    def read(tx: Transaction) -> list[dict[str, Any]]:
        return events_of(tx, registration_id)

    events = await request.app.state.store.run(read)
    if not events:  # a registration has its CREATED event from the start
        return problem(404, f"no registration {registration_id}")
    return JSONResponse({"RegistrationId": registration_id, "Events": events})


def _denied_reasons(body: dict[str, Any]) -> list[dict[str, Any]]:
    reasons = body.get("deniedReasons") or []
    if not isinstance(reasons, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("Reason"), str)
        and isinstance(item.get("ShortDescription"), str)
        and set(item) <= set(_REASON_MEMBERS)
        and all(isinstance(value, str) for value in item.values())
        for item in reasons
    ):
        raise ValueError(
            "deniedReasons is a list of {Reason, ShortDescription[, LongDescription, DocumentationTitle, "
            "DocumentationLink]} with string values"
        )
    return list(reasons)


async def review_registration(request: Request) -> JSONResponse:
    registration_id = request.path_params["registration_id"]
    try:
        body = orjson.loads(await request.body() or b"{}")
        if not isinstance(body, dict) or body.get("decision") not in DECISIONS:
            raise ValueError(f'give {{"decision": {" | ".join(DECISIONS)}}}')
        reasons = _denied_reasons(body)
    except (orjson.JSONDecodeError, ValueError) as refused:
        return problem(400, str(refused))
    return await _change(request, lambda context: decide(context, registration_id, body["decision"], reasons))


async def authenticate_registration(request: Request) -> JSONResponse:
    registration_id = request.path_params["registration_id"]
    return await _change(request, lambda context: authenticate(context, registration_id))


async def _change(request: Request, change: Callable[[OperationContext], Registration]) -> JSONResponse:
    """Apply `change` to the registration the path names, in the account and Region that hold it."""
    state = request.app.state
    registration_id = request.path_params["registration_id"]

    def apply(tx: Transaction) -> dict[str, Any] | None:
        found = tx.resources.with_key(REGISTRATION, registration_id)
        if not found:
            return None
        located = found[0]
        context = registration_context(
            tx, state.clock, state.settings, located.account, located.region, "RegistrationReview"
        )
        registration = change(context)
        return {"Registration": registration.doc, "Version": version_view(registration, registration.version)}

    try:
        changed = await state.store.run(apply)
    except NothingToDecide as refused:
        return problem(400, str(refused))
    if changed is None:
        return problem(404, f"no registration {registration_id}")
    return JSONResponse(changed)
