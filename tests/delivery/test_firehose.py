"""Firehose destinations: by default one PutRecord per record, each Firehose record the bare JSON (AWS's
documented role policy grants only firehose:PutRecord); `--firehose-framing ndjson-batch` switches to
PutRecordBatch of newline-terminated records."""

from __future__ import annotations

import json
from collections.abc import Callable

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import MOTO_ACCOUNT, Aws, Outbox, entry, unique, wait_for_status
from tests.support.waiting import wait_until

ROLE = f"arn:aws:iam::{MOTO_ACCOUNT}:role/sms-voice-to-firehose"


def _objects(aws: Aws, bucket: str) -> list[str]:
    s3 = aws.client("s3")
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    return [s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() for key in keys]


def _put_record_only_role(aws: Aws, stream_arn: str) -> str:
    """A role built as AWS documents it for a Firehose event destination: trusted by
    sms-voice.amazonaws.com, allowed only firehose:PutRecord on the stream
    (https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-kinesis-creating-role.html).
    moto's IAM does not enforce the policy, so the test counts the calls instead."""
    iam = aws.client("iam")
    name = unique("sms-voice-firehose")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sms-voice.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["firehose:PutRecord"], "Resource": stream_arn}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="put-record", PolicyDocument=json.dumps(policy))
    return str(role)


def test_each_record_is_one_put_record_of_bare_json(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    stream_arn, bucket = aws.firehose_to_bucket(unique("events"))
    role = _put_record_only_role(aws, stream_arn)
    rows = [entry("FIREHOSE", stream_arn, role=role) for _ in range(3)]
    outbox.add(rows)

    wait_for_status(delivering_server.endpoint, [row.message_id for row in rows], "DELIVERED")
    objects = _objects(aws, bucket)

    # moto writes one S3 object per call: three calls, one record each, with no framing added.
    assert sorted(objects) == sorted(row.record for row in rows)
    assert all(json.loads(text)["eventType"] == "TEXT_DELIVERED" for text in objects)
    assert not any(text.endswith("\n") for text in objects)


def _batching_server(delivering: Callable[..., ServerProcess]) -> tuple[ServerProcess, Outbox]:
    server = delivering("--firehose-framing", "ndjson-batch")
    return server, Outbox(server.data_dir)


def test_ndjson_batch_framing_writes_newline_terminated_records(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server, outbox = _batching_server(delivering)
    stream_arn, bucket = aws.firehose_to_bucket(unique("ndjson"))
    rows = [entry("FIREHOSE", stream_arn, role=ROLE) for _ in range(3)]
    try:
        outbox.add(rows)
        wait_until(lambda: aws.bucket_text(bucket).count("\n") >= 3, timeout=30)
    finally:
        outbox.close()
    text = aws.bucket_text(bucket)

    assert text.endswith("\n")
    assert sorted(text.splitlines()) == sorted(row.record for row in rows)
    wait_for_status(server.endpoint, [row.message_id for row in rows], "DELIVERED")


def test_ndjson_batch_sends_a_large_backlog_in_calls_of_at_most_500_records(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    _, outbox = _batching_server(delivering)
    stream_arn, bucket = aws.firehose_to_bucket(unique("backlog"))
    rows = [entry("FIREHOSE", stream_arn, role=ROLE) for _ in range(1201)]
    try:
        outbox.add(rows)
        wait_until(lambda: aws.bucket_text(bucket).count("\n") >= 1201, timeout=60)
    finally:
        outbox.close()

    assert sorted(aws.bucket_text(bucket).splitlines()) == sorted(row.record for row in rows)
    # moto writes one object per PutRecordBatch call: at least three calls, far fewer than records.
    objects = aws.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"]
    assert 3 <= objects < 100
