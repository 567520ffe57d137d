"""Helpers of the delivery tests: the AWS side (moto's server), outbox rows, the deliveries API."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import boto3
import httpx

from smsvoice.store import Store, Transaction, open_store
from smsvoice.store.outbox import OutboxEntry
from smsvoice.store.sql import Statement
from smsvoice.testing.environment import REGION
from smsvoice.testing.stores import store_url
from tests.support.waiting import wait_until

MOTO_ACCOUNT = "123456789012"  # moto's default account: where the process's own credentials land


class Aws:
    """boto3 clients to moto's server, for setting up destinations and reading records back."""

    def __init__(self, endpoint: str, credentials: dict[str, str] | None = None) -> None:
        self.endpoint = endpoint
        self._credentials = credentials or {
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, **self._credentials)

    def as_role(self, role_arn: str) -> Aws:
        """Clients acting in the role's account (moto files assumed-role calls under that account)."""
        found = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="tests")["Credentials"]
        return Aws(
            self.endpoint,
            {
                "aws_access_key_id": found["AccessKeyId"],
                "aws_secret_access_key": found["SecretAccessKey"],
                "aws_session_token": found["SessionToken"],
            },
        )

    def topic_with_queue(self, name: str) -> tuple[str, str]:
        """An SNS topic with an SQS queue subscribed (raw delivery: the queue holds the bare message)."""
        topic = self.client("sns").create_topic(Name=name)["TopicArn"]
        queue_url = self.queue(name)
        sqs = self.client("sqs")
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.client("sns").subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
        )
        return topic, queue_url

    def queue(self, name: str) -> str:
        return str(self.client("sqs").create_queue(QueueName=name)["QueueUrl"])

    def drain(self, queue_url: str, expected: int, timeout: float = 30.0) -> list[str]:
        """Receive until `expected` distinct messages arrived (or the time is up); returns every body,
        duplicates included (delivery is at least once)."""
        sqs = self.client("sqs")
        bodies: list[str] = []
        deadline = time.monotonic() + timeout
        while len(set(bodies)) < expected and time.monotonic() < deadline:
            answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = answer.get("Messages", [])
            for message in messages:
                bodies.append(message["Body"])
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            if not messages:
                time.sleep(0.1)
        return bodies

    def log_group(self, name: str) -> str:
        logs = self.client("logs")
        logs.create_log_group(logGroupName=name)
        # `logGroupArn` has no trailing ':*' (`arn` has one); the tests use both forms.
        return str(logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["logGroupArn"])

    def log_events(self, group: str) -> list[dict[str, Any]]:
        logs = self.client("logs")
        events: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(100):
            page = logs.filter_log_events(logGroupName=group, **({"nextToken": token} if token else {}))
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                break
        return events

    def firehose_to_bucket(self, name: str) -> tuple[str, str]:
        """A Firehose delivery stream writing to a new S3 bucket; returns (stream ARN, bucket)."""
        bucket = f"smsvoice-{name}".lower()[:60]
        self.client("s3").create_bucket(Bucket=bucket)
        answer = self.client("firehose").create_delivery_stream(
            DeliveryStreamName=name,
            ExtendedS3DestinationConfiguration={
                "RoleARN": f"arn:aws:iam::{MOTO_ACCOUNT}:role/firehose-to-s3",
                "BucketARN": f"arn:aws:s3:::{bucket}",
            },
        )
        return str(answer["DeliveryStreamARN"]), bucket

    def bucket_text(self, bucket: str) -> str:
        s3 = self.client("s3")
        keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
        return "".join(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() for key in keys)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def record_for(message_id: str, event_type: str = "TEXT_DELIVERED", **extra: Any) -> str:
    """An event record as the outbox holds it (JSON text); the shape is the sender's business."""
    return json.dumps({"eventType": event_type, "messageId": message_id, **extra}, separators=(",", ":"))


def entry(
    kind: str,
    target_arn: str,
    *,
    role: str | None = None,
    message_id: str | None = None,
    event_type: str = "TEXT_DELIVERED",
    configuration_set: str = "cs1",
    destination: str = "dest1",
    account: str = "111122223333",
    region: str = REGION,
    event_id: int = 1,
) -> OutboxEntry:
    message_id = message_id or str(uuid.uuid4())
    return OutboxEntry(
        account=account,
        region=region,
        message_id=message_id,
        event_id=event_id,
        event_type=event_type,
        configuration_set=configuration_set,
        destination_name=destination,
        destination_kind=kind,
        target_arn=target_arn,
        iam_role_arn=role,
        record=record_for(message_id, event_type),
    )


class Outbox:
    """The test's own connection to a server's store, to write rows the way the sender does."""

    def __init__(self, data_dir: Path) -> None:
        self.store: Store = open_store(store_url(data_dir), upgrade=True)

    def add(self, entries: Iterable[OutboxEntry], now: float | None = None) -> None:
        rows = list(entries)
        self.store.run_sync(lambda tx: tx.outbox.enqueue(rows, time.time() if now is None else now))

    def execute(self, sql: str, **params: Any) -> list[Any]:
        """Raw SQL on the store's file, for checks the store's interface has no reason to offer."""

        def work(tx: Transaction) -> list[Any]:
            cursor = Statement(sql).execute(tx, params)
            return list(cursor.fetchall()) if cursor.description is not None else []

        return self.store.run_sync(work)

    def close(self) -> None:
        self.store.close()


def deliveries(endpoint: str, **query: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{endpoint}/_smsvoice/deliveries", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["deliveries"]
    return rows


def wait_for_status(endpoint: str, message_ids: Iterable[str], status: str, timeout: float = 30.0) -> None:
    wanted = set(message_ids)

    def done() -> bool:
        rows = [row for row in deliveries(endpoint) if row["message_id"] in wanted]
        return len(rows) >= len(wanted) and all(row["status"] == status for row in rows)

    wait_until(done, timeout=timeout, interval=0.1)
