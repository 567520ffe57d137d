"""A destination that cannot work is paused as a whole (delivery/breaker.py), not retried per record."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from smsvoice.testing.environment import NO_AWS_CREDENTIALS
from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, Outbox, deliveries, entry, unique, wait_for_status
from tests.delivery.test_sends import send, sms_account
from tests.messaging.support import configuration_set
from tests.support.waiting import wait_until


def paused_destinations(endpoint: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{endpoint}/_smsvoice/deliveries", params={"limit": "1"}, timeout=10)
    assert answer.status_code == 200, answer.text
    paused: list[dict[str, Any]] = answer.json()["paused_destinations"]
    return paused


def attempts_of(endpoint: str, message_ids: set[str]) -> int:
    return sum(row["attempts"] for row in deliveries(endpoint) if row["message_id"] in message_ids)


def test_a_missing_topic_pauses_its_destination_and_every_record_arrives_in_order_once_it_exists(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering()
    name = unique("late-topic")
    topic = f"arn:aws:sns:us-east-1:123456789012:{name}"
    rows = [entry("SNS", topic) for _ in range(20)]
    writer = Outbox(server.data_dir)
    try:
        start = time.time()
        for index, row in enumerate(rows):  # one after the other: creation order is the list's order
            writer.add([row], now=start + index / 1000)
        ids = {row.message_id for row in rows}

        wait_until(lambda: any(p["arn"] == topic for p in paused_destinations(server.endpoint)), timeout=20)
        [pause] = [p for p in paused_destinations(server.endpoint) if p["arn"] == topic]
        assert pause["kind"] == "SNS"
        assert "NotFound" in pause["reason"]
        assert pause["failures_in_a_row"] >= 1
        waiting = [row for row in deliveries(server.endpoint) if row["message_id"] in ids]
        assert {row["status"] for row in waiting} == {"PENDING"}
        assert all(row["parked"] and row["next_attempt_at"] is None for row in waiting)
        assert all("NotFound" in (row["last_error"] or "") for row in waiting)

        # While paused, only probes try the destination: a record or so per pause, never all of them.
        before = attempts_of(server.endpoint, ids)
        time.sleep(2.0)
        during = attempts_of(server.endpoint, ids) - before
        assert during <= 8, f"{during} attempts in 2 s while paused"

        created, queue = aws.topic_with_queue(name)
        assert created == topic
        arrived = aws.drain(queue, expected=len(rows), timeout=30)
        assert arrived == [row.record for row in rows]  # all of them, once each, in creation order
        wait_for_status(server.endpoint, ids, "DELIVERED")
        assert not [p for p in paused_destinations(server.endpoint) if p["arn"] == topic]
        assert f"SNS {topic} works again" in server.log_text()
    finally:
        writer.close()


def test_no_credentials_are_said_once_in_the_log_not_once_per_record(
    delivering: Callable[..., ServerProcess],
) -> None:
    server = delivering(env=NO_AWS_CREDENTIALS)
    topic = f"arn:aws:sns:us-east-1:123456789012:{unique('no-credentials')}"
    rows = [entry("SNS", topic) for _ in range(60)]
    writer = Outbox(server.data_dir)
    try:
        writer.add(rows)
        wait_until(lambda: any(p["arn"] == topic for p in paused_destinations(server.endpoint)), timeout=20)
        [pause] = [p for p in paused_destinations(server.endpoint) if p["arn"] == topic]
        assert "no usable AWS credentials" in pause["reason"]
        time.sleep(2.0)  # several probes fail meanwhile
        health = httpx.get(f"{server.endpoint}/_smsvoice/health", timeout=10).json()
        assert [p["arn"] for p in health["delivery"]["paused_destinations"]] == [topic]
    finally:
        writer.close()
    lines = server.log_text().splitlines()
    assert (
        len([line for line in lines if "no AWS credentials are configured for event delivery" in line]) == 1
    )
    assert len([line for line in lines if f"SNS {topic} paused" in line]) == 1
    assert not [line for line in lines if "delivery failed:" in line]  # no line per record
    remaining = [
        row for row in deliveries(server.endpoint) if row["message_id"] in {r.message_id for r in rows}
    ]
    assert len(remaining) == 60 and {row["status"] for row in remaining} == {"PENDING"}


def health_delivery(endpoint: str) -> dict[str, Any]:
    answer = httpx.get(f"{endpoint}/_smsvoice/health", timeout=10)
    assert answer.status_code == 200, answer.text
    delivery: dict[str, Any] = answer.json()["delivery"]
    return delivery


def test_sends_to_a_paused_destination_do_not_wake_the_worker_for_each_commit(
    delivering: Callable[..., ServerProcess],
) -> None:
    server = delivering(env=NO_AWS_CREDENTIALS)
    v2, number = sms_account(server.endpoint)
    topic = f"arn:aws:sns:us-east-1:123456789012:{unique('paused-wakes')}"
    destination = {"EventDestinationName": "to-sns", "MatchingEventTypes": ["ALL"]}
    configuration_set(v2, "paused", {**destination, "SnsDestination": {"TopicArn": topic}})
    first = send(v2, number, "paused")
    wait_until(lambda: any(p["arn"] == topic for p in paused_destinations(server.endpoint)), timeout=20)
    claims_before = health_delivery(server.endpoint)["claims"]
    sent = {send(v2, number, "paused") for _ in range(120)}  # one commit each, one after the other
    claims = health_delivery(server.endpoint)["claims"] - claims_before
    # A wake per commit would be 120 claims or more; polling alone is a few a second.
    assert claims < 60, f"{claims} claim rounds for 120 sends to a paused destination"
    rows = [row for row in deliveries(server.endpoint) if row["message_id"] in sent | {first}]
    assert {row["message_id"] for row in rows} == sent | {first}
    assert {row["status"] for row in rows} == {"PENDING"}
    assert all(row["parked"] for row in rows if row["message_id"] in sent)
