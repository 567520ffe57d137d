"""Helpers shared by the origination identity tests (phone numbers, sender IDs, pools, keywords, opt-outs)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(info: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    """Code, HTTP status and the modeled members of a v2 error."""
    response = info.value.response
    return {
        "Code": response["Error"]["Code"],
        "Status": response["ResponseMetadata"]["HTTPStatusCode"],
        **{key: response[key] for key in ("Reason", "ResourceType", "ResourceId") if key in response},
    }


def request_number(v2: Any, **overrides: Any) -> dict[str, Any]:
    """A US long code for SMS unless the test says otherwise."""
    params: dict[str, Any] = {
        "IsoCountryCode": "US",
        "MessageType": "TRANSACTIONAL",
        "NumberCapabilities": ["SMS"],
        "NumberType": "LONG_CODE",
        **overrides,
    }
    answer: dict[str, Any] = v2.request_phone_number(**params)
    return answer


def arn_prefix(account: str, region: str = "us-east-1") -> str:
    return f"arn:aws:sms-voice:{region}:{account}:"
