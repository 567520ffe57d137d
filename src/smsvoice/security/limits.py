"""Limits that keep one client from taking the whole server.

`ClientSlots` counts the requests each client address has in flight; beyond the cap a request is
answered at once with 429 instead of queueing. `SlowClientProtocol` closes a connection whose request
head does not arrive within the read timeout (uvicorn's own keep-alive timeout only starts after a
response, so a client dripping a header a byte at a time would hold its connection forever).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class ClientSlots:
    def __init__(self, per_client: int) -> None:
        self.per_client = per_client  # 0: no cap
        self._in_flight: dict[str, int] = {}

    def take(self, client: str) -> bool:
        """Take a slot for `client`; False when it already has `per_client` requests in flight."""
        count = self._in_flight.get(client, 0)
        if self.per_client and count >= self.per_client:
            return False
        self._in_flight[client] = count + 1
        return True

    def give_back(self, client: str) -> None:
        count = self._in_flight.get(client, 0) - 1
        if count > 0:
            self._in_flight[client] = count
        else:
            self._in_flight.pop(client, None)


class SlowClientProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol with a deadline for each request head (`head_timeout` seconds)."""

    head_timeout = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(self.head_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
