"""What a test asserts about a refused boto3 call."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

_MODELED_MEMBERS = ("Reason", "ResourceType", "ResourceId")


def error_of(info: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    """Code, HTTP status and the modeled members of an error (only those present)."""
    response = info.value.response
    return {
        "Code": response["Error"]["Code"],
        "Status": response["ResponseMetadata"]["HTTPStatusCode"],
        **{key: response[key] for key in _MODELED_MEMBERS if key in response},
    }
