"""The smsvoice server under test: started on a data dir, timed from spawn to its first healthy answer."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from harness import children
from harness.probes import wait_healthy
from harness.target import Target
from smsvoice.testing.process import ServerProcess

STARTUP_LIMIT_SECONDS = 30.0
# An installed smsvoice has its bytecode compiled (pip does it). A checkout run where
# PYTHONDONTWRITEBYTECODE is set would compile every module again at every start, ~40% of a start
# that is no part of it: let the first start write the bytecode (an empty value unsets it).
BYTECODE_WRITTEN = {"PYTHONDONTWRITEBYTECODE": ""}


def start_server(
    server_cmd: list[str],
    extra_args: list[str],
    data_dir: Path,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    name: str = "smsvoice",
) -> tuple[Target, float]:
    """`server_cmd serve ... --throttling off extra_args`, logging to ``log``; (target, time to healthy).

    ``env`` is added to this process's environment; ``name`` is the target's name in the results.
    """
    server = ServerProcess(
        data_dir,
        "--throttling",
        "off",
        *extra_args,
        env={**BYTECODE_WRITTEN, **(env or {})},
        command=server_cmd,
        log_path=log,
        own_process_group=True,
    )
    children.track(server)
    try:
        server.start(timeout=STARTUP_LIMIT_SECONDS)

        def exit_status() -> int | None:
            assert server.process is not None
            return server.process.poll()

        elapsed = wait_healthy(
            server.port, exit_status, started=server.spawned_at, limit=STARTUP_LIMIT_SECONDS
        )
    except RuntimeError as exc:
        children.stop(server)
        tail = server.log_text()[-3000:]
        raise RuntimeError(f"`{shlex.join(server.args)}` did not become healthy: {exc}\n{tail}") from exc
    return Target(name, server, server.port), elapsed
