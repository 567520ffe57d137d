"""The benchmark's ceiling: a bare ASGI app with no framework and no state.

It reads the whole request body, parses it as JSON with orjson (the library the server uses) and
answers ``200 {}`` with ``content-type: application/json``.  Served by uvicorn exactly like the
server, it is the fastest any request path on this stack can be; the benchmarks report the
real server's throughput as a fraction of it.

Run it by hand with::

    .venv/bin/python -m uvicorn harness.ceiling_app:app --app-dir bench --host 127.0.0.1 --port 8001 \
        --no-access-log --log-level warning
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_BODY = b"{}"
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_BODY)).encode("ascii")),
]


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer every HTTP request with ``200 {}`` after reading and parsing its JSON body."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return

    chunks: list[bytes] = []
    more_body = True
    while more_body:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunks.append(message.get("body", b""))
        more_body = message.get("more_body", False)
    body = b"".join(chunks)
    if body:
        try:
            orjson.loads(body)
        except orjson.JSONDecodeError:
            await send({"type": "http.response.start", "status": 400, "headers": _HEADERS})
            await send({"type": "http.response.body", "body": _BODY})
            return

    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
