"""Benchmark the smsvoice request path against a bare ASGI "ceiling" on 127.0.0.1.

One run:

1. serves ``harness/ceiling_app.py`` (parse the JSON body, answer ``{}``) with uvicorn and measures a POST
   with a small JSON body at each connection count;
2. starts ``smsvoice serve`` on a fresh temporary data dir with throttling off, measures the time
   from spawning it to the first 200 on ``/_smsvoice/health``, then drives v1
   CreateConfigurationSet, v1 ListConfigurationSets and, when the server knows them, v2
   CreateConfigurationSet / DescribeConfigurationSets at each connection count;
3. prints a markdown table (requests/s, p50, p99, ratio to the ceiling at the same connection
   count, non-2xx and socket errors) and the goals' verdicts.

The load comes from ``wrk`` (installed through apt-get when missing) or, failing that, from the
asyncio generator in ``harness/loadgen.py``.  Every load run is bounded in time and in request count and
only ever targets 127.0.0.1.  All subprocesses are stopped on exit, Ctrl-C and SIGTERM included.

Run with ``.venv/bin/python bench/bench_protocol.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import children
from harness.baseline import Baseline, IdleWatch, checkout, describe_current, rows_with_baseline
from harness.ceiling import start_ceiling
from harness.generators import pick_generator
from harness.load import PythonGenerator
from harness.measure import Bench
from harness.memory import resident_mb
from harness.operations import CEILING_POST, CONFIGURATION_SET_OPERATIONS, Operation
from harness.options import default_server_cmd, parse_connections
from harness.probes import preflight, seed_account
from harness.report import CellResult, Report, format_percent
from harness.servers import start_server
from harness.target import Target
from smsvoice.testing.process import HEALTH_PATH

# Goals from the issue.
GOAL_CONNECTIONS = 16
GOAL_RATIO = 0.25
GOAL_P99_MS = 10.0
# The testing toolkit's goals for a session fixture's server (issue "Testing toolkit"); the first
# benchmark's goal for the time to healthy was 1 s.
GOAL_STARTUP_S = 0.4
GOAL_IDLE_RSS_MB = 80.0
# A 1-minute load average above this when the run starts gets a warning in the report.
BUSY_LOAD_AVERAGE = 0.5


@dataclass
class BaselineRun:
    """``--baseline-ref``: the checkout, and its server's times to healthy (its cells are in the report)."""

    baseline: Baseline
    startup_s: list[float] = field(default_factory=list)
    restart_populated_s: float | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "ref": self.baseline.ref,
            "commit": self.baseline.commit,
            "startup_s": self.startup_s,
            "restart_populated_s": self.restart_populated_s,
        }


def _seed_for(
    port: int,
    op: Operation,
    count: int,
    run_id: str,
    served: dict[str, bool],
    report: Report,
    whose: str = "",
) -> None:
    assert op.seed is not None
    if not served.get(op.seed.key, preflight(port, op.seed) is None):
        note = f"{whose}{op.label}: not seeded, {op.seed.label} is not served; it lists an empty account"
        report.notes.append(note)
        print(f"  {note}", flush=True)
        return
    count = min(count, op.seed.quota)
    started = time.monotonic()
    failures, first = seed_account(port, op, count, f"b{run_id}-seed-{op.key.replace('_', '')}-")
    print(
        f"  {whose}seeded account {op.account} with {count - failures} sets for {op.label} "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    if failures:
        report.notes.append(f"{whose}{op.label}: {failures} of {count} seed creates failed, first: {first}")


def _start_baseline(
    run: BaselineRun, extra_args: list[str], data_dir: Path, log: Path
) -> tuple[Target, float]:
    return start_server(
        run.baseline.server_cmd, extra_args, data_dir, log, env=run.baseline.env, name="baseline"
    )


def _run(args: argparse.Namespace, report: Report, workdir: Path, old_run: BaselineRun | None = None) -> None:
    if args.startup_only:
        _run_startups(args, report, workdir, old_run)
        return
    generator = pick_generator(
        args.generator, allow_install=not args.no_install, workdir=workdir, wrk_threads=args.wrk_threads
    )
    if isinstance(generator, PythonGenerator):
        why = "as asked" if args.generator == "python" else "because wrk is unavailable"
        report.notes.append(
            f"load from the Python asyncio generator ({why}); it costs more CPU than wrk and competes "
            "with the server for the 2 cores, so the server's figures are lower bounds."
        )
    report.generator = generator.name
    bench = Bench(args, generator, report)
    print(f"load generator: {generator.name}; {args.duration:g} s per cell after {args.warmup:g} s warm-up")

    if not args.skip_ceiling:
        print("ceiling: bare ASGI app (uvicorn, orjson parse, 200 {})", flush=True)
        ceiling = start_ceiling(workdir)
        try:
            for connections in args.connections:
                bench.measure(ceiling, CEILING_POST, connections)
        finally:
            children.stop(ceiling.process)

    if args.skip_server:
        return
    server_cmd = shlex.split(args.server_cmd)
    extra_args = shlex.split(args.server_args)
    report.server_cmd = shlex.join([*server_cmd, "serve", "...", *extra_args])
    if not shutil.which(server_cmd[0]):
        report.notes.append(f"server not measured: {server_cmd[0]} not found")
        print(f"server command {server_cmd[0]} not found; skipping the server", flush=True)
        return

    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
    print(f"smsvoice: {report.server_cmd} (data dir {data_dir})", flush=True)
    server, first_startup = start_server(server_cmd, extra_args, data_dir, workdir / "server.log")
    report.startup_s.append(first_startup)
    print(f"  time to healthy: {first_startup * 1000:.0f} ms", flush=True)
    time.sleep(1.0)  # idle: nothing has been asked of it yet
    report.idle_rss_mb = resident_mb(server.pid)
    if report.idle_rss_mb is not None:
        print(f"  idle memory (RSS): {report.idle_rss_mb:.0f} MB", flush=True)
    old: Target | None = None
    old_data_dir = workdir / "data-baseline"
    old_bench, idle = Bench(args, generator, report), IdleWatch()
    try:
        if old_run is not None:
            old_data_dir.mkdir()
            old, old_startup = _start_baseline(
                old_run, extra_args, old_data_dir, workdir / "server-baseline.log"
            )
            old_run.startup_s.append(old_startup)
            print(
                f"  baseline {old_run.baseline.name}: time to healthy: {old_startup * 1000:.0f} ms",
                flush=True,
            )
        served: dict[str, bool] = {}
        old_served: dict[str, bool] = {}
        for op in CONFIGURATION_SET_OPERATIONS:
            if args.operations and op.key not in args.operations:
                continue
            problem = preflight(server.port, op)
            served[op.key] = problem is None
            if problem is not None:
                report.notes.append(problem)
                print(f"  {problem}", flush=True)
                continue
            beside = old
            if old is not None:
                old_problem = preflight(old.port, op)
                old_served[op.key] = old_problem is None
                if old_problem is not None:
                    report.notes.append(f"baseline: {old_problem}")
                    print(f"  baseline: {old_problem}", flush=True)
                    beside = None
            if op.seed is not None and args.seed > 0:
                _seed_for(server.port, op, args.seed, bench.run_id, served, report)
                if beside is not None:
                    _seed_for(beside.port, op, args.seed, old_bench.run_id, old_served, report, "baseline: ")
            for connections in args.connections:
                if beside is None:
                    bench.measure(server, op, connections)
                else:  # alternate, so that the noisy machine's drift hits both
                    idle.measure(bench, server, op, connections, beside)
                    idle.measure(old_bench, beside, op, connections, server)
    finally:
        children.stop(server.process)
        if old is not None:
            children.stop(old.process)
    if old_run is not None:
        report.notes.append(idle.note(old_run.baseline, describe_current()))

    # Restart on the data dir the run has filled, then a few cold starts on fresh dirs.
    restarted, elapsed = start_server(server_cmd, extra_args, data_dir, workdir / "server-restart.log")
    children.stop(restarted.process)
    report.restart_populated_s = elapsed
    if old_run is not None and old is not None:
        restarted, elapsed = _start_baseline(
            old_run, extra_args, old_data_dir, workdir / "server-baseline-restart.log"
        )
        children.stop(restarted.process)
        old_run.restart_populated_s = elapsed
    _cold_starts(args.startup_runs - 1, server_cmd, extra_args, report, workdir, old_run)


def _cold_starts(
    runs: int,
    server_cmd: list[str],
    extra_args: list[str],
    report: Report,
    workdir: Path,
    old_run: BaselineRun | None,
) -> None:
    """`runs` more cold starts on fresh data dirs, each followed by the baseline's when there is one."""
    for i in range(max(0, runs)):
        fresh = Path(tempfile.mkdtemp(prefix=f"fresh{i}-", dir=workdir))
        extra, elapsed = start_server(server_cmd, extra_args, fresh, workdir / f"server-start{i}.log")
        children.stop(extra.process)
        report.startup_s.append(elapsed)
        if old_run is not None:  # alternating, like the cells
            fresh = Path(tempfile.mkdtemp(prefix=f"fresh-baseline{i}-", dir=workdir))
            log = workdir / f"server-baseline-start{i}.log"
            extra, elapsed = _start_baseline(old_run, extra_args, fresh, log)
            children.stop(extra.process)
            old_run.startup_s.append(elapsed)


def _run_startups(
    args: argparse.Namespace, report: Report, workdir: Path, old_run: BaselineRun | None
) -> None:
    """`--startup-only`: the cold starts and the idle memory, no load."""
    server_cmd = shlex.split(args.server_cmd)
    extra_args = shlex.split(args.server_args)
    report.generator = "none (--startup-only)"
    report.server_cmd = shlex.join([*server_cmd, "serve", "...", *extra_args])
    first = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
    server, elapsed = start_server(server_cmd, extra_args, first, workdir / "server.log")
    report.startup_s.append(elapsed)
    time.sleep(1.0)  # idle: nothing has been asked of it yet
    report.idle_rss_mb = resident_mb(server.pid)
    children.stop(server.process)
    if old_run is not None:
        old_first = Path(tempfile.mkdtemp(prefix="data-baseline-", dir=workdir))
        old, elapsed = _start_baseline(old_run, extra_args, old_first, workdir / "server-baseline.log")
        children.stop(old.process)
        old_run.startup_s.append(elapsed)
    _cold_starts(args.startup_runs - 1, server_cmd, extra_args, report, workdir, old_run)
    print(f"time to healthy: {', '.join(f'{s * 1000:.0f}' for s in report.startup_s)} ms", flush=True)


def _cell_row(c: CellResult, label: str) -> str:
    ratio = "-" if c.ratio is None else f"{c.ratio * 100:.1f}%"
    errors = "0"
    if c.errors:
        by_status = ", ".join(f"{n} x {code}" for code, n in sorted(c.statuses.items()))
        errors = f"**{c.errors}** ({by_status or f'{c.non2xx} non-2xx'}; {c.socket_errors} socket)"
    return (
        f"| {label} | {c.connections} | {c.rps:,.0f} | {c.p50_ms:.2f} | {c.p99_ms:.2f} | {ratio} "
        f"| {errors} | {format_percent(c.server_cpu_pct)} | {format_percent(c.generator_cpu_pct)} |"
    )


def _cell_rows(report: Report, old_run: BaselineRun | None) -> list[str]:
    """One row per cell; with a baseline, each server cell is followed by the baseline's and their ratio."""
    name = old_run.baseline.name if old_run is not None else None
    return rows_with_baseline(report.cells, name, _cell_row, blank_columns=4)


def render(report: Report, old_run: BaselineRun | None = None) -> str:
    load = ""
    if report.load_average_before is not None:
        load = f" Load average (1 min) before the run: {report.load_average_before:.2f}."
    lines = [
        f"Load generator: {report.generator}; {report.duration_s:g} s per cell after a "
        f"{report.warmup_s:g} s warm-up; 127.0.0.1; {os.cpu_count()} CPUs.{load}",
        "",
    ]
    if report.cells:
        lines += [
            "| operation | conns | requests/s | p50 ms | p99 ms | ratio to ceiling | errors "
            "| server CPU | generator CPU |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *_cell_rows(report, old_run),
            "",
        ]
    if report.startup_s:
        figures = ", ".join(f"{s * 1000:.0f}" for s in report.startup_s)
        median = statistics.median(report.startup_s)
        verdict = "met" if median < GOAL_STARTUP_S else "MISSED"
        lines.append(
            f"Time to healthy (spawn to first 200 on {HEALTH_PATH}), fresh data dir: {figures} ms "
            f"(median {median * 1000:.0f} ms; goal < {GOAL_STARTUP_S * 1000:.0f} ms: {verdict})."
        )
    if report.idle_rss_mb is not None:
        verdict = "met" if report.idle_rss_mb < GOAL_IDLE_RSS_MB else "MISSED"
        lines.append(
            f"Idle memory (RSS) a second after healthy: {report.idle_rss_mb:.0f} MB "
            f"(goal < {GOAL_IDLE_RSS_MB:.0f} MB: {verdict})."
        )
    if report.restart_populated_s is not None:
        lines.append(
            f"Time to healthy on restart with the data dir this run filled: "
            f"{report.restart_populated_s * 1000:.0f} ms."
        )
    if old_run is not None and old_run.startup_s:
        figures = ", ".join(f"{s * 1000:.0f}" for s in old_run.startup_s)
        restart = ""
        if old_run.restart_populated_s is not None:
            restart = f"; on restart with its filled data dir: {old_run.restart_populated_s * 1000:.0f} ms"
        lines.append(
            f"Time to healthy, baseline {old_run.baseline.name}, fresh data dir: {figures} ms "
            f"(median {statistics.median(old_run.startup_s) * 1000:.0f} ms){restart}."
        )
    goal_cells = [c for c in report.cells if c.target == "smsvoice" and c.connections == GOAL_CONNECTIONS]
    if goal_cells:
        lines.append("")
        lines.append(
            f"Goal at {GOAL_CONNECTIONS} connections: at least {GOAL_RATIO:.0%} of the ceiling and "
            f"p99 under {GOAL_P99_MS:g} ms."
        )
        for c in goal_cells:
            ok_ratio = c.ratio is not None and c.ratio >= GOAL_RATIO
            ok_p99 = c.p99_ms < GOAL_P99_MS
            verdict = "met" if ok_ratio and ok_p99 and not c.errors else "MISSED"
            ratio = "-" if c.ratio is None else f"{c.ratio:.0%}"
            extra = " (run had errors)" if c.errors else ""
            lines.append(f"- {c.operation}: {verdict} (ratio {ratio}, p99 {c.p99_ms:.2f} ms){extra}")
    flagged = [c for c in report.cells if c.errors]
    if flagged:
        lines.append("")
        lines.append(f"WARNING: {len(flagged)} cell(s) had non-2xx responses or socket errors (bold above).")
        for c in flagged:
            if c.error_sample:
                sample = " ".join(c.error_sample.split())
                who = " [baseline]" if c.target == "baseline" else ""
                lines.append(
                    f"- {c.operation}{who}, {c.connections} connections, first error: {sample[:300]}"
                )
    if report.notes:
        lines.append("")
        lines.extend(f"Note: {note}" for note in report.notes)
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per cell (default 5)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds before each cell (default 1)"
    )
    parser.add_argument(
        "--connections",
        type=parse_connections,
        default=[1, 16, 64],
        help="comma-separated connection counts (default 1,16,64)",
    )
    parser.add_argument(
        "--server-cmd",
        default=default_server_cmd(),
        help="command that starts the server; 'serve --host ... --port ... --data-dir ... --throttling off' "
        "is appended (default: the smsvoice script next to this Python)",
    )
    parser.add_argument(
        "--server-args",
        default="",
        help="extra arguments appended to the serve command, e.g. '--log-level warning' (default none)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk (installed with apt-get if missing), the Python fallback, or auto",
    )
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=None,
        help="wrk threads per cell (default 1 for one connection, 2 otherwise)",
    )
    parser.add_argument("--no-install", action="store_true", help="never try to apt-get install wrk")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=2_000_000,
        help="upper bound on requests per cell, on top of the time bound (default 2000000)",
    )
    parser.add_argument(
        "--operations",
        type=lambda s: [p for p in s.split(",") if p],
        default=None,
        help="server operations to run (default all): "
        + ",".join(op.key for op in CONFIGURATION_SET_OPERATIONS),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1000,
        help="configuration sets created in the listed account before the list cells, at most the "
        "per-account quota (default 1000; v2 allows 25)",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=3, help="cold starts timed on fresh dirs (default 3)"
    )
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="only the server's cold starts (--startup-runs of them) and its idle memory, no load",
    )
    parser.add_argument("--skip-ceiling", action="store_true", help="do not measure the ceiling app")
    parser.add_argument("--skip-server", action="store_true", help="measure only the ceiling app")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir (logs, Lua, data)")
    parser.add_argument(
        "--baseline-ref",
        metavar="REF",
        help="also measure a server run from REF's code (a temporary git worktree), cell by cell "
        "alternating with the current one, and print both with their ratio",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.duration <= 0 or args.duration > 600 or args.warmup < 0 or args.warmup > 60:
        raise SystemExit("--duration must be in (0, 600] and --warmup in [0, 60]")
    report = Report(
        generator="",
        duration_s=args.duration,
        warmup_s=args.warmup,
        connections=list(args.connections),
    )
    report.load_average_before = os.getloadavg()[0]
    if report.load_average_before > BUSY_LOAD_AVERAGE:
        report.notes.append(
            f"the machine was busy when the run started (load average {report.load_average_before:.2f}): "
            "other processes take CPU from the server and the generator; the figures are noisy."
        )
    previous = signal.signal(signal.SIGTERM, children.interrupt_on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="smsvoice-bench-"))
    interrupted = False
    failure: str | None = None
    old_run: BaselineRun | None = None
    try:
        with contextlib.ExitStack() as stack:  # the worktree is removed after the servers are stopped
            if args.baseline_ref and not args.skip_server:
                old_run = BaselineRun(stack.enter_context(checkout(args.baseline_ref)))
            try:
                _run(args, report, workdir, old_run)
            finally:
                children.stop_all()
    except KeyboardInterrupt:
        interrupted = True
        report.notes.append("interrupted: the table is partial")
        print("\ninterrupted; stopping subprocesses", file=sys.stderr)
    except RuntimeError as exc:
        failure = str(exc)
        report.notes.append(f"run aborted: {exc.args[0].splitlines()[0] if exc.args else exc}")
    finally:
        children.stop_all()
        signal.signal(signal.SIGTERM, previous)
        if args.keep_workdir or failure:
            print(f"work dir kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report.fill_ratios()
    print()
    print(render(report, old_run))
    if args.json is not None:
        report.write_json(args.json)
        if old_run is not None:
            payload = json.loads(args.json.read_text())
            payload["baseline"] = old_run.as_json()
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
    if failure is not None:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    if interrupted:
        return 130
    return 1 if any(c.errors for c in report.cells) else 0


if __name__ == "__main__":
    sys.exit(main())
