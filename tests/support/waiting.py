"""Polling for a condition that another process makes true."""

from __future__ import annotations

import time


def wait_until(predicate: object, timeout: float = 10.0, interval: float = 0.05) -> None:
    """Poll `predicate` (a callable returning truthy) until it holds; fail after `timeout` seconds."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
