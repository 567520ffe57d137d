"""One bounded load run, and the generator interface; the asyncio fallback generator."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import children
from harness.loadgen import RESULT_MARKER
from harness.operations import AUTH_PREFIX, AUTH_SUFFIX, Operation
from smsvoice.testing.process import LOOPBACK

LOADGEN = Path(__file__).resolve().parent / "loadgen.py"


@dataclass(frozen=True)
class LoadRun:
    """One bounded load run: ``op`` on ``port`` with ``connections`` for ``duration`` seconds.

    Request bodies get names starting with ``token``; creates run in accounts
    ``account_prefix`` (5 digits) + thread (2 digits) + block (5 digits), a new one every
    ``op.per_account`` requests.
    """

    op: Operation
    port: int
    connections: int
    duration: float
    max_requests: int
    token: str
    account_prefix: str


class Generator:
    """Runs a ``LoadRun`` in a child process and returns the fields of its ``BENCHJSON`` line."""

    name = "?"

    def run(self, load: LoadRun) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def parse(output: str) -> dict[str, Any]:
        for line in output.splitlines():
            if line.startswith(RESULT_MARKER):
                parsed: dict[str, Any] = json.loads(line[len(RESULT_MARKER) :])
                return parsed
        raise RuntimeError(f"load generator printed no result:\n{output[-2000:]}")


class PythonGenerator(Generator):
    """``loadgen.py`` in a child process: slower than wrk, so its figures are lower bounds."""

    name = "python-asyncio"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def run(self, load: LoadRun) -> dict[str, Any]:
        op, duration = load.op, load.duration
        rotate = op.rotates_accounts
        spec = {
            "host": LOOPBACK,
            "port": load.port,
            "method": op.method,
            "path": op.path,
            "headers": [list(h) for h in (op.headers if rotate else op.all_headers())],
            "body_prefix": op.body_prefix,
            "body_suffix": op.body_suffix,
            "static_body": op.static_body,
            "token_prefix": load.token,
            "connections": load.connections,
            "duration": duration,
            "max_requests": load.max_requests,
            "auth_prefix": AUTH_PREFIX,
            "auth_suffix": AUTH_SUFFIX,
            "account_prefix": load.account_prefix if rotate else None,
            "per_account": op.per_account,
        }
        spec_path = self.workdir / f"{load.token}py.json"
        spec_path.write_text(json.dumps(spec))
        out_path = spec_path.with_suffix(".out")
        proc = children.spawn([sys.executable, str(LOADGEN), str(spec_path)], log=out_path)
        try:
            proc.wait(timeout=duration + 40)
        finally:
            children.stop(proc)
        return self.parse(out_path.read_text(errors="replace"))
