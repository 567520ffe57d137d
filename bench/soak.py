"""Soak: durable SendTextMessage for minutes, watching what grows.

Three servers, one after the other, each on a fresh data dir (SQLite), each driven at 16 connections
with SendTextMessage through a configuration set whose event destination matches ALL:

* **delivery off**: the reference (records still go into the outbox; nothing publishes them), run for
  ``--reference-seconds``;
* **working sink**: a Firehose destination whose AWS side is a local sink in this process that accepts
  every record, run for ``--duration``;
* **dead destination**: an SNS destination on a server with no AWS credentials at all (a new user who
  has not pointed smsvoice at an AWS side yet), run for ``--duration``.

Every 10 seconds it prints sends/s, p50/p99, the server's RSS, the WAL and database sizes, the outbox
backlog and the events delivered per second; at the end, the figures beside the goals (2 cores): last
minute >= 0.9 x first minute, dead destination >= 0.8 x delivery off, WAL under 64 MB throughout, RSS
flat after the first minute.

Every load run is bounded (10 s windows, a request cap); every child process is stopped on exit.
Run ``.venv/bin/python bench/soak.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness import children
from harness.firehose_sink import SinkState, local_sink
from harness.generators import pick_generator
from harness.load import Generator, LoadRun
from harness.memory import resident_mb
from harness.operations import REGION, Operation, v2_headers
from harness.options import default_server_cmd
from harness.provision import provision_sender, sns_destination
from harness.servers import start_server
from harness.target import Target
from smsvoice.testing.environment import NO_AWS_CREDENTIALS, REFUSING_ENDPOINT

ACCOUNT = "222233334444"
DESTINATION = "+12065550142"
CONNECTIONS = 16
WINDOW_SECONDS = 10.0
GOAL_LAST_OVER_FIRST = 0.9
GOAL_DEAD_OVER_OFF = 0.8
GOAL_WAL_MB = 64.0
GOAL_RSS_GROWTH_MB = 10.0  # "flat": what RSS may still gain after the first minute


@dataclass
class Window:
    elapsed_s: float
    sends_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: float
    wal_mb: float
    db_mb: float
    backlog: int
    delivered_per_s: float


@dataclass
class Soak:
    name: str
    windows: list[Window] = field(default_factory=list)

    def minute(self, which: str) -> float:
        """Mean sends/s of the first or last minute (six windows)."""
        count = max(1, int(60 / WINDOW_SECONDS))
        chosen = self.windows[:count] if which == "first" else self.windows[-count:]
        return sum(w.sends_per_s for w in chosen) / max(1, len(chosen))

    def mean(self) -> float:
        return sum(w.sends_per_s for w in self.windows) / max(1, len(self.windows))


def _send_operation(origination: str) -> Operation:
    body = json.dumps(
        {
            "DestinationPhoneNumber": DESTINATION,
            "OriginationIdentity": origination,
            "MessageBody": "Your code is 123456. It expires in 10 minutes.",
            "ConfigurationSetName": "soak",
        }
    )
    return Operation(
        key="soak_send",
        label="v2 SendTextMessage",
        method="POST",
        path="/",
        headers=v2_headers("SendTextMessage"),
        static_body=body,
        account=ACCOUNT,
    )


def _size_mb(path: Path) -> float:
    try:
        return path.stat().st_size / 1e6
    except OSError:
        return 0.0


def _backlog(database: Path) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM outbox WHERE status = 'PENDING'").fetchone()[0])
    finally:
        connection.close()


def _soak(
    name: str,
    generator: Generator,
    args: argparse.Namespace,
    workdir: Path,
    *,
    seconds: float,
    extra: list[str],
    env: dict[str, str],
    destination: Mapping[str, object],
    sink: SinkState | None,
) -> Soak:
    data_dir = Path(tempfile.mkdtemp(prefix=f"data-{name.replace(' ', '-')}-", dir=workdir))
    database = data_dir / "smsvoice.db"
    server_cmd = default_server_cmd().split() if not args.server_cmd else args.server_cmd.split()
    target, _ = start_server(
        server_cmd, extra, data_dir, workdir / f"server-{name.replace(' ', '-')}.log", env=env
    )
    result = Soak(name)
    try:
        send = _send_operation(provision_sender(target.port, ACCOUNT, "soak", destination))
        print(f"\n## {name} ({seconds:.0f} s)\n", flush=True)
        print(
            "|   t s | sends/s | p50 ms | p99 ms | errors | RSS MB | WAL MB | DB MB | backlog | delivered/s |"
        )
        print(
            "|------:|--------:|-------:|-------:|-------:|-------:|-------:|------:|--------:|------------:|"
        )
        started = time.monotonic()
        windows = max(1, round(seconds / WINDOW_SECONDS))
        delivered_before = sink.records if sink else 0
        for index in range(windows):
            window_started = time.monotonic()
            raw = generator.run(_load(target, send, index, name))
            wall = time.monotonic() - window_started
            duration = raw["duration_us"] / 1e6 or WINDOW_SECONDS
            delivered_now = sink.records if sink else 0
            window = Window(
                elapsed_s=time.monotonic() - started,
                sends_per_s=(raw["requests"] - raw.get("non2xx", 0)) / duration,
                p50_ms=raw["p50_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                errors=int(raw.get("non2xx", 0)),
                rss_mb=resident_mb(target.pid) or 0.0,
                wal_mb=_size_mb(database.with_name(database.name + "-wal")),
                db_mb=_size_mb(database),
                backlog=_backlog(database),
                delivered_per_s=(delivered_now - delivered_before) / wall,
            )
            delivered_before = delivered_now
            result.windows.append(window)
            print(
                f"| {window.elapsed_s:5.0f} | {window.sends_per_s:7,.0f} | {window.p50_ms:6.1f} | "
                f"{window.p99_ms:6.1f} | {window.errors:6d} | {window.rss_mb:6.0f} | {window.wal_mb:6.1f} | "
                f"{window.db_mb:5.0f} | {window.backlog:7,d} | {window.delivered_per_s:11,.0f} |",
                flush=True,
            )
    finally:
        children.stop(target.process)
    return result


_invocations = 0


def _load(target: Target, send: Operation, index: int, name: str) -> LoadRun:
    global _invocations
    _invocations += 1
    return LoadRun(
        op=send,
        port=target.port,
        connections=CONNECTIONS,
        duration=WINDOW_SECONDS,
        max_requests=200_000,  # bounded even on a machine far faster than 2 cores
        token=f"soak{_invocations}-",
        account_prefix=f"9{_invocations % 10000:04d}",
    )


def _verdict(off: Soak, working: Soak | None, dead: Soak) -> None:
    print("\n## Against the goals\n")
    print("| figure | measured | goal |")
    print("|---|---:|---:|")
    soaks = [soak for soak in (off, working, dead) if soak is not None]
    for soak in soaks[1:]:
        ratio = soak.minute("last") / max(1e-9, soak.minute("first"))
        print(
            f"| {soak.name}: last minute / first minute | {ratio:.2f} "
            f"({soak.minute('last'):,.0f} / {soak.minute('first'):,.0f} sends/s) | >= {GOAL_LAST_OVER_FIRST} |"
        )
    ratio = dead.mean() / max(1e-9, off.mean())
    print(
        f"| dead destination / delivery off | {ratio:.2f} ({dead.mean():,.0f} / {off.mean():,.0f} sends/s) "
        f"| >= {GOAL_DEAD_OVER_OFF} |"
    )
    for soak in soaks:
        wal = max(w.wal_mb for w in soak.windows)
        print(f"| {soak.name}: largest WAL | {wal:.1f} MB | < {GOAL_WAL_MB:.0f} MB |")
    for soak in soaks[1:]:
        after_first = [w.rss_mb for w in soak.windows if w.elapsed_s > 60]
        if after_first:
            growth = max(after_first) - after_first[0]
            print(
                f"| {soak.name}: RSS growth after the first minute | {growth:.0f} MB "
                f"({after_first[0]:.0f} -> {after_first[-1]:.0f}) | < {GOAL_RSS_GROWTH_MB:.0f} MB |"
            )


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=180.0, help="seconds per delivery configuration")
    parser.add_argument(
        "--reference-seconds", type=float, default=60.0, help="seconds of the delivery-off run"
    )
    parser.add_argument(
        "--only",
        choices=["all", "dead"],
        default="all",
        help="'dead' runs the delivery-off reference and the dead destination only",
    )
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-install", action="store_true", help="do not install wrk")
    parser.add_argument(
        "--server-cmd", default="", help="command that runs smsvoice (default: this checkout's)"
    )
    parser.add_argument("--server-args", default="", help="more flags for smsvoice serve")
    return parser.parse_args()


@contextlib.contextmanager
def _children_stopped() -> Iterator[None]:
    signal.signal(signal.SIGTERM, children.interrupt_on_sigterm)
    try:
        yield
    finally:
        children.stop_all()


def _working_sink(generator: Generator, args: argparse.Namespace, workdir: Path, extra: list[str]) -> Soak:
    """The soak with a Firehose destination whose AWS side (a local sink) accepts every record."""
    with local_sink() as (endpoint, state):
        env = {
            "AWS_ENDPOINT_URL": REFUSING_ENDPOINT,
            "AWS_ENDPOINT_URL_FIREHOSE": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }
        stream = {
            "KinesisFirehoseDestination": {
                "DeliveryStreamArn": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/soak",
                "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/soak",
            }
        }
        return _soak(
            "working sink",
            generator,
            args,
            workdir,
            seconds=args.duration,
            extra=["--delivery-assume-role", "off", *extra],
            env=env,
            destination=stream,
            sink=state,
        )


def main() -> int:
    args = _parse()
    extra = args.server_args.split()
    with _children_stopped(), tempfile.TemporaryDirectory(prefix="smsvoice-soak-") as tmp:
        workdir = Path(tmp)
        generator = pick_generator(
            args.generator, allow_install=not args.no_install, workdir=workdir, wrk_threads=None
        )
        print(
            f"# smsvoice soak: {CONNECTIONS} connections, {WINDOW_SECONDS:.0f} s windows, load from {generator.name}"
        )
        topic = sns_destination(ACCOUNT, "soak")
        off = _soak(
            "delivery off",
            generator,
            args,
            workdir,
            seconds=args.reference_seconds,
            extra=["--delivery", "off", *extra],
            env=NO_AWS_CREDENTIALS,
            destination=topic,
            sink=None,
        )
        working = _working_sink(generator, args, workdir, extra) if args.only == "all" else None
        dead = _soak(
            "dead destination",
            generator,
            args,
            workdir,
            seconds=args.duration,
            extra=extra,
            env=NO_AWS_CREDENTIALS,
            destination=topic,
            sink=None,
        )
        _verdict(off, working, dead)
    return 0


if __name__ == "__main__":
    sys.exit(main())
