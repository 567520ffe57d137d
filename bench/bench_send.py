"""Benchmark v2 SendTextMessage with its event records written, beside the same run's bare-server ceiling.

One run:

1. serves ``harness/ceiling_app.py`` (uvicorn, parse the JSON body, answer ``{}``) and measures a POST of the
   same size as the send, at each connection count;
2. starts ``smsvoice serve`` on a fresh temporary data dir (throttling off, event delivery off so the
   delivery workers do not compete for the CPU; the records still go into the outbox), provisions one
   account with a toll-free number and a configuration set whose SNS event destination matches ALL,
   and drives SendTextMessage from that number through that set: each send commits, in one
   transaction, the message, its two event records (a US toll-free route returns handset receipts:
   TEXT_SUCCESSFUL, then TEXT_DELIVERED), their outbox rows and EventBridge events;
3. checks through the inspection API that every answered send was stored with its record, and prints
   a markdown table (sends/s, p50, p99, ratio to the ceiling) and the verdict on the goal:
   2,000 sends/s with p99 under 20 ms at 16 connections.

The load generator, process handling and ceiling come from ``harness/`` (wrk when available, else
the asyncio generator of ``harness/loadgen.py``). Everything targets 127.0.0.1; each load run
is bounded in time and in requests; every child process is stopped on exit.

Run with ``.venv/bin/python bench/bench_send.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from harness import children
from harness.baseline import Baseline, IdleWatch, checkout, describe_current, rows_with_baseline
from harness.ceiling import start_ceiling
from harness.generators import pick_generator
from harness.load import PythonGenerator
from harness.measure import Bench
from harness.operations import CEILING_LABEL, Operation, v2_headers
from harness.options import default_server_cmd, parse_connections
from harness.probes import preflight
from harness.provision import provision_sender, sns_destination
from harness.report import CellResult, Report, format_percent
from harness.servers import start_server
from harness.target import Target
from smsvoice.testing.process import LOOPBACK

ACCOUNT = "222233334444"
DESTINATION = "+12065550142"
# A US toll-free route returns handset receipts: TEXT_SUCCESSFUL (not final), then TEXT_DELIVERED.
RECORDS_PER_SEND = 2
GOAL_CONNECTIONS = 16
GOAL_SENDS_PER_SECOND = 2_000
GOAL_P99_MS = 20.0


def _send_operation(origination: str | None) -> Operation:
    """The send; without an origination the server picks one of the account's numbers."""
    fields: dict[str, object] = {
        "DestinationPhoneNumber": DESTINATION,
        "MessageBody": "Your code is 123456. It expires in 10 minutes.",
        "ConfigurationSetName": "bench",
        "Context": {"source": "bench"},
    }
    if origination is not None:
        fields["OriginationIdentity"] = origination
    body = json.dumps(fields)
    return Operation(
        key="v2_send_text",
        label="v2 SendTextMessage (+record, outbox)",
        method="POST",
        path="/",
        headers=v2_headers("SendTextMessage"),
        static_body=body,
        account=ACCOUNT,
    )


def _ceiling_operation(size: int) -> Operation:
    """A POST to the ceiling with a body as large as the send's."""
    padding = "x" * max(0, size - len('{"p": ""}'))
    return Operation(
        key="ceiling",
        label=CEILING_LABEL,
        method="POST",
        path="/",
        headers=v2_headers("SendTextMessage"),
        static_body=json.dumps({"p": padding}),
    )


def _provision(port: int) -> str:
    """A toll-free number and a configuration set with an SNS destination for every event type."""
    return provision_sender(port, ACCOUNT, "bench", sns_destination(ACCOUNT, "bench"))


def _count_stored(port: int) -> tuple[int, int, int]:
    """Messages, event records and outbox rows of the bench account, read back through the inspection API."""
    messages = events = deliveries = 0
    offset = 0
    with httpx.Client(base_url=f"http://{LOOPBACK}:{port}", timeout=60) as http:
        for _ in range(100_000):  # bounded: 10,000 messages a page
            page = http.get(
                "/_smsvoice/messages", params={"account": ACCOUNT, "limit": "10000", "offset": str(offset)}
            ).json()["messages"]
            for message in page:
                messages += 1
                events += len(message["events"])
                deliveries += sum(len(event["deliveries"]) for event in message["events"])
            if len(page) < 10_000:
                break
            offset += len(page)
    return messages, events, deliveries


def _start_baseline(baseline: Baseline, extra: list[str], workdir: Path) -> tuple[Target, Operation]:
    """The baseline server, provisioned like the current one; (target, its send operation)."""
    data_dir = Path(tempfile.mkdtemp(prefix="data-baseline-", dir=workdir))
    server, _ = start_server(
        baseline.server_cmd,
        extra,
        data_dir,
        workdir / "server-baseline.log",
        env=baseline.env,
        name="baseline",
    )
    send = _send_operation(_provision(server.port))
    problem = preflight(server.port, send)
    if problem is not None:
        raise RuntimeError(f"baseline {baseline.name}: {problem}")
    return server, send


def _run(
    args: argparse.Namespace, report: Report, workdir: Path, baseline: Baseline | None = None
) -> dict[str, Any]:
    generator = pick_generator(
        args.generator, allow_install=not args.no_install, workdir=workdir, wrk_threads=None
    )
    if isinstance(generator, PythonGenerator):
        report.notes.append("load from the Python asyncio generator: its figures are lower bounds")
    report.generator = generator.name
    bench = Bench(args, generator, report)
    server_cmd = shlex.split(args.server_cmd)
    # Delivery off: the records are still written to the outbox; publishing them is bench_delivery.py's.
    extra = ["--delivery", "off", *shlex.split(args.server_args)]
    report.server_cmd = shlex.join([*server_cmd, "serve", "...", *extra])
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
    server, startup = start_server(server_cmd, extra, data_dir, workdir / "server.log")
    report.startup_s.append(startup)
    answered = 0
    old = None
    result: dict[str, Any] = {}
    try:
        origination = _provision(server.port)
        send = _send_operation(origination)
        problem = preflight(server.port, send)
        if problem is not None:
            raise RuntimeError(problem)
        answered += 1
        size = len(send.static_body or "")
        print(f"smsvoice: {report.server_cmd}; sending from {origination} to {DESTINATION}", flush=True)
        if baseline is not None:
            old, old_send = _start_baseline(baseline, extra, workdir)
            old_bench, idle, old_answered = Bench(args, generator, report), IdleWatch(), 1
        for connections in args.connections:
            if old is None:
                cell = bench.measure(server, send, connections)  # each cell warms up first (--warmup)
            else:  # alternate, so that the noisy machine's drift hits both
                cell = idle.measure(bench, server, send, connections, old)
                old_cell = idle.measure(old_bench, old, old_send, connections, server)
                old_answered += old_cell.requests - old_cell.non2xx
            answered += cell.requests - cell.non2xx
        stored = _count_stored(server.port)
        if old is not None and baseline is not None:
            result = {
                "baseline": f"{baseline.ref} {baseline.commit}",
                "baseline_answered": old_answered,
                "baseline_stored": _count_stored(old.port),
            }
            report.notes.append(idle.note(baseline, describe_current()))
    finally:
        children.stop(server.process)
        if old is not None:
            children.stop(old.process)

    print("ceiling: bare ASGI app (uvicorn, orjson parse, 200 {})", flush=True)
    ceiling = start_ceiling(workdir)
    try:
        for connections in args.connections:
            bench.measure(ceiling, _ceiling_operation(size), connections)
    finally:
        children.stop(ceiling.process)
    return {"answered": answered, "stored": stored, **result}


def _stored_lines(stored: tuple[int, int, int], answered: int, whose: str = "") -> list[str]:
    messages, events, deliveries = stored
    lines = [
        f"Stored for the bench account{whose}: {messages:,} messages, {events:,} event records, "
        f"{deliveries:,} outbox rows (measured successful sends: {answered:,}; warm-ups and the preflight add "
        "to the stored count)."
    ]
    if not (events == deliveries == RECORDS_PER_SEND * messages and messages >= answered):
        lines.append(f"WARNING{whose}: some answered sends are missing their message, record or outbox row.")
    return lines


def _verdict(report: Report, stored: dict[str, Any]) -> list[str]:
    lines = _stored_lines(stored["stored"], stored["answered"])
    if "baseline_stored" in stored:
        lines += _stored_lines(stored["baseline_stored"], stored["baseline_answered"], " (baseline)")
    cell = next(
        (c for c in report.cells if c.target == "smsvoice" and c.connections == GOAL_CONNECTIONS),
        None,
    )
    if cell is None:
        lines.append(f"Goal not measured: run with {GOAL_CONNECTIONS} among --connections.")
        return lines
    met = cell.rps >= GOAL_SENDS_PER_SECOND and cell.p99_ms < GOAL_P99_MS and not cell.errors
    lines.append(
        f"Goal at {GOAL_CONNECTIONS} connections: {GOAL_SENDS_PER_SECOND:,} sends/s with p99 under "
        f"{GOAL_P99_MS:g} ms: {'MET' if met else 'MISSED'} ({cell.rps:,.0f} sends/s, p99 {cell.p99_ms:.2f} ms"
        f"{', with errors' if cell.errors else ''})."
    )
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per cell (default 5)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds before each cell (default 1)"
    )
    parser.add_argument(
        "--connections",
        type=parse_connections,
        default=[1, 16, 64],
        help="connection counts (default 1,16,64)",
    )
    parser.add_argument("--server-cmd", default=default_server_cmd(), help="command that starts smsvoice")
    parser.add_argument("--server-args", default="", help="more arguments for `serve`")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="request bound per cell")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir (logs, data)")
    parser.add_argument(
        "--baseline-ref",
        metavar="REF",
        help="also measure a server run from REF's code (a temporary git worktree), cell by cell "
        "alternating with the current one, and print both with their ratio",
    )
    return parser


def _row(cell: CellResult, label: str) -> str:
    return (
        f"| {label} | {cell.connections} | {cell.rps:,.0f} | {cell.p50_ms:.2f} | {cell.p99_ms:.2f} | "
        f"{format_percent(100 * cell.ratio if cell.ratio is not None else None)} | {cell.errors} | "
        f"{format_percent(cell.server_cpu_pct)} |"
    )


def _rows(report: Report, baseline_name: str | None) -> list[str]:
    """One row per cell; with a baseline, each server cell is followed by the baseline's and their ratio."""
    return rows_with_baseline(report.cells, baseline_name, _row, blank_columns=3)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    report = Report(
        generator="?", duration_s=args.duration, warmup_s=args.warmup, connections=args.connections
    )
    workdir = Path(tempfile.mkdtemp(prefix="smsvoice-bench-send-"))
    baseline_name = None
    previous = None
    if args.baseline_ref:  # the worktree must go on SIGTERM too
        previous = signal.signal(signal.SIGTERM, children.interrupt_on_sigterm)
    try:
        with contextlib.ExitStack() as stack:  # the worktree is removed after the servers are stopped
            baseline = stack.enter_context(checkout(args.baseline_ref)) if args.baseline_ref else None
            baseline_name = baseline.name if baseline is not None else None
            try:
                stored = _run(args, report, workdir, baseline)
            finally:
                children.stop_all()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        children.stop_all()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    report.fill_ratios()
    print()
    print("| target | conns | requests/s | p50 ms | p99 ms | ratio to ceiling | errors | server CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in _rows(report, baseline_name):
        print(row)
    print()
    for line in [*_verdict(report, stored), *report.notes]:
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps({"cells": [vars(c) for c in report.cells], **stored}, indent=2))
    return 1 if any(cell.errors for cell in report.cells) else 0


if __name__ == "__main__":
    raise SystemExit(main())
