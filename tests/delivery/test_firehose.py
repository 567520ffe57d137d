"""Firehose destinations: PutRecordBatch, one newline-terminated JSON record per event."""

from __future__ import annotations

import json

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import MOTO_ACCOUNT, Aws, Outbox, entry, unique, wait_for_status
from tests.support.waiting import wait_until

ROLE = f"arn:aws:iam::{MOTO_ACCOUNT}:role/sms-voice-to-firehose"


def test_s3_objects_hold_newline_framed_records(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    stream_arn, bucket = aws.firehose_to_bucket(unique("events"))
    rows = [entry("FIREHOSE", stream_arn, role=ROLE) for _ in range(3)]
    outbox.add(rows)

    wait_until(lambda: aws.bucket_text(bucket).count("\n") >= 3, timeout=30)
    text = aws.bucket_text(bucket)

    assert text.endswith("\n")
    lines = text.splitlines()
    assert sorted(lines) == sorted(row.record for row in rows)
    assert all(json.loads(line)["eventType"] == "TEXT_DELIVERED" for line in lines)
    wait_for_status(delivering_server.endpoint, [row.message_id for row in rows], "DELIVERED")


def test_a_large_backlog_goes_in_calls_of_at_most_500_records(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    stream_arn, bucket = aws.firehose_to_bucket(unique("backlog"))
    rows = [entry("FIREHOSE", stream_arn, role=ROLE) for _ in range(1201)]
    outbox.add(rows)

    wait_until(lambda: aws.bucket_text(bucket).count("\n") >= 1201, timeout=60)

    assert sorted(aws.bucket_text(bucket).splitlines()) == sorted(row.record for row in rows)
    # moto writes one object per PutRecordBatch call.
    objects = aws.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"]
    assert objects >= 3
