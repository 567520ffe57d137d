"""ARNs of event destinations' AWS resources, in an example account (they are only stored, never reached)."""

from __future__ import annotations

EXAMPLE_ACCOUNT = "111122223333"
REGION = "us-east-1"


def topic_arn(name: str, account: str = EXAMPLE_ACCOUNT) -> str:
    return f"arn:aws:sns:{REGION}:{account}:{name}"


def role_arn(name: str, account: str = EXAMPLE_ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def log_group_arn(name: str, account: str = EXAMPLE_ACCOUNT) -> str:
    return f"arn:aws:logs:{REGION}:{account}:log-group:{name}"


def delivery_stream_arn(name: str, account: str = EXAMPLE_ACCOUNT) -> str:
    return f"arn:aws:firehose:{REGION}:{account}:deliverystream/{name}"
