"""A small HTTP/1.1 keep-alive load generator on asyncio raw sockets.

It is the benchmarks' fallback when ``wrk`` is not available.  Written in Python it
costs far more CPU per request than wrk, so on a 2-core machine it competes with the server and the
figures it gives are lower bounds; prefer wrk.

Every run is bounded twice: by ``duration`` seconds and by ``max_requests`` requests in total,
whichever comes first, and it stops by itself.  Only loopback addresses are accepted as targets.

Usage (the spec is a JSON file, see :class:`LoadSpec`)::

    python bench/harness/loadgen.py SPEC.json

It prints one line ``BENCHJSON {...}`` with the same fields the wrk script prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULT_MARKER = "BENCHJSON "


@dataclass(frozen=True)
class LoadSpec:
    """What to send, how hard and for how long.

    The request body is ``body_prefix + token + body_suffix`` where ``token`` is unique per request
    (``token_prefix`` + a counter), so every create carries a fresh name.  With ``body_prefix`` set
    to ``None`` every request carries ``static_body`` (or no body when that is ``None`` too).

    With ``account_prefix`` set, each request also gets an ``Authorization`` header
    ``auth_prefix + account + auth_suffix`` whose 12-digit account is ``account_prefix`` (5 digits),
    ``01`` and a block number that moves on every ``per_account`` requests: the server caps the
    configuration sets per account, so a long run of creates must spread over accounts.
    """

    host: str
    port: int
    method: str
    path: str
    headers: list[tuple[str, str]]
    body_prefix: str | None
    body_suffix: str
    token_prefix: str
    connections: int
    duration: float
    max_requests: int
    static_body: str | None = None
    auth_prefix: str = ""
    auth_suffix: str = ""
    account_prefix: str | None = None
    per_account: int = 2000
    timeout: float = 10.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadSpec:
        data = dict(data)
        data["headers"] = [(str(k), str(v)) for k, v in data["headers"]]
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "method": self.method,
            "path": self.path,
            "headers": [list(h) for h in self.headers],
            "body_prefix": self.body_prefix,
            "body_suffix": self.body_suffix,
            "token_prefix": self.token_prefix,
            "connections": self.connections,
            "duration": self.duration,
            "max_requests": self.max_requests,
            "static_body": self.static_body,
            "auth_prefix": self.auth_prefix,
            "auth_suffix": self.auth_suffix,
            "account_prefix": self.account_prefix,
            "per_account": self.per_account,
            "timeout": self.timeout,
        }


@dataclass
class _Stats:
    issued: int = 0
    completed: int = 0
    non2xx: int = 0
    err_connect: int = 0
    err_read: int = 0
    err_write: int = 0
    err_timeout: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error_sample: str | None = None
    latencies_us: list[float] = field(default_factory=list)


class _RequestBuilder:
    def __init__(self, spec: LoadSpec) -> None:
        self._spec = spec
        head = [f"{spec.method} {spec.path} HTTP/1.1", f"Host: {spec.host}:{spec.port}"]
        head += [f"{k}: {v}" for k, v in spec.headers]
        self._head = "\r\n".join(head)
        self._counter: Iterator[int] = itertools.count(1)
        if spec.body_prefix is None:
            body = (spec.static_body or "").encode()
            length = f"\r\nContent-Length: {len(body)}" if spec.static_body is not None else ""
            self._static: bytes | None = (self._head + length + "\r\n\r\n").encode("latin-1") + body
        else:
            self._static = None

    def next(self) -> bytes:
        if self._static is not None:
            return self._static
        spec = self._spec
        n = next(self._counter)
        body = f"{spec.body_prefix}{spec.token_prefix}{n}{spec.body_suffix}".encode()
        auth = ""
        if spec.account_prefix is not None:
            account = f"{spec.account_prefix}01{n // spec.per_account:05d}"
            auth = f"\r\nAuthorization: {spec.auth_prefix}{account}{spec.auth_suffix}"
        return f"{self._head}{auth}\r\nContent-Length: {len(body)}\r\n\r\n".encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Read one response; return its status, whether the server will close and the body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    chunked = False
    close = False
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
    body = b""
    if chunked:
        chunks = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass
                break
            chunks.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(chunks)
    elif length:
        body = await reader.readexactly(length)
    return status, close, body


async def _worker(spec: LoadSpec, builder: _RequestBuilder, stats: _Stats, deadline: float) -> None:
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    try:
        while stats.issued < spec.max_requests and time.monotonic() < deadline:
            if writer is None or reader is None:
                try:
                    async with asyncio.timeout(spec.timeout):
                        reader, writer = await asyncio.open_connection(spec.host, spec.port)
                except (OSError, TimeoutError):
                    stats.err_connect += 1
                    await asyncio.sleep(0.01)
                    continue
            stats.issued += 1
            request = builder.next()
            started = time.perf_counter()
            try:
                writer.write(request)
            except OSError:
                stats.err_write += 1
                writer, reader = None, None
                continue
            try:
                async with asyncio.timeout(spec.timeout):
                    status, close, body = await _read_response(reader)
            except TimeoutError:
                stats.err_timeout += 1
                close = True
                status = 0
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                stats.err_read += 1
                close = True
                status = 0
            else:
                stats.latencies_us.append((time.perf_counter() - started) * 1e6)
                stats.completed += 1
                if not 200 <= status < 300:
                    stats.non2xx += 1
                    key = str(status)
                    stats.statuses[key] = stats.statuses.get(key, 0) + 1
                    if stats.error_sample is None:
                        stats.error_sample = f"{status} {body[:300].decode('utf-8', 'replace')}"
            if close:
                writer.close()
                writer, reader = None, None
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(pct / 100.0 * len(sorted_values))))
    return sorted_values[rank - 1]


async def run(spec: LoadSpec) -> dict[str, Any]:
    """Drive the load described by ``spec`` and return the result fields."""
    if not ipaddress.ip_address(spec.host).is_loopback:
        raise ValueError(f"refusing to load a non-loopback address: {spec.host}")
    builder = _RequestBuilder(spec)
    stats = _Stats()
    started = time.monotonic()
    deadline = started + spec.duration
    workers = [_worker(spec, builder, stats, deadline) for _ in range(spec.connections)]
    # Hard stop a little after the deadline even if a response never comes.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(spec.duration + spec.timeout + 5.0):
            await asyncio.gather(*workers)
    elapsed = time.monotonic() - started
    latencies = sorted(stats.latencies_us)
    return {
        "requests": stats.completed,
        "duration_us": int(elapsed * 1e6),
        "p50_us": _percentile(latencies, 50),
        "p90_us": _percentile(latencies, 90),
        "p99_us": _percentile(latencies, 99),
        "max_us": latencies[-1] if latencies else 0.0,
        "mean_us": sum(latencies) / len(latencies) if latencies else 0.0,
        "non2xx": stats.non2xx,
        "err_connect": stats.err_connect,
        "err_read": stats.err_read,
        "err_write": stats.err_write,
        "err_timeout": stats.err_timeout,
        "statuses": stats.statuses,
        "error_sample": stats.error_sample,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: loadgen.py SPEC.json", file=sys.stderr)
        return 2
    spec = LoadSpec.from_json(json.loads(Path(args[0]).read_text()))
    try:
        import uvloop

        result = uvloop.run(run(spec))
    except ImportError:
        result = asyncio.run(run(spec))
    print(RESULT_MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
