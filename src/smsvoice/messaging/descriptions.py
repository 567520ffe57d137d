"""`messageStatusDescription`: one fixed string per status, in AWS's own words where AWS has any.

Apps classify failed messages by substrings of this text (GC Notify's receipt handler looks for
"blocked", "invalid", "unknown error", "phone carrier is currently unreachable/unavailable", ...), so
the strings come from the vocabulary AWS publishes:

* AWS's records: SUCCESSFUL "Message has been accepted by phone carrier" (user guide,
  configuration-sets-event-format.html), DELIVERED "Message has been accepted by phone" and
  TTL_EXPIRED "The delivery TTL has expired" (records captured from the real service).
* Every other SMS/MMS verdict: the SNS SMS delivery-failure reasons AWS documents
  (https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html#sms_stats_delivery_fail_reasons),
  the vocabulary real v2 failure records use. Which reason goes with which `messageStatus` is not
  published: each pairing below is smsvoice's choice by meaning, and docs/messaging.md lists them.

Voice records have no `messageStatusDescription` (AWS's published voice record has none), so voice
statuses are not here. RCS descriptions are smsvoice's own words (AWS publishes none).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# SMS and MMS statuses (TEXT_* and MEDIA_*).
MESSAGE_DESCRIPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # AWS's words, from published and captured records.
        "SUCCESSFUL": "Message has been accepted by phone carrier",
        "DELIVERED": "Message has been accepted by phone",
        "TTL_EXPIRED": "The delivery TTL has expired",
        # SNS delivery-failure reasons, paired by meaning (a choice).
        "INVALID": "Invalid phone number",
        "INVALID_MESSAGE": "Message body is invalid",
        "UNREACHABLE": "Phone is currently unreachable/unavailable",
        "CARRIER_UNREACHABLE": "Phone carrier is currently unreachable/unavailable",
        "BLOCKED": "Phone has blocked SMS",
        "CARRIER_BLOCKED": "Phone carrier has blocked this message",
        "SPAM": "Blocked as spam by phone carrier",
        "UNKNOWN": "Unknown error attempting to reach phone",
        # A protect configuration blocks the destination as a list would (a choice).
        "PROTECT_BLOCKED": "Destination is on a blocked list",
        # The media file failures have no reason of their own: the message's body is what failed.
        "FILE_INACCESSIBLE": "Message body is invalid",
        "FILE_TYPE_UNSUPPORTED": "Message body is invalid",
        "FILE_SIZE_EXCEEDED": "Message body is invalid",
        # Not verdicts: AWS publishes no wording; these are smsvoice's.
        "QUEUED": "Message has been queued for delivery",
        "PENDING": "Message is being delivered to the phone carrier",
    }
)

RCS_DESCRIPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "QUEUED": "The RCS message is queued for delivery",
        "SENT": "The RCS message has been sent to the RCS platform",
        "DELIVERED": "The RCS message has been delivered to the device",
        "FAILED": "The RCS message could not be delivered",
        "TTL_EXPIRED": "The delivery TTL has expired",
        "PROTECT_BLOCKED": "Destination is on a blocked list",
        "FALLEN_BACK_TO_SMS": "The destination cannot receive RCS; the fallback message was sent instead",
    }
)


def description(channel: str, status: str) -> str:
    """The `messageStatusDescription` of a TEXT, MEDIA or RCS record in `status`."""
    table = RCS_DESCRIPTIONS if channel == "RCS" else MESSAGE_DESCRIPTIONS
    return table[status]
