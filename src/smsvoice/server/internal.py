"""The /_smsvoice/ API (ours, not AWS's): JSON in and out, no SigV4."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from smsvoice import __version__
from smsvoice.protocol.model import botocore_version
from smsvoice.server.accounts_api import account_routes
from smsvoice.server.changes_api import change_routes
from smsvoice.server.deliveries_api import delivery_health, delivery_routes
from smsvoice.server.eventbridge_api import eventbridge_routes
from smsvoice.server.faults_api import fault_routes
from smsvoice.server.identities_api import identity_routes
from smsvoice.server.inbound_api import inbound_routes
from smsvoice.server.messages_api import message_routes
from smsvoice.server.notify_api import notify_routes
from smsvoice.server.registrations_api import registration_routes
from smsvoice.server.resources_api import resource_routes
from smsvoice.server.ui import ui_routes


def internal_routes() -> list[BaseRoute]:
    return [
        Route("/health", health, methods=["GET"]),
        *account_routes(),
        *change_routes(),
        *delivery_routes(),
        *eventbridge_routes(),
        *fault_routes(),
        *identity_routes(),
        *inbound_routes(),
        *message_routes(),
        *notify_routes(),
        *registration_routes(),
        *resource_routes(),
        *ui_routes(),  # the web inbox (pages over the routes above)
    ]


async def health(request: Request) -> JSONResponse:
    state = request.app.state
    delivery, delivery_ok = delivery_health(state)
    return JSONResponse(
        {
            "status": "ok" if delivery_ok else "delivery workers stopped",
            "delivery": delivery,
            # The carrier simulator's scheduler of timed transitions (docs/messaging.md).
            "simulator": _simulator_state(state),
            "version": __version__,
            "botocore": botocore_version(),
            "store": state.store.backend,
            # The embedded store's log checkpoints: how often the log was cut back, the longest pause.
            "wal": state.store.wal_state(),
            # PostgreSQL's group commit of sends: batches run, units in them, units run again alone.
            "batches": state.store.batch_state(),
            "retention": _retention_policy(state),
            "apis": [api.service_name for api in state.apis],
            "uptime_seconds": round(time.monotonic() - state.started, 3),
        },
        status_code=200 if delivery_ok else 503,
    )


def _simulator_state(state: object) -> str:
    simulator = getattr(state, "simulator", None)
    return "running" if simulator is not None and simulator.running else "stopped"


def _retention_policy(state: object) -> dict[str, object] | None:
    pruner = getattr(state, "pruner", None)
    return None if pruner is None else pruner.policy.as_json()
