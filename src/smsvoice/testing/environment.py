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

# A process with no AWS credentials anywhere: none in the environment, no credential or config file, no
# instance metadata (a new user who has not pointed smsvoice at an AWS side yet). The container
# credential variables are left out on purpose: botocore uses them when they are present, even empty.
NO_AWS_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "",
    "AWS_SECRET_ACCESS_KEY": "",
    "AWS_SESSION_TOKEN": "",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ENDPOINT_URL": REFUSING_ENDPOINT,
    "AWS_DEFAULT_REGION": REGION,
}
