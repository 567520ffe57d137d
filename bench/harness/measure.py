"""Measuring one cell: a warm-up run, then a measured run with the CPU both sides used."""

from __future__ import annotations

import argparse
import time
import uuid

from harness.cpu import children_cpu_seconds, tree_cpu_seconds
from harness.load import Generator, LoadRun
from harness.operations import Operation
from harness.report import CellResult, Report
from harness.target import Target


def load_run(
    args: argparse.Namespace,
    target: Target,
    op: Operation,
    connections: int,
    duration: float,
    token: str,
    invocation: int,
) -> LoadRun:
    """One generator run; every run creates in its own range of accounts ("9" + 4 digits + thread +
    block), counted by `invocation`."""
    return LoadRun(
        op=op,
        port=target.port,
        connections=connections,
        duration=duration,
        max_requests=args.max_requests,
        token=token,
        account_prefix=f"9{invocation % 10000:04d}",
    )


class Bench:
    """Runs cells with ``args.warmup``, ``args.duration`` and ``args.max_requests``; adds them to ``report``."""

    def __init__(self, args: argparse.Namespace, generator: Generator, report: Report) -> None:
        self.args = args
        self.generator = generator
        self.report = report
        self.run_id = uuid.uuid4().hex[:6]
        self.invocations = 0

    def _load(self, target: Target, op: Operation, connections: int, duration: float, phase: str) -> LoadRun:
        self.invocations += 1
        token = self._token(op, connections, phase)
        return load_run(self.args, target, op, connections, duration, token, self.invocations)

    def _token(self, op: Operation, connections: int, phase: str) -> str:
        # Names must match [A-Za-z0-9_-]{1,64}; the Lua/loadgen side appends "t<thread>-<counter>".
        return f"b{self.run_id}-{op.key.replace('_', '')}-c{connections}-{phase}-"

    def measure(self, target: Target, op: Operation, connections: int) -> CellResult:
        args = self.args
        if args.warmup > 0:
            self.generator.run(self._load(target, op, connections, args.warmup, "w"))
        cpu_server0 = tree_cpu_seconds(target.pid)
        cpu_gen0 = children_cpu_seconds()
        wall0 = time.monotonic()
        raw = self.generator.run(self._load(target, op, connections, args.duration, "m"))
        wall = time.monotonic() - wall0
        cpu_gen = children_cpu_seconds() - cpu_gen0
        cpu_server = tree_cpu_seconds(target.pid) - cpu_server0
        duration_s = raw["duration_us"] / 1e6
        cell = CellResult(
            target=target.name,
            operation=op.label,
            connections=connections,
            generator=self.generator.name,
            requests=int(raw["requests"]),
            duration_s=duration_s,
            rps=raw["requests"] / duration_s if duration_s > 0 else 0.0,
            p50_ms=raw["p50_us"] / 1000.0,
            p90_ms=raw["p90_us"] / 1000.0,
            p99_ms=raw["p99_us"] / 1000.0,
            max_ms=raw["max_us"] / 1000.0,
            non2xx=int(raw["non2xx"]),
            socket_errors=int(raw["err_connect"] + raw["err_read"] + raw["err_write"] + raw["err_timeout"]),
            server_cpu_pct=100.0 * cpu_server / wall if wall > 0 else None,
            generator_cpu_pct=100.0 * cpu_gen / wall if wall > 0 else 0.0,
            statuses={str(k): int(v) for k, v in (raw.get("statuses") or {}).items()},
            error_sample=raw.get("error_sample"),
        )
        flag = "  <-- ERRORS" if cell.errors else ""
        who = "" if target.name in ("smsvoice", "ceiling") else f"[{target.name}] "
        print(
            f"  {who}{op.label:<36} c={connections:<3} {cell.rps:>9.0f} req/s  p50 {cell.p50_ms:6.2f} ms  "
            f"p99 {cell.p99_ms:6.2f} ms  errors {cell.errors}{flag}",
            flush=True,
        )
        self.report.cells.append(cell)
        return cell
