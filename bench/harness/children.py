"""Every subprocess a benchmark run starts, so that exit, Ctrl-C and SIGTERM stop them all."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path
from types import FrameType

from smsvoice.testing.process import SmsvoiceProcess

Child = subprocess.Popen[bytes] | SmsvoiceProcess

_running: list[Child] = []


def spawn(cmd: list[str], log: Path | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, remembered so that it is always stopped on exit."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]
    _running.append(proc)
    return proc


def track(child: SmsvoiceProcess) -> None:
    """Remember an smsvoice process started elsewhere (it should run in its own process group)."""
    _running.append(child)


def stop(child: Child, grace: float = 5.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it has not exited after ``grace``."""
    if isinstance(child, SmsvoiceProcess):
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.stop(timeout=grace)
        child.kill()
    else:
        _stop_group(child, grace)
    if child in _running:
        _running.remove(child)


def _stop_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace)
    # Reap anything left in the group (e.g. a worker that outlived its parent).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def stop_all() -> None:
    for child in list(_running):
        stop(child)


def interrupt_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """A SIGTERM handler that unwinds like Ctrl-C, so that ``finally`` blocks stop the children."""
    raise KeyboardInterrupt
