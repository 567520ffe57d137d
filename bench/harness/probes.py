"""Single requests that are not load: health polling, the preflight of an operation, seeding."""

from __future__ import annotations

import http.client
import time
import uuid
from collections.abc import Callable

from harness.operations import Operation
from smsvoice.testing.process import HEALTH_PATH, LOOPBACK


def send_once(
    port: int, op: Operation, token: str, account: str | None = None, timeout: float = 5.0
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(op.method, op.path, body=op.sample_body(token), headers=dict(op.all_headers(account)))
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def wait_healthy(
    port: int, exit_status: Callable[[], int | None], started: float | None = None, limit: float = 30.0
) -> float:
    """Poll the health path until it answers 200; return seconds since ``started`` (monotonic)."""
    if started is None:
        started = time.monotonic()
    while time.monotonic() - started < limit:
        status = exit_status()
        if status is not None:
            raise RuntimeError(f"process exited with status {status} before it was healthy")
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=1.0)
        try:
            conn.request("GET", HEALTH_PATH)
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.005)
    raise RuntimeError(f"not healthy after {limit:.0f} s")


def preflight(port: int, op: Operation) -> str | None:
    """Send one request; return None if it is served, else why the operation is skipped."""
    try:
        token = f"preflight-{op.key.replace('_', '')}-{uuid.uuid4().hex[:8]}"
        status, headers, body = send_once(
            port, op, token, account="900000000000" if op.rotates_accounts else None
        )
    except OSError as exc:
        return f"{op.label}: preflight request failed: {exc}"
    if 200 <= status < 300:
        return None
    text = body.decode("utf-8", "replace")
    kind = headers.get("x-amzn-errortype", "")
    for missing in ("UnknownOperation", "NotImplemented"):
        if missing in kind or missing in text:
            return f"{op.label}: skipped, not implemented yet (the server answers {status} {missing})"
    return f"{op.label}: skipped, preflight answered {status}: {kind} {text[:300]}"


def seed_account(
    port: int, op: Operation, count: int, token: str, time_limit: float = 120.0
) -> tuple[int, str | None]:
    """Create ``count`` sets with ``op.seed`` in ``op.account``; return (failures, first failure)."""
    assert op.seed is not None
    failures = 0
    first: str | None = None
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10.0)
    deadline = time.monotonic() + time_limit
    try:
        for i in range(count):
            if time.monotonic() > deadline:
                return failures + count - i, first or f"seeding stopped after {time_limit:.0f} s"
            body = op.seed.sample_body(f"{token}{i}")
            conn.request(
                op.seed.method, op.seed.path, body=body, headers=dict(op.seed.all_headers(op.account))
            )
            resp = conn.getresponse()
            data = resp.read()
            if not 200 <= resp.status < 300:
                failures += 1
                first = first or f"{resp.status} {data[:300].decode('utf-8', 'replace')}"
    finally:
        conn.close()
    return failures, first
