"""The ASGI application: the store opens in the lifespan, before the first request is served."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from smsvoice.clock import AdjustableClock, Clock, SystemClock
from smsvoice.config import Settings
from smsvoice.delivery import start_delivery
from smsvoice.domain.message import Message
from smsvoice.faults import load_fault_file, save_faults
from smsvoice.inbound import InboundError, receive
from smsvoice.messaging.simulator import Simulator, load_rules_file
from smsvoice.seeding import apply_seed_file
from smsvoice.server.gateway import Gateway
from smsvoice.server.internal import internal_routes
from smsvoice.server.ui import redirect_to_inbox, wants_html
from smsvoice.services.api import Api
from smsvoice.services.v1.api import build_v1_api
from smsvoice.services.v2.api import build_v2_api
from smsvoice.store import Store, Transaction, open_store

log = logging.getLogger("smsvoice.simulator")


def build_apis() -> list[Api]:
    return [build_v2_api(), build_v1_api()]


def create_app(settings: Settings, clock: Clock | None = None, store: Store | None = None) -> SmsvoiceApp:
    """The application; it opens the store in its lifespan unless `store` is one already opened
    (the command opens it first, so that a store it cannot use stops the start with one line)."""
    # One adjustable clock for the whole server: POST /_smsvoice/simulator/clock moves it forward.
    adjustable_clock = AdjustableClock(clock or SystemClock())
    clock = adjustable_clock
    apis = build_apis()
    holder: dict[str, Gateway] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal store
        if store is None:
            store = open_store(
                settings.store_url, upgrade=settings.upgrades_store, pool_size=settings.database_pool_size
            )
        app.state.store = store
        app.state.apis = apis
        app.state.settings = settings
        app.state.started = time.monotonic()
        app.state.clock = clock
        await apply_seed_file(store, settings, clock)  # --seed-file; a bad seed stops the start
        app.state.delivery = start_delivery(store, settings, clock)

        def handset_answers(tx: Transaction, message: Message, body: str) -> None:
            # A rule's `reply`: the destination answers the number that sent, as POST /inbound does.
            try:
                receive(
                    tx,
                    clock,
                    settings,
                    origination=message.destination,
                    destination=message.origination,
                    body=body,
                    account=message.account,
                    region=message.region,
                )
            except InboundError as problem:  # sent from a sender ID, say: nothing to answer to
                log.info("message %s: the handset's reply is dropped: %s", message.message_id, problem)

        app.state.simulator = Simulator(store, adjustable_clock, handset_answers)
        await app.state.simulator.load_clock()
        if settings.simulator_rules is not None:  # --simulator-rules: the file's rules are the ones in force
            await app.state.simulator.install_rules(load_rules_file(settings.simulator_rules))
        if settings.faults is not None:  # --faults: the file's rules are the ones in force
            found = load_fault_file(settings.faults, [api.protocol.model for api in apis])
            await store.run(lambda tx: save_faults(tx, found))
        holder["gateway"] = Gateway(apis, store, settings, clock)
        app.state.simulator.start()
        # The service models and libraries loaded at start are hundreds of thousands of long-lived
        # objects; a full garbage collection walking them stalled requests for ~30 ms. Move them out
        # of the collector's sight once they are loaded.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await app.state.simulator.stop()
            if app.state.delivery is not None:
                await app.state.delivery.stop()
            holder["gateway"].access_log.flush()
            store.close()

    routes = [Mount("/_smsvoice", routes=internal_routes())]
    return SmsvoiceApp(Starlette(routes=routes, lifespan=lifespan), holder)


class SmsvoiceApp:
    """Sends every AWS request (outside /_smsvoice/) straight to the gateway, on raw ASGI: Starlette's
    middleware stack wraps every `send` and cost ~7% of a send's time. The lifespan and our own
    /_smsvoice/ API go to Starlette."""

    def __init__(self, starlette: Starlette, gateways: dict[str, Gateway]) -> None:
        self.starlette = starlette
        self._gateways = gateways

    @property
    def state(self) -> State:
        return self.starlette.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_smsvoice/"):
            if wants_html(scope):  # a browser opening the server: the web inbox
                await redirect_to_inbox(scope, receive, send)
                return
            await self._gateways["gateway"].asgi(scope, receive, send)
        else:
            await self.starlette(scope, receive, send)
