"""boto3 clients for an account of the test's own."""

from __future__ import annotations

import random
from typing import Any

import boto3
from botocore.config import Config

# No client-side retries: a test must see the first answer, throttling included.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def new_account() -> str:
    """A fresh 12-digit access key id, which smsvoice takes as the account id."""
    return "".join(random.choice("0123456789") for _ in range(12))


def client(
    service: str, endpoint: str, account: str, region: str = "us-east-1", config: Config | None = None
) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="test-secret",
        config=config or NO_RETRIES,
    )
