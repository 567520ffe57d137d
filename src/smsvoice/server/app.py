"""The ASGI application: the store opens in the lifespan, before the first request is served."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route

from smsvoice.clock import Clock, SystemClock
from smsvoice.config import Settings
from smsvoice.server.gateway import Gateway
from smsvoice.server.internal import internal_routes
from smsvoice.services.api import Api
from smsvoice.services.v1.api import build_v1_api
from smsvoice.services.v2.api import build_v2_api
from smsvoice.store.engine import open_store

ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"]


def build_apis() -> list[Api]:
    return [build_v2_api(), build_v1_api()]


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    clock = clock or SystemClock()
    apis = build_apis()
    holder: dict[str, Gateway] = {}

    async def gateway(request):  # type: ignore[no-untyped-def]
        return await holder["gateway"](request)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(settings.store_url)
        app.state.store = store
        app.state.apis = apis
        app.state.settings = settings
        app.state.started = time.monotonic()
        holder["gateway"] = Gateway(apis, store, settings, clock)
        try:
            yield
        finally:
            store.close()

    routes = [
        Mount("/_smsvoice", routes=internal_routes()),
        Route("/{path:path}", gateway, methods=ALL_METHODS),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
