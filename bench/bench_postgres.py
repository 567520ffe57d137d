"""Benchmark durable v2 SendTextMessage on the embedded store and on PostgreSQL (one node, two nodes).

One run, at ``--connections`` (default 16) for ``--duration`` seconds (default 10) per cell:

1. ``smsvoice serve`` on the embedded SQLite store, set up as ``bench_send.py`` does (throttling
   off, event delivery off, a toll-free number, a configuration set with an SNS event destination
   matching ALL, a fixed body): every send commits its message, its two records (TEXT_SUCCESSFUL, then
   TEXT_DELIVERED: a US route returns handset receipts) and their outbox rows;
2. the same on PostgreSQL, one node (``--database-url``) on a fresh database;
3. two nodes on one fresh database, the load spread over both: two load generators (half the
   connections each) run at the same time; requests/s is their sum, p50 and p99 the worse of the two;
4. the database's own ceiling for such writes: psycopg 3 from as many threads as connections, each
   looping a single-row INSERT + COMMIT into a scratch table; commits/s and p50/p99 per commit.

Each PostgreSQL database is made for the run, brought up to date with ``smsvoice db upgrade`` and
dropped at the end. By default the run starts a throwaway cluster (``harness/postgres.py``: initdb
+ pg_ctl, fsync and synchronous_commit on, 127.0.0.1 only), stopped and removed at the end, Ctrl-C
and SIGTERM included; ``--postgres URL`` uses an existing server instead, where only the run's own
databases are created and dropped.

While each PostgreSQL cell runs on the throwaway cluster, a thread flushes 8 KB to a file beside the
database's every 50 ms and reports how long the disk took (``harness/disk.py``): every durable commit
waits for such a flush, so a disk that stalls shows in the sends' p99. Each cell also reports the
share of the machine's CPU time the hypervisor took meanwhile (steal, from /proc/stat): on a shared
virtual machine it comes and goes, and a cell with a few percent of it has less CPU than the one
before.

Prints a markdown table, the PostgreSQL version and durability settings, and the verdict on the goal:
PostgreSQL one node at least 1,500 durable sends/s with p99 under 20 ms.

Run with ``.venv/bin/python bench/bench_postgres.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench_send import ACCOUNT, RECORDS_PER_SEND, _count_stored, _provision, _send_operation
from harness import children
from harness.cpu import machine_ticks, steal_percent, tree_cpu_seconds
from harness.disk import DiskProbe
from harness.generators import pick_generator
from harness.load import Generator, LoadRun
from harness.measure import load_run
from harness.operations import Operation
from harness.options import default_server_cmd
from harness.postgres import (
    Databases,
    WaitSampler,
    commit_ceiling,
    postmaster_pid,
    settings,
    throwaway_cluster,
)
from harness.probes import preflight
from harness.provision import ORIGIN_FORMS, origination_as
from harness.servers import start_server
from harness.target import Target
from harness.wrk import WrkGenerator
from smsvoice.testing.stores import POSTGRES_ENV

CELLS = ("sqlite", "pg1", "pg2", "ceiling")
ONE_NODE = "PostgreSQL, 1 node"
GOAL_SENDS_PER_SECOND = 1_500
GOAL_P99_MS = 20.0
UPGRADE_TIMEOUT_SECONDS = 180.0
GENERATOR_SLACK_SECONDS = 60.0


@dataclass
class Row:
    target: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: list[float | None] = field(default_factory=list)  # one per node
    postgres_cpu: float | None = None
    answered: int = 0
    stored: tuple[int, int, int] | None = None
    error_sample: str | None = None
    per_node: list[dict[str, Any]] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)  # what the database's sessions were doing
    disk: str | None = None  # the flushes of the disk under the database while the cell ran
    steal: float | None = None  # % of the machine's CPU time the hypervisor took while the cell ran
    disk_p99_ms: float | None = None  # the p99 of the disk probe's flushes while the cell ran


def _cpu_text(values: list[float | None]) -> str:
    if not values or any(v is None for v in values):
        return "-"
    return " + ".join(f"{v:.0f}%" for v in values if v is not None)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _upgrade(server_cmd: list[str], url: str, log: Path) -> None:
    """`smsvoice db upgrade --database-url URL` on a fresh database."""
    done = subprocess.run(
        [*server_cmd, "db", "upgrade", "--database-url", url],
        capture_output=True,
        text=True,
        timeout=UPGRADE_TIMEOUT_SECONDS,
        check=False,
        start_new_session=True,
    )
    log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(
            f"smsvoice db upgrade failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}"
        )


class Runner:
    """Measures cells of one or more servers under load at the same time."""

    def __init__(self, args: argparse.Namespace, generator: Generator, pair_generator: Generator) -> None:
        self.args = args
        self.generator = generator
        self.pair_generator = pair_generator
        self.run_id = uuid.uuid4().hex[:6]
        self.invocations = 0
        # The throwaway cluster's directory, whose disk the database cells sample (harness/disk.py).
        self.disk_dir: Path | None = None

    def _load(self, target: Target, op: Operation, connections: int, duration: float, phase: str) -> LoadRun:
        self.invocations += 1
        token = f"b{self.run_id}-{target.name}-c{connections}-{phase}{self.invocations}-"
        return load_run(self.args, target, op, connections, duration, token, self.invocations)

    def _together(self, generator: Generator, loads: list[LoadRun]) -> list[dict[str, Any]]:
        """Run the loads at the same time, one generator process each; their parsed results."""
        if len(loads) == 1:
            return [generator.run(loads[0])]
        results: list[dict[str, Any] | BaseException | None] = [None] * len(loads)

        def run(index: int) -> None:
            try:
                results[index] = generator.run(loads[index])
            except BaseException as exc:
                results[index] = exc

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(loads))]
        for thread in threads:
            thread.start()
        limit = time.monotonic() + max(load.duration for load in loads) + GENERATOR_SLACK_SECONDS
        for thread in threads:
            thread.join(timeout=max(0.0, limit - time.monotonic()))
        out = []
        for result in results:
            if isinstance(result, BaseException):
                raise RuntimeError(f"load generator failed: {result}") from result
            if result is None:
                raise RuntimeError("load generator did not finish in time")
            out.append(result)
        return out

    def measure(
        self,
        label: str,
        targets: list[Target],
        ops: list[Operation],
        connections: int,
        postgres: int | None = None,
        database: str | None = None,
    ) -> Row:
        """Warm up, then load every target at once with its share of ``connections``."""
        args = self.args
        generator = self.generator if len(targets) == 1 else self.pair_generator
        shares = [
            connections // len(targets) + (1 if i < connections % len(targets) else 0)
            for i in range(len(targets))
        ]
        if args.warmup > 0:
            self._together(
                generator,
                [
                    self._load(t, op, c, args.warmup, "w")
                    for t, op, c in zip(targets, ops, shares, strict=True)
                ],
            )
        loads = [
            self._load(t, op, c, args.duration, "m") for t, op, c in zip(targets, ops, shares, strict=True)
        ]
        server0 = [tree_cpu_seconds(t.pid) for t in targets]
        pg0 = tree_cpu_seconds(postgres) if postgres else 0.0
        ticks0 = machine_ticks()
        wall0 = time.monotonic()
        with contextlib.ExitStack() as stack:
            sampler = stack.enter_context(WaitSampler(database)) if database else None
            disk = stack.enter_context(DiskProbe(self.disk_dir)) if database and self.disk_dir else None
            raws = self._together(generator, loads)
        wall = time.monotonic() - wall0
        steal = steal_percent(ticks0, machine_ticks())
        server_cpu: list[float | None] = [
            100.0 * (tree_cpu_seconds(t.pid) - c0) / wall if wall > 0 else None
            for t, c0 in zip(targets, server0, strict=True)
        ]
        pg_cpu = 100.0 * (tree_cpu_seconds(postgres) - pg0) / wall if postgres and wall > 0 else None
        per_node = []
        for target, share, raw in zip(targets, shares, raws, strict=True):
            seconds = raw["duration_us"] / 1e6
            errors = int(raw["non2xx"]) + sum(
                int(raw[k]) for k in ("err_connect", "err_read", "err_write", "err_timeout")
            )
            per_node.append(
                {
                    "node": target.name,
                    "connections": share,
                    "requests": int(raw["requests"]),
                    "rps": raw["requests"] / seconds if seconds > 0 else 0.0,
                    "p50_ms": raw["p50_us"] / 1000.0,
                    "p99_ms": raw["p99_us"] / 1000.0,
                    "errors": errors,
                    "non2xx": int(raw["non2xx"]),
                    "error_sample": raw.get("error_sample"),
                }
            )
        row = Row(
            target=label,
            connections=connections,
            rps=sum(n["rps"] for n in per_node),
            p50_ms=max(n["p50_ms"] for n in per_node),
            p99_ms=max(n["p99_ms"] for n in per_node),
            errors=sum(n["errors"] for n in per_node),
            server_cpu=server_cpu,
            postgres_cpu=pg_cpu,
            answered=sum(n["requests"] - n["non2xx"] for n in per_node),
            error_sample=next((n["error_sample"] for n in per_node if n["error_sample"]), None),
            per_node=per_node,
            waits=sampler.summary() if sampler is not None else [],
            disk=disk.summary() if disk is not None else None,
            disk_p99_ms=disk.p99_ms() if disk is not None else None,
            steal=steal,
        )
        detail = ""
        if len(per_node) > 1:
            detail = (
                "  ("
                + ", ".join(f"{n['node']} {n['rps']:.0f} req/s p99 {n['p99_ms']:.2f} ms" for n in per_node)
                + ")"
            )
        print(
            f"  {label:<36} c={connections:<3} {row.rps:>7.0f} req/s  p50 {row.p50_ms:6.2f} ms  p99 {row.p99_ms:6.2f} ms  "
            f"errors {row.errors}  server CPU {_cpu_text(server_cpu)}  PostgreSQL CPU {_percent(pg_cpu)}{detail}",
            flush=True,
        )
        return row


def _start(
    name: str, server_cmd: list[str], extra: list[str], workdir: Path, url: str | None = None
) -> Target:
    data_dir = Path(tempfile.mkdtemp(prefix=f"data-{name}-", dir=workdir))  # SQLite's; unused with a URL
    store = ["--database-url", url] if url else []
    server, _ = start_server(
        server_cmd, [*extra, *store], data_dir, workdir / f"server-{name}.log", name=name
    )
    return server


def _prepare(server: Target, origin: str) -> Operation:
    """Provision the number and the configuration set, then send one message by hand; the sends name
    their origination as `--origin` says."""
    send = _send_operation(origination_as(server.port, ACCOUNT, _provision(server.port), origin))
    problem = preflight(server.port, send)
    if problem is not None:
        raise RuntimeError(f"{server.name}: {problem}")
    return send


def _run(
    args: argparse.Namespace, workdir: Path, server_url: str, dbs: Databases, info: dict[str, Any]
) -> list[Row]:
    generator = pick_generator(
        args.generator, allow_install=not args.no_install, workdir=workdir, wrk_threads=None
    )
    if isinstance(generator, WrkGenerator):
        # Two wrk processes with one thread each: as many load threads as one wrk at 16 connections.
        pair_generator: Generator = WrkGenerator(generator.executable, workdir, threads=1)
    else:
        pair_generator = generator
        info["notes"].append("load from the Python asyncio generator: its figures are lower bounds")
    info["generator"] = generator.name
    runner = Runner(args, generator, pair_generator)
    runner.disk_dir = info.get("disk_dir")
    server_cmd = shlex.split(args.server_cmd)
    extra = ["--delivery", "off", *shlex.split(args.server_args)]
    info["server_cmd"] = shlex.join(
        [*server_cmd, "serve", "--host", "127.0.0.1", "--port", "0", "--throttling", "off", *extra]
    )
    conns = args.connections
    pg_pid = postmaster_pid(database_url_of(server_url))
    info["postgres_pid"] = pg_pid
    rows: list[Row] = []

    print(f"smsvoice: {info['server_cmd']}", flush=True)
    if "sqlite" in args.cells:
        rows.append(_sqlite_cell(runner, server_cmd, extra, workdir, conns))
    if "pg1" in args.cells:
        rows.append(_one_node_cell(runner, server_cmd, extra, workdir, conns, dbs, pg_pid))
    if "pg2" in args.cells:
        rows.append(_two_node_cell(runner, server_cmd, extra, workdir, conns, dbs, pg_pid))
    if "ceiling" in args.cells:
        rows.append(_ceiling_cell(args, conns, dbs, pg_pid, info))
    return rows


def _sqlite_cell(runner: Runner, server_cmd: list[str], extra: list[str], workdir: Path, conns: int) -> Row:
    """1. The embedded store."""
    server = _start("sqlite", server_cmd, extra, workdir)
    try:
        send = _prepare(server, runner.args.origin)
        row = runner.measure("SQLite (embedded), 1 node", [server], [send], conns)
        row.answered += 1  # the preflight
        row.stored = _count_stored(server.port)
        return row
    finally:
        children.stop(server.process)


def _one_node_cell(
    runner: Runner,
    server_cmd: list[str],
    extra: list[str],
    workdir: Path,
    conns: int,
    dbs: Databases,
    pg_pid: int | None,
) -> Row:
    """2. PostgreSQL, one node on a fresh database."""
    url = dbs.create("node1")
    _upgrade(server_cmd, url, workdir / "upgrade-node1.log")
    server = _start("pg1", server_cmd, extra, workdir, url)
    try:
        send = _prepare(server, runner.args.origin)
        row = runner.measure(ONE_NODE, [server], [send], conns, pg_pid, url)
        row.answered += 1
        row.stored = _count_stored(server.port)
        return row
    finally:
        children.stop(server.process)


def _two_node_cell(
    runner: Runner,
    server_cmd: list[str],
    extra: list[str],
    workdir: Path,
    conns: int,
    dbs: Databases,
    pg_pid: int | None,
) -> Row:
    """3. PostgreSQL, two nodes on one fresh database, each under half the load."""
    url = dbs.create("nodes2")
    _upgrade(server_cmd, url, workdir / "upgrade-nodes2.log")
    first = _start("pg2a", server_cmd, extra, workdir, url)
    try:
        second = _start("pg2b", server_cmd, extra, workdir, url)
        try:
            # Provisioned through one node: the other sees it in the database.
            send = _prepare(first, runner.args.origin)
            problem = preflight(second.port, send)
            if problem is not None:
                raise RuntimeError(f"second node: {problem}")
            label = f"PostgreSQL, 2 nodes ({conns // 2}+{conns - conns // 2} conns)"
            row = runner.measure(label, [first, second], [send, send], conns, pg_pid, url)
            row.answered += 2
            row.stored = _count_stored(first.port)
            return row
        finally:
            children.stop(second.process)
    finally:
        children.stop(first.process)


def _ceiling_cell(
    args: argparse.Namespace, conns: int, dbs: Databases, pg_pid: int | None, info: dict[str, Any]
) -> Row:
    """4. The database's own ceiling for durable single-row commits, into a scratch table."""
    url = dbs.create("ceiling")
    print(f"  ceiling: INSERT + COMMIT, psycopg, {conns} threads ...", flush=True)

    def cpu_probe() -> list[float]:  # CPU seconds of this process (the client) and of PostgreSQL
        mine = resource.getrusage(resource.RUSAGE_SELF)
        return [mine.ru_utime + mine.ru_stime, tree_cpu_seconds(pg_pid) if pg_pid else 0.0]

    result = commit_ceiling(
        url, conns, args.duration, warmup=args.warmup, max_commits=args.max_requests, probe=cpu_probe
    )
    client_cpu, pg_cpu = (100.0 * x for x in result.probed)
    row = Row(
        target=f"ceiling: PostgreSQL INSERT + COMMIT, psycopg, {conns} threads",
        connections=conns,
        rps=result.rate,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.failures,
        server_cpu=[None],
        postgres_cpu=pg_cpu if pg_pid else None,
        answered=result.commits,
        error_sample=result.first_failure,
    )
    print(
        f"  {'ceiling':<36} c={conns:<3} {row.rps:>7.0f} commits/s  p50 {row.p50_ms:6.2f} ms  "
        f"p99 {row.p99_ms:6.2f} ms  errors {row.errors}  client CPU {client_cpu:.0f}%  "
        f"PostgreSQL CPU {_percent(row.postgres_cpu)}",
        flush=True,
    )
    info["notes"].append(f"The ceiling's psycopg client (this process) used {client_cpu:.0f}% CPU.")
    return row


def database_url_of(server_url: str) -> str:
    return f"{server_url.rstrip('/')}/postgres"


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| target | conns | requests/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        errors = f"**{row.errors}**" if row.errors else "0"
        lines.append(
            f"| {row.target} | {row.connections} | {row.rps:,.0f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {errors} | "
            f"{_cpu_text(row.server_cpu)} | {_percent(row.postgres_cpu)} |"
        )
    return lines


def _notes(rows: list[Row], info: dict[str, Any]) -> list[str]:
    lines = []
    for row in rows:
        if row.stored is not None:
            messages, events, deliveries = row.stored
            ok = events == deliveries == RECORDS_PER_SEND * messages and messages >= row.answered
            lines.append(
                f"{row.target}: stored {messages:,} messages, {events:,} event records, {deliveries:,} outbox rows "
                f"for {row.answered:,} successful sends (warm-ups add to the stored count)"
                + (
                    ""
                    if ok
                    else " -- WARNING: some answered sends are missing their message, record or outbox row"
                )
                + "."
            )
        if row.error_sample:
            lines.append(f"{row.target}: first error: {row.error_sample}")
        cpu = [c for c in row.server_cpu if c is not None]
        if row.rps > 0 and (cpu or row.postgres_cpu is not None):
            parts = [f"{10 * sum(cpu) / row.rps:.2f} ms of smsvoice CPU"] if cpu else []
            if row.postgres_cpu is not None:
                parts.append(f"{10 * row.postgres_cpu / row.rps:.2f} ms of PostgreSQL CPU")
            lines.append(f"{row.target}: {' and '.join(parts)} per request (or commit).")
        for wait in row.waits:
            lines.append(f"{row.target}: pg_stat_activity: {wait}")
        if row.steal is not None:
            lines.append(
                f"{row.target}: CPU time the hypervisor took from this machine meanwhile (steal): {row.steal:.1f}%"
            )
        if row.disk:
            lines.append(
                f"{row.target}: the disk under PostgreSQL meanwhile (each commit waits for a flush): {row.disk}"
            )
    return lines


def _verdict(rows: list[Row]) -> str:
    row = next((r for r in rows if r.target == ONE_NODE), None)
    if row is None:
        return "Goal not measured."
    met = row.rps >= GOAL_SENDS_PER_SECOND and row.p99_ms < GOAL_P99_MS and not row.errors
    return (
        f"Goal: PostgreSQL one node at {row.connections} connections, at least {GOAL_SENDS_PER_SECOND:,} durable "
        f"sends/s with p99 under {GOAL_P99_MS:g} ms: {'MET' if met else 'MISSED'} ({row.rps:,.0f} sends/s, "
        f"p99 {row.p99_ms:.2f} ms{', with errors' if row.errors else ''})"
        + (
            # Every answered send waited for a flush: a disk whose own p99 is near the goal decides it.
            f"; the disk's own flush p99 meanwhile: {row.disk_p99_ms:.2f} ms."
            if row.disk_p99_ms is not None
            else "."
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per cell (default 10)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds before each cell (default 1)"
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="connections per cell, split over the nodes; ceiling threads (default 16)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="use this existing PostgreSQL server (e.g. postgresql+psycopg://postgres@127.0.0.1:5432) instead of "
        "a throwaway cluster; the run creates and drops only databases of its own there",
    )
    parser.add_argument("--server-cmd", default=default_server_cmd(), help="command that starts smsvoice")
    parser.add_argument(
        "--server-args", default="", help="more arguments for `serve`, e.g. --database-pool-size 16"
    )
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    parser.add_argument(
        "--max-requests", type=int, default=2_000_000, help="request (and commit) bound per cell"
    )
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    parser.add_argument(
        "--keep-workdir", action="store_true", help="keep the temp dir (server logs, SQLite data)"
    )
    parser.add_argument(
        "--origin",
        choices=ORIGIN_FORMS,
        default="number",
        help="how each send names its origination: the number's E.164 form (default), its PhoneNumberId, "
        "its ARN, a pool holding it, or none (the server picks the account's number)",
    )
    parser.add_argument(
        "--cells",
        type=_parse_cells,
        default=list(CELLS),
        help=f"which cells to run (default {','.join(CELLS)})",
    )
    return parser


def _parse_cells(text: str) -> list[str]:
    cells = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in cells if c not in CELLS]
    if not cells or unknown:
        raise argparse.ArgumentTypeError(f"cells are a comma-separated list of {', '.join(CELLS)}")
    return cells


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 2 <= args.connections <= 1024:
        raise SystemExit("--connections must be 2..1024 (the two-node cell splits them)")
    # The servers' store must be the one this script picks, whatever the test suite's variable says.
    os.environ.pop(POSTGRES_ENV, None)
    workdir = Path(tempfile.mkdtemp(prefix="smsvoice-bench-pg-"))
    info: dict[str, Any] = {"notes": []}
    load_before = os.getloadavg()[0]
    previous = signal.signal(signal.SIGTERM, children.interrupt_on_sigterm)
    rows: list[Row] = []
    try:
        with contextlib.ExitStack() as stack:  # unwinds: servers stopped, databases dropped, cluster stopped
            if args.postgres:
                server_url = args.postgres
                info["postgres"] = f"existing server {server_url}"
                print(f"PostgreSQL: {info['postgres']}", flush=True)
            else:
                cluster = stack.enter_context(throwaway_cluster())
                server_url = cluster.url
                info["postgres"] = f"throwaway cluster on 127.0.0.1:{cluster.port}, {cluster.bin_dir}"
                info["disk_dir"] = cluster.data_dir
                print(f"PostgreSQL: throwaway cluster {cluster.url}, data in {cluster.root}", flush=True)
            dbs = Databases(server_url, f"smsvoice_bench_{uuid.uuid4().hex[:8]}")
            stack.callback(dbs.drop_all)
            stack.callback(children.stop_all)
            info["settings"] = settings(database_url_of(server_url))
            rows = _run(args, workdir, server_url, dbs, info)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        children.stop_all()
        signal.signal(signal.SIGTERM, previous)
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    s = info["settings"]
    print()
    print(
        f"PostgreSQL {s['server_version']} ({info['postgres']}): fsync={s['fsync']}, "
        f"synchronous_commit={s['synchronous_commit']}, wal_sync_method={s['wal_sync_method']}, "
        f"commit_delay={s['commit_delay']}"
    )
    print(
        f"Load: {info['generator']}, {args.duration:g} s per cell after {args.warmup:g} s of warm-up, sends "
        f"naming their origination by {args.origin}; "
        f"1-minute load average at the start {load_before:.2f}{' (busy machine: figures are noisy)' if load_before > 0.5 else ''}."
    )
    print()
    for line in _table(rows):
        print(line)
    print()
    for line in [*_notes(rows, info), *info["notes"]]:
        print(line)
    print(
        "server CPU: the smsvoice process(es), 100% = one core (two nodes: each); PostgreSQL CPU: the postmaster "
        "and all its backends (on an existing server, whatever else runs on it too)."
    )
    if info.get("postgres_pid") is None:
        print("PostgreSQL CPU not measured: the server's processes are not visible on this machine.")
    print(_verdict(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"rows": [asdict(r) for r in rows], "settings": s, "postgres": info["postgres"]}, indent=2
            )
        )
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
