"""Limits that keep one client from taking the whole server.

`ClientSlots` counts the requests each client address has in flight; beyond the cap a request is
answered at once with 429 instead of queueing. `SlowClientProtocol` closes a connection whose request
(head and body) does not arrive within the read timeout (uvicorn's own keep-alive timeout only starts
after a response, so a client dripping a request a byte at a time would hold its connection and its
slot forever), and answers 431 to a head larger than `MAX_HEAD_BYTES` (uvicorn's httptools parser has
no such limit). One timer per request, armed where uvicorn parses it: the request path pays nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024
_HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain\r\n"
    b"content-length: 31\r\nconnection: close\r\n\r\nRequest head larger than 64 KiB"
)


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
    """uvicorn's HTTP protocol with a deadline for each request (`read_timeout` seconds from its first
    byte, or from the connection, to its last) and a cap on the size of its head."""

    read_timeout = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._in_head = False
        self._head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Still inside a request head after parsing this chunk: all of it was head.
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                self._stop_deadline()
                self.transport.write(_HEAD_TOO_LARGE)
                self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_request()

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._stop_deadline()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _start_request(self) -> None:
        self._stop_deadline()
        self._in_head = True
        self._head_bytes = 0
        self._deadline = self.loop.call_later(self.read_timeout, self._too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()
