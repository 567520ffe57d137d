"""kill -9 of one node in the middle of a burst of sends: nothing acknowledged is lost.

Two nodes (`--delivery off`) and one `smsvoice worker` share a store; the worker delivers to moto's
server (SNS, with an SQS queue subscribed). Sends go to both nodes from several threads; node A is
killed once some have been answered. Every send answered 200 with a MessageId must be in the store
with its record, and its record must reach the queue. Sends refused by a dead node (connection
errors, or a 200 whose body the kill cut off) were never acknowledged and are not counted; a send in
flight at the kill may or may not have been stored: if it was, its record is delivered like the others.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from smsvoice.testing.environment import fake_aws_environment
from smsvoice.testing.process import ServerProcess, WorkerProcess
from tests.delivery.support import Aws, deliveries, unique
from tests.messaging.support import Inspector
from tests.multinode.support import v2_clients
from tests.support.clients import new_account
from tests.support.waiting import wait_until

SUCCESS_DESTINATION = "+14254147755"  # AWS's US simulator number that always succeeds
THREADS_PER_NODE = 3
SENDS_PER_THREAD = 50  # 300 sends in all
KILL_AFTER = 60  # acknowledged sends before node A is killed


class Burst:
    """Sends from threads, each thread to one node; what each node acknowledged, and what failed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: dict[str, list[str]] = {"a": [], "b": []}
        self.connection_failures = 0
        self.other_failures: list[str] = []
        self.cut_off: list[tuple[str, dict[str, Any]]] = []
        self.enough = threading.Event()

    def run(self, node: str, v2: Any, origination: str) -> None:
        for index in range(SENDS_PER_THREAD):
            try:
                answer = v2.send_text_message(
                    DestinationPhoneNumber=SUCCESS_DESTINATION,
                    OriginationIdentity=origination,
                    MessageBody=f"burst {node} {index}",
                    ConfigurationSetName="events",
                )
            except ClientError as error:  # an answer, but not an acknowledgement: must not happen
                with self.lock:
                    self.other_failures.append(f"{node}: {error}")
                continue
            except BotoCoreError:  # connection refused or cut: the node is dead
                with self.lock:
                    self.connection_failures += 1
                continue
            if "MessageId" not in answer:
                # A 200 whose body was cut off by the kill (botocore parses what arrived): not an
                # acknowledgement, but only the killed node may give one.
                with self.lock:
                    self.cut_off.append((node, {k: v for k, v in answer.items() if k != "ResponseMetadata"}))
                continue
            with self.lock:
                self.acknowledged[node].append(answer["MessageId"])
                if sum(len(ids) for ids in self.acknowledged.values()) >= KILL_AFTER:
                    self.enough.set()

    def all_acknowledged(self) -> set[str]:
        return {message_id for ids in self.acknowledged.values() for message_id in ids}


@pytest.fixture
def cluster(
    tmp_path: Path, moto_endpoint: str
) -> Iterator[tuple[ServerProcess, ServerProcess, WorkerProcess]]:
    data_dir = tmp_path / "data"
    environment = fake_aws_environment(moto_endpoint)
    args = ("--throttling", "off", "--validate-responses", "--delivery", "off")
    started: list[ServerProcess | WorkerProcess] = []
    try:
        a = ServerProcess(data_dir, *args, env=environment).start()
        started.append(a)
        b = ServerProcess(data_dir, *args, env=environment).start()
        started.append(b)
        worker = WorkerProcess(data_dir, env=environment).start()
        started.append(worker)
        yield a, b, worker
    finally:
        for process in started:
            process.kill()


def tracebacks(*processes: ServerProcess) -> str:
    """The errors the nodes logged, to show with a failed assertion."""
    return "\n".join(
        line
        for process in processes
        for line in process.log_text().splitlines()
        if "Error" in line or "File " in line
    )


def queue_message_ids(aws: Aws, queue_url: str, wanted: set[str], timeout: float = 60.0) -> set[str]:
    """The messageId of every record received from the queue until all `wanted` arrived (or the
    time is up)."""
    sqs = aws.client("sqs")
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while not wanted <= seen and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        for message in messages:
            record = json.loads(message["Body"])
            assert record["eventType"] == "TEXT_SUCCESSFUL"
            seen.add(record["messageId"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if not messages:
            time.sleep(0.1)
    return seen


def test_kill_9_of_a_node_during_a_burst_loses_no_acknowledged_send(
    cluster: tuple[ServerProcess, ServerProcess, WorkerProcess], aws: Aws
) -> None:
    a, b, worker = cluster
    account = new_account()
    v2_a, v2_b = v2_clients([a.endpoint, b.endpoint], account)
    topic, queue_url = aws.topic_with_queue(unique("multinode-burst"))
    origination = v2_a.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="SIMULATOR"
    )["PhoneNumber"]
    v2_a.create_configuration_set(ConfigurationSetName="events")
    v2_b.create_event_destination(
        ConfigurationSetName="events",
        EventDestinationName="to-sns",
        MatchingEventTypes=["TEXT_ALL"],
        SnsDestination={"TopicArn": topic},
    )

    burst = Burst()
    threads = [
        threading.Thread(target=burst.run, args=(node, client, origination), daemon=True)
        for node, client in (("a", v2_a), ("b", v2_b))
        for _ in range(THREADS_PER_NODE)
    ]
    for thread in threads:
        thread.start()
    assert burst.enough.wait(60), "the burst did not get going"
    a.kill()  # SIGKILL, in the middle of the burst
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)

    assert burst.other_failures == [], tracebacks(a, b)
    assert all(node == "a" for node, _ in burst.cut_off), burst.cut_off
    acknowledged = burst.all_acknowledged()
    assert len(acknowledged) == sum(len(ids) for ids in burst.acknowledged.values())  # ids are unique
    # Node A answered some sends before it died and refused the rest; node B answered all of its own.
    assert burst.acknowledged["a"]
    assert burst.connection_failures > 0
    assert len(burst.acknowledged["a"]) + burst.connection_failures <= THREADS_PER_NODE * SENDS_PER_THREAD
    assert len(burst.acknowledged["b"]) == THREADS_PER_NODE * SENDS_PER_THREAD

    # Every acknowledged send is in the store, with its record and its outbox row, read through B.
    inspector = Inspector(b.endpoint)
    stored = {message["message_id"]: message for message in inspector.messages(account=account, limit="1000")}
    assert acknowledged <= set(stored)
    for message_id in acknowledged:
        message = stored[message_id]
        assert message["status"] == "SUCCESSFUL"
        [event] = message["events"]
        assert event["record"]["messageId"] == message_id
        assert event["record"]["eventType"] == "TEXT_SUCCESSFUL"
        [delivery] = event["deliveries"]
        assert delivery["destination_name"] == "to-sns"
        assert delivery["target_arn"] == topic

    # The worker delivers every acknowledged record to SNS, and on to the queue.
    arrived = queue_message_ids(aws, queue_url, acknowledged)
    assert acknowledged - arrived == set()
    assert arrived <= set(stored)  # nothing arrives that is not in the store
    # ... and marks it delivered (just after the queue has it: allow a bounded wait).
    wait_until(
        lambda: (
            acknowledged
            <= {
                row["message_id"]
                for row in deliveries(b.endpoint, status="DELIVERED", account=account, limit="10000")
            }
        ),
        timeout=30,
        interval=0.1,
    )
    assert b.health().status_code == 200
    assert worker.process is not None and worker.process.poll() is None
