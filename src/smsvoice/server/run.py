"""Running the app under uvicorn: print the endpoint once listening, stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import ipaddress
import logging
import sys
from dataclasses import replace
from types import FrameType
from typing import Any

import uvicorn

from smsvoice.config import Settings
from smsvoice.security.credentials import Keyring
from smsvoice.security.limits import SlowClientProtocol
from smsvoice.server.app import create_app
from smsvoice.store import Store
from smsvoice.store.engine import shown_url


class _AnnouncingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self.settings = settings

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # uvicorn re-raises the signal after its graceful shutdown, so the process would end "killed
        # by SIGTERM"; a clean stop of a service is exit status 0.
        super().handle_exit(sig, frame)
        self._captured_signals.clear()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.should_exit:
            return
        port = self.settings.port
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                port = sock.getsockname()[1]
                break
        endpoint = replace(self.settings, port=port).endpoint
        print(f"smsvoice ready at {endpoint} (store: {shown_url(self.settings.store_url)})", flush=True)


log = logging.getLogger("smsvoice.security")


def serve(settings: Settings, store: Store | None = None, keyring: Keyring | None = None) -> None:
    """Serve until SIGTERM/SIGINT; `store`, when given, is the already opened store to serve."""
    for warning in startup_warnings(settings):
        log.warning("%s", warning)
    # The deadline for each request (security/limits.py), as a protocol class uvicorn builds.
    protocol = type(
        "ReadDeadlineProtocol", (SlowClientProtocol,), {"read_timeout": settings.request_read_timeout}
    )
    config = uvicorn.Config(
        create_app(settings, store=store, keyring=keyring),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        lifespan="on",
        ws="none",  # no WebSocket routes; "auto" would import a WebSocket library at every start
        timeout_graceful_shutdown=5,
        server_header=False,
        # No proxy in front by default; reading X-Forwarded-* on every request is wasted work.
        proxy_headers=False,
        http=protocol,
        # An idle keep-alive connection is closed after this many seconds (uvicorn's default).
        timeout_keep_alive=5,
        ssl_certfile=str(settings.tls_cert) if settings.tls_cert else None,
        ssl_keyfile=str(settings.tls_key) if settings.tls_key else None,
    )
    server = _AnnouncingServer(config, settings)
    server.run()
    sys.stdout.flush()


def startup_warnings(settings: Settings) -> list[str]:
    """What an operator should hear about at start: an open server on a shared network."""
    if settings.auth == "off" and not _is_loopback(settings.host):
        return [
            f"--auth off on {settings.host}: anyone who reaches this address may act as any account "
            "and read every message; use --auth sigv4 on a shared network (docs/security.md)"
        ]
    return []


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
