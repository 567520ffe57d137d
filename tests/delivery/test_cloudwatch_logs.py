"""CloudWatch Logs destinations: one log event per record, in a stream the worker creates."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import MOTO_ACCOUNT, Aws, Outbox, deliveries, entry, unique, wait_for_status
from tests.support.waiting import wait_until

ROLE = f"arn:aws:iam::{MOTO_ACCOUNT}:role/sms-voice-to-logs"


def test_records_are_log_events_of_the_group(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    name = unique("/sms/events")
    group_arn = aws.log_group(name)
    before = time.time()
    rows = [
        entry(
            "CLOUDWATCH_LOGS",
            group_arn,
            role=ROLE,
            event_type=kind,
            configuration_set="my-set",
            destination="to-logs",
        )
        for kind in ("TEXT_PENDING", "TEXT_SUCCESSFUL", "TEXT_DELIVERED")
    ]
    outbox.add(rows)

    wait_until(lambda: len(aws.log_events(name)) >= 3, timeout=30)
    events = aws.log_events(name)

    assert sorted(event["message"] for event in events) == sorted(row.record for row in rows)
    assert {event["logStreamName"] for event in events} == {"sms-voice/my-set/to-logs"}
    assert all(before * 1000 - 1000 <= event["timestamp"] <= time.time() * 1000 for event in events)
    assert {json.loads(event["message"])["eventType"] for event in events} == {
        "TEXT_PENDING",
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    }
    wait_for_status(delivering_server.endpoint, [row.message_id for row in rows], "DELIVERED")


def test_each_destination_writes_its_own_stream(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    name = unique("/sms/streams")
    group_arn = aws.log_group(name)
    first = entry("CLOUDWATCH_LOGS", group_arn + ":*", role=ROLE, configuration_set="set-a", destination="d1")
    second = entry(
        "CLOUDWATCH_LOGS", group_arn + ":*", role=ROLE, configuration_set="set-b", destination="d:2"
    )
    outbox.add([first, second])

    wait_until(lambda: len(aws.log_events(name)) >= 2, timeout=30)

    streams = {event["logStreamName"]: event["message"] for event in aws.log_events(name)}
    # ':' is not allowed in a stream name; it becomes '_'.
    assert streams == {"sms-voice/set-a/d1": first.record, "sms-voice/set-b/d_2": second.record}


def test_the_destination_role_is_assumed(delivering_server: ServerProcess, outbox: Outbox, aws: Aws) -> None:
    # The group lives in the role's account only, so only a write made as that role can land there.
    role = "arn:aws:iam::210987654321:role/sms-voice-writer"
    as_role = aws.as_role(role)
    name = unique("/sms/cross-account")
    group_arn = as_role.log_group(name)
    assert ":210987654321:" in group_arn
    row = entry("CLOUDWATCH_LOGS", group_arn, role=role)
    outbox.add([row])

    wait_until(lambda: len(as_role.log_events(name)) >= 1, timeout=30)

    assert [event["message"] for event in as_role.log_events(name)] == [row.record]
    wait_for_status(delivering_server.endpoint, [row.message_id], "DELIVERED")


def test_assume_role_off_writes_with_the_process_credentials(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering("--delivery-assume-role", "off")
    role = "arn:aws:iam::210987654321:role/sms-voice-writer"
    name = unique("/sms/own-credentials")
    aws.as_role(role).log_group(name)  # only in the role's account: not where the process writes
    group_arn = f"arn:aws:logs:us-east-1:210987654321:log-group:{name}"
    row = entry("CLOUDWATCH_LOGS", group_arn, role=role)
    writer = Outbox(server.data_dir)
    try:
        writer.add([row])

        def failed() -> bool:
            [seen] = deliveries(server.endpoint, message_id=row.message_id)
            return bool(seen["attempts"] >= 1)

        wait_until(failed, timeout=30)
        [seen] = deliveries(server.endpoint, message_id=row.message_id)
        assert seen["status"] == "PENDING"
        assert "ResourceNotFoundException" in seen["last_error"]

        aws.log_group(name)  # now in the process's own account
        wait_until(lambda: len(aws.log_events(name)) >= 1, timeout=30)
        assert [event["message"] for event in aws.log_events(name)] == [row.record]
    finally:
        writer.close()
