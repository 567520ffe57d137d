"""The ASGI application: the store opens in the lifespan, before the first request is served."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
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
from smsvoice.messaging.eventbridge import set_publishing as set_eventbridge_publishing
from smsvoice.messaging.simulator import Simulator, load_rules_file
from smsvoice.registration_runner import RegistrationRunner
from smsvoice.retention import Pruner, RetentionPolicy
from smsvoice.security.admin import AdminGuard
from smsvoice.security.credentials import Keyring
from smsvoice.security.limits import ClientSlots
from smsvoice.seeding import apply_seed_file
from smsvoice.server.gateway import Gateway
from smsvoice.server.internal import internal_routes
from smsvoice.server.problems import problem
from smsvoice.server.ui import redirect_to_inbox, wants_html
from smsvoice.services.api import Api
from smsvoice.services.v1.api import build_v1_api
from smsvoice.services.v2.api import build_v2_api
from smsvoice.store import Store, Transaction, open_store

log = logging.getLogger("smsvoice.simulator")


def build_apis() -> list[Api]:
    return [build_v2_api(), build_v1_api()]


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    store: Store | None = None,
    keyring: Keyring | None = None,
) -> SmsvoiceApp:
    """The application; it opens the store in its lifespan unless `store` is one already opened
    (the command opens it first, so that a store it cannot use stops the start with one line), and
    under `--auth sigv4` reads the credentials file unless given its `keyring`."""
    if keyring is None and settings.auth == "sigv4":
        assert settings.credentials_file is not None  # config refuses sigv4 without it
        keyring = Keyring(settings.credentials_file)
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
        set_eventbridge_publishing(settings.eventbridge)  # --eventbridge

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
        # Registration reviews and attachment fetches move with the simulator's clock and rounds.
        registrations = RegistrationRunner(store, adjustable_clock, settings)
        app.state.simulator.also_run(registrations.run_due, registrations.next_due)
        await app.state.simulator.load_clock()
        if settings.simulator_rules is not None:  # --simulator-rules: the file's rules are the ones in force
            await app.state.simulator.install_rules(load_rules_file(settings.simulator_rules))
        if settings.faults is not None:  # --faults: the file's rules are the ones in force
            found = load_fault_file(settings.faults, [api.protocol.model for api in apis])
            await store.run(lambda tx: save_faults(tx, found))
        holder["gateway"] = Gateway(apis, store, settings, clock, keyring)
        if keyring is not None:  # SIGHUP re-reads the credentials file
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, keyring.reload)
        app.state.simulator.start()
        app.state.pruner = Pruner(store, clock, retention_policy(settings))
        app.state.pruner.start()
        # The service models and libraries loaded at start are hundreds of thousands of long-lived
        # objects; a full garbage collection walking them stalled requests for ~30 ms. Move them out
        # of the collector's sight once they are loaded. `smsvoice serve` starts with the collector
        # off (cli.py); no collection first: the start leaves a few thousand garbage objects (a few
        # hundred kB, frozen with the rest), and collecting them cost ~30 ms of every start.
        gc.freeze()
        gc.enable()
        try:
            yield
        finally:
            if keyring is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            await app.state.pruner.stop()
            await app.state.simulator.stop()
            if app.state.delivery is not None:
                await app.state.delivery.stop()
            holder["gateway"].access_log.flush()
            store.close()

    routes = [Mount("/_smsvoice", routes=internal_routes())]
    return SmsvoiceApp(
        Starlette(routes=routes, lifespan=lifespan),
        holder,
        AdminGuard(settings),
        ClientSlots(settings.max_client_requests),
    )


class SmsvoiceApp:
    """Sends every AWS request (outside /_smsvoice/) straight to the gateway, on raw ASGI: Starlette's
    middleware stack wraps every `send` and cost ~7% of a send's time. The lifespan and our own
    /_smsvoice/ API go to Starlette, past the admin guard. Each client address has a cap of requests
    in flight."""

    def __init__(
        self, starlette: Starlette, gateways: dict[str, Gateway], guard: AdminGuard, slots: ClientSlots
    ) -> None:
        self.starlette = starlette
        self._gateways = gateways
        self._guard = guard
        self._slots = slots

    @property
    def state(self) -> State:
        return self.starlette.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.starlette(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "-"
        admin = scope["path"].startswith("/_smsvoice/")
        if not self._slots.take(client):
            await self._refuse_busy(scope, receive, send, admin)
            return
        try:
            if not admin:
                if wants_html(scope):  # a browser opening the server: the web inbox
                    await redirect_to_inbox(scope, receive, send)
                else:
                    await self._gateways["gateway"].asgi(scope, receive, send)
                return
            refusal = self._guard.check(
                scope["method"],
                scope["path"],
                scope.get("query_string", b""),
                _header(scope, b"authorization"),
            )
            if refusal is None:
                await self.starlette(scope, receive, send)
                return
            response = problem(refusal.status, refusal.message)
            if refusal.status == 401:
                response.headers["www-authenticate"] = 'Bearer realm="smsvoice"'
            await response(scope, receive, send)
        finally:
            self._slots.give_back(client)

    async def _refuse_busy(self, scope: Scope, receive: Receive, send: Send, admin: bool) -> None:
        gateway = self._gateways.get("gateway")
        if admin or gateway is None:
            response = problem(429, "too many requests in flight from your address")
            response.headers["retry-after"] = "1"
            await response(scope, receive, send)
            return
        await gateway.refuse_busy(scope, send)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value)
    return None


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        keep_messages=settings.retention_messages,
        keep_days=settings.retention_days,
        dead_letter_seconds=settings.delivery_retention_seconds,
    )
