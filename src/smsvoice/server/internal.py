"""The /_smsvoice/ API (ours, not AWS's): JSON in and out, no SigV4."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice import __version__
from smsvoice.protocol.model import botocore_version


def internal_routes() -> list[Route]:
    return [Route("/health", health, methods=["GET"])]


async def health(request: Request) -> JSONResponse:
    state = request.app.state
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "botocore": botocore_version(),
            "store": "sqlite" if state.store.is_sqlite else "sql",
            "apis": [api.service_name for api in state.apis],
            "uptime_seconds": round(time.monotonic() - state.started, 3),
        }
    )
