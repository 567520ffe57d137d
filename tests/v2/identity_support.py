"""Helpers shared by the origination identity tests (phone numbers, sender IDs, pools, keywords, opt-outs)."""

from __future__ import annotations

from typing import Any


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
