"""Benchmark event delivery: events delivered per second, and send-to-delivered latency.

Two AWS sides, both on 127.0.0.1:

* a **local sink**: a tiny HTTP server in this process that speaks Firehose `PutRecordBatch` (JSON
  1.1, what boto3 sends) well enough for boto3, answers every record as accepted and notes when each
  arrived. It measures smsvoice's own delivery path, with the AWS side costing next to nothing.
* **moto's server** (`ThreadedMotoServer`, Firehose to S3): a realistic but slow AWS stand-in.

For each side:

1. **Throughput**: N event records are written into the outbox of a fresh store (as the sender
   does, through `store.outbox.enqueue`), then `smsvoice serve` starts on that store; the figure is
   N divided by the time from the server's "ready" line to the last record marked DELIVERED. A
   backlog is used because sends themselves (one HTTP request each) cannot reach thousands per
   second on two cores, and the delivery path is what is measured here.
2. **Latency**: SendTextMessage from a simulator number to the simulator's success number, paced at
   `--rate` per second, through a configuration set whose Firehose destination matches ALL; the
   latency of a message is from just before its send call to the moment its first and its final
   record were marked DELIVERED in the outbox (for the local sink also to when they arrived there).

Every load is bounded (event and send counts), and every process this script starts is stopped on
exit. Run `.venv/bin/python bench/bench_delivery.py --help`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

from harness.firehose_sink import SinkState, local_sink
from smsvoice.store import Transaction, open_store
from smsvoice.store.outbox import OutboxEntry
from smsvoice.testing.environment import REFUSING_ENDPOINT, REGION, fake_aws_environment
from smsvoice.testing.process import LOOPBACK, ServerProcess

ACCOUNT = "123456789012"
STREAM = "bench-events"
STREAM_ARN = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{STREAM}"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/bench-events"
SIMULATOR_SUCCESS = "+14254147755"
GOAL_EVENTS_PER_SECOND = 5000.0
GOAL_P50_MS = 50.0
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **credentials)
    s3.create_bucket(Bucket="bench-events")
    boto3.client("firehose", endpoint_url=endpoint, region_name=REGION, **credentials).create_delivery_stream(
        DeliveryStreamName=STREAM,
        ExtendedS3DestinationConfiguration={"RoleARN": ROLE_ARN, "BucketARN": "arn:aws:s3:::bench-events"},
    )
    try:
        yield endpoint
    finally:
        moto.stop()


# -- smsvoice -------------------------------------------------------------------------------------


def aws_env(endpoint: str, *, sink_only: bool) -> dict[str, str]:
    if sink_only:
        # Only Firehose goes to the sink; everything else would fail fast on a closed port.
        return {**fake_aws_environment(REFUSING_ENDPOINT), "AWS_ENDPOINT_URL_FIREHOSE": endpoint}
    return fake_aws_environment(endpoint)


def server(data_dir: Path, endpoint: str, *, sink_only: bool) -> ServerProcess:
    args = ["--throttling", "off", "--log-level", "warning", *server_args(sink_only)]
    return ServerProcess(data_dir, *args, env=aws_env(endpoint, sink_only=sink_only)).start(timeout=30)


def server_args(sink_only: bool) -> list[str]:
    # Measured with the batch framing (PutRecordBatch, 500 records a call); smsvoice's default is one
    # PutRecord per record, as AWS's role policy implies, which costs a call per record. The local
    # sink speaks no STS, so roles are not assumed there.
    framing = ["--firehose-framing", "ndjson-batch"]
    return [*framing, "--delivery-assume-role", "off"] if sink_only else framing


def db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'smsvoice.db').resolve()}"


def outbox_state(data_dir: Path) -> tuple[int, int, float | None]:
    """(pending, dead, latest delivered_at) read straight from the store."""
    import sqlite3

    connection = sqlite3.connect(data_dir / "smsvoice.db", timeout=30)
    try:
        pending, dead, latest = connection.execute(
            "SELECT sum(status = 'PENDING'), sum(status = 'DEAD'), max(delivered_at) FROM outbox"
        ).fetchone()
    finally:
        connection.close()
    return int(pending or 0), int(dead or 0), latest


# -- throughput -----------------------------------------------------------------------------------


@dataclass
class Throughput:
    target: str
    events: int
    seconds: float
    events_per_second: float
    dead: int


def fill_outbox(data_dir: Path, count: int) -> None:
    store = open_store(db_url(data_dir))
    now = time.time()
    try:
        for start in range(0, count, 5000):
            entries = []
            for index in range(start, min(count, start + 5000)):
                message_id = str(uuid.uuid4())
                record = json.dumps(
                    {
                        "eventType": "TEXT_DELIVERED",
                        "eventVersion": "1.0",
                        "eventTimestamp": int(now * 1000),
                        "isFinal": True,
                        "messageId": message_id,
                        "destinationPhoneNumber": SIMULATOR_SUCCESS,
                        "messageStatus": "DELIVERED",
                        "messageStatusDescription": "Message has been accepted by phone",
                        "totalMessageParts": 1,
                        "totalMessagePrice": 0.00581,
                        "totalCarrierFee": 0.00302,
                        "bench": index,
                    },
                    separators=(",", ":"),
                )
                entries.append(
                    OutboxEntry(
                        account=ACCOUNT,
                        region=REGION,
                        message_id=message_id,
                        event_id=index,
                        event_type="TEXT_DELIVERED",
                        configuration_set="bench",
                        destination_name="firehose",
                        destination_kind="FIREHOSE",
                        target_arn=STREAM_ARN,
                        iam_role_arn=ROLE_ARN,
                        record=record,
                    )
                )

            def write(tx: Transaction, batch: list[OutboxEntry] = entries) -> None:
                tx.outbox.enqueue(batch, now)

            store.run_sync(write)
    finally:
        store.close()


def measure_throughput(
    target: str, endpoint: str, events: int, sink_only: bool, timeout: float
) -> Throughput:
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as folder:
        data_dir = Path(folder)
        fill_outbox(data_dir, events)
        with server(data_dir, endpoint, sink_only=sink_only) as running:
            deadline = time.monotonic() + timeout
            pending = events
            while time.monotonic() < deadline:
                time.sleep(0.2)
                pending, dead, latest = outbox_state(data_dir)
                if pending == 0:
                    break
            if pending:
                raise RuntimeError(f"{target}: {pending} of {events} records still pending after {timeout} s")
            seconds = float(latest or running.ready_at) - running.ready_at
        return Throughput(target, events, round(seconds, 3), round(events / max(seconds, 1e-6), 1), dead)


# -- latency --------------------------------------------------------------------------------------


@dataclass
class Latency:
    target: str
    sends: int
    rate_per_second: float
    first_p50_ms: float
    first_p99_ms: float
    final_p50_ms: float
    final_p99_ms: float
    arrival_p50_ms: float | None = None
    arrival_p99_ms: float | None = None
    records: int = 0
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure_latency(
    target: str,
    endpoint: str,
    sends: int,
    rate: float,
    sink_only: bool,
    sink: SinkState | None,
    timeout: float,
) -> Latency:
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as folder:
        data_dir = Path(folder)
        with server(data_dir, endpoint, sink_only=sink_only) as running:
            account = "".join(str((int(time.time() * 1000) + index) % 10) for index in range(12))
            v2 = boto3.client(
                "pinpoint-sms-voice-v2",
                endpoint_url=running.endpoint,
                region_name=REGION,
                aws_access_key_id=account,
                aws_secret_access_key="bench",
                config=NO_RETRIES,
            )
            number = v2.request_phone_number(
                IsoCountryCode="US",
                MessageType="TRANSACTIONAL",
                NumberCapabilities=["SMS"],
                NumberType="SIMULATOR",
            )["PhoneNumber"]
            v2.create_configuration_set(ConfigurationSetName="bench")
            v2.create_event_destination(
                ConfigurationSetName="bench",
                EventDestinationName="firehose",
                MatchingEventTypes=["ALL"],
                KinesisFirehoseDestination={"IamRoleArn": ROLE_ARN, "DeliveryStreamArn": STREAM_ARN},
            )
            # One warm-up send: the first delivery builds the SDK client (model loading, ~100 ms).
            v2.send_text_message(
                DestinationPhoneNumber=SIMULATOR_SUCCESS,
                OriginationIdentity=number,
                MessageBody="warm-up",
                ConfigurationSetName="bench",
            )
            time.sleep(1.0)
            sent_at: dict[str, float] = {}
            interval = 1.0 / rate
            next_at = time.monotonic()
            for index in range(sends):
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_at += interval
                started = time.time()
                answer = v2.send_text_message(
                    DestinationPhoneNumber=SIMULATOR_SUCCESS,
                    OriginationIdentity=number,
                    MessageBody=f"Your code is {index:06d}",
                    ConfigurationSetName="bench",
                )
                sent_at[answer["MessageId"]] = started
            deadline = time.monotonic() + timeout
            rows: list[dict[str, Any]] = []
            while time.monotonic() < deadline:
                time.sleep(0.3)
                rows = httpx.get(
                    f"{running.endpoint}/_smsvoice/deliveries", params={"account": account}, timeout=30
                ).json()["deliveries"]
                mine = [row for row in rows if row["message_id"] in sent_at]
                if mine and all(row["status"] != "PENDING" for row in mine):
                    break
            delivered: dict[str, list[float]] = {}
            for row in rows:
                if row["message_id"] in sent_at and row["delivered_at"] is not None:
                    delivered.setdefault(row["message_id"], []).append(row["delivered_at"])
            missing = len(sent_at) - len(delivered)
            first = [(min(times) - sent_at[message]) * 1000 for message, times in delivered.items()]
            final = [(max(times) - sent_at[message]) * 1000 for message, times in delivered.items()]
            result = Latency(
                target,
                sends,
                rate,
                round(percentile(first, 0.5), 1),
                round(percentile(first, 0.99), 1),
                round(percentile(final, 0.5), 1),
                round(percentile(final, 0.99), 1),
                records=sum(len(times) for times in delivered.values()),
            )
            if missing:
                result.notes.append(f"{missing} messages had no delivered record within {timeout} s")
            if sink is not None:
                with sink.lock:
                    arrivals = [
                        (min(sink.arrivals[message]) - started) * 1000
                        for message, started in sent_at.items()
                        if message in sink.arrivals
                    ]
                result.arrival_p50_ms = round(percentile(arrivals, 0.5), 1)
                result.arrival_p99_ms = round(percentile(arrivals, 0.99), 1)
            return result


# -- report ---------------------------------------------------------------------------------------


def report(throughputs: list[Throughput], latencies: list[Latency]) -> str:
    lines = [
        "| AWS side | events | seconds | events/s | dead |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {item.target} | {item.events} | {item.seconds} | {item.events_per_second:,.0f} | {item.dead} |"
            for item in throughputs
        ),
        "",
        "| AWS side | sends | rate/s | first record p50 / p99 ms | final record p50 / p99 ms | arrival p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in latencies:
        arrival = "-" if item.arrival_p50_ms is None else f"{item.arrival_p50_ms} / {item.arrival_p99_ms}"
        lines.append(
            f"| {item.target} | {item.sends} | {item.rate_per_second} | {item.first_p50_ms} / {item.first_p99_ms} "
            f"| {item.final_p50_ms} / {item.final_p99_ms} | {arrival} |"
        )
    for item in latencies:
        lines.extend(f"note ({item.target}): {note}" for note in item.notes)
    sink = [item for item in throughputs if item.target == "local sink"]
    if sink:
        verdict = "met" if sink[0].events_per_second >= GOAL_EVENTS_PER_SECOND else "NOT met"
        lines.append(f"\ngoal {GOAL_EVENTS_PER_SECOND:,.0f} events/s into the local sink: {verdict}")
    sink_latency = [item for item in latencies if item.target == "local sink"]
    if sink_latency:
        verdict = "met" if sink_latency[0].first_p50_ms < GOAL_P50_MS else "NOT met"
        lines.append(f"goal p50 send-to-delivered < {GOAL_P50_MS:.0f} ms (local sink): {verdict}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=50_000, help="backlog delivered into the local sink")
    parser.add_argument("--moto-events", type=int, default=5_000, help="backlog delivered into moto's server")
    parser.add_argument("--sends", type=int, default=300, help="messages sent for the latency figures")
    parser.add_argument("--rate", type=float, default=20.0, help="sends per second for the latency figures")
    parser.add_argument("--skip-moto", action="store_true", help="only the local sink")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound on each phase, seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    for name in ("events", "moto_events", "sends"):
        if not 1 <= getattr(args, name) <= 1_000_000:
            parser.error(f"--{name.replace('_', '-')} must be from 1 to 1,000,000")
    if not 0 < args.rate <= 1000:
        parser.error("--rate must be above 0 and at most 1000")

    throughputs: list[Throughput] = []
    latencies: list[Latency] = []
    with local_sink() as (endpoint, state):
        print(f"local sink at {endpoint}: throughput of {args.events} records ...", flush=True)
        throughputs.append(measure_throughput("local sink", endpoint, args.events, True, args.timeout))
        print(f"local sink: latency of {args.sends} sends at {args.rate}/s ...", flush=True)
        latencies.append(
            measure_latency("local sink", endpoint, args.sends, args.rate, True, state, args.timeout)
        )
    if not args.skip_moto:
        with moto_server() as endpoint:
            print(f"moto's server at {endpoint}: throughput of {args.moto_events} records ...", flush=True)
            throughputs.append(
                measure_throughput("moto server", endpoint, args.moto_events, False, args.timeout)
            )
            print(f"moto's server: latency of {args.sends} sends at {args.rate}/s ...", flush=True)
            latencies.append(
                measure_latency("moto server", endpoint, args.sends, args.rate, False, None, args.timeout)
            )
    text = report(throughputs, latencies)
    print()
    print(f"cores: {os.cpu_count()}")
    print(text)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "throughput": [asdict(item) for item in throughputs],
                    "latency": [asdict(item) for item in latencies],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
