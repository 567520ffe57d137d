"""ARNs and resource ids, in one place."""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass

_ARN = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)")

SERVICE = "sms-voice"  # the service part of every v2 resource ARN


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    found = _ARN.fullmatch(text)
    if found is None:
        return None
    return Arn(*found.groups())


def resource_arn(region: str, account: str, resource_type: str, resource_id: str) -> str:
    """`arn:aws:sms-voice:<region>:<account>:<resource-type>/<id>` (user guide, permissions pages)."""
    return f"arn:aws:{SERVICE}:{region}:{account}:{resource_type}/{resource_id}"


def new_resource_id(prefix: str) -> str:
    """AWS's id form: a prefix, a dash and 32 hex digits (for example `phone-dd4a43...`)."""
    return f"{prefix}-{uuid.uuid4().hex}"


def new_uuid4() -> str:
    """A random (version 4) UUID in its usual text form; str(uuid.uuid4()) costs four times more,
    and a send makes two (its request id and its MessageId)."""
    hexed = os.urandom(16).hex()
    variant = "89ab"[int(hexed[16], 16) & 3]
    return f"{hexed[:8]}-{hexed[8:12]}-4{hexed[13:16]}-{variant}{hexed[17:20]}-{hexed[20:]}"


def new_message_id() -> str:
    """A version-4-shaped UUID, as AWS's MessageIds are, whose first 48 bits are the time in milliseconds
    (the rest random): ids made later sort later, so the indexes keyed by message id (messages, their
    records and outbox rows) grow at their right edge and stay in the page cache, instead of taking
    a random page per send once the store outgrows the cache."""
    hexed = f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"
    variant = "89ab"[int(hexed[16], 16) & 3]
    return f"{hexed[:8]}-{hexed[8:12]}-4{hexed[13:16]}-{variant}{hexed[17:20]}-{hexed[20:32]}"


def is_destination_arn(text: str, service: str, resource_prefix: str) -> bool:
    """True for an ARN of `service` whose resource starts with `resource_prefix` (for example `role/`)."""
    arn = parse_arn(text)
    return arn is not None and arn.service == service and arn.resource.startswith(resource_prefix)
