"""Environments for smsvoice child processes whose event delivery must stay on this machine."""

from __future__ import annotations

REGION = "us-east-1"
# Nothing listens on the discard port: delivery fails fast instead of reaching a real AWS.
REFUSING_ENDPOINT = "http://127.0.0.1:9"


def fake_aws_environment(endpoint: str) -> dict[str, str]:
    """AWS settings that send every SDK call to `endpoint` with credentials that are obviously fake."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }


LOOPBACK_AWS = fake_aws_environment(REFUSING_ENDPOINT)
