"""A message as the simulator keeps it: what was sent, what the network knows, and its plan.

The whole object is the `doc` of its row in the messages table (JSON), so a restart finds every
message exactly as it was, plan included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smsvoice.domain.machines import ACCEPTED, Machine, machine_for

FEEDBACK_TIMEOUT_SECONDS = 3600
# TimeToLive when the request gives none: "By default this is 72 hours" (SendTextMessage reference).
DEFAULT_TIME_TO_LIVE = 72 * 3600


@dataclass(slots=True)
class Step:
    """One planned transition: the status to move to, and when (None: only when a test advances it)."""

    status: str
    due_at: float | None


@dataclass(slots=True)
class Reply:
    """An answer the handset will send once the message reached it."""

    body: str
    delay_seconds: float
    due_at: float | None = None  # set when the message reaches its final status


@dataclass(slots=True)
class Plan:
    """The transitions still to come, in order, and how they were chosen."""

    steps: list[Step] = field(default_factory=list)
    manual: bool = False
    step_seconds: float = 0.0
    outcome: str = ""  # the final status the plan leads to
    rule: str = "default"  # the rule id, "simulator-number", "invalid-number" or "default"
    replies: list[Reply] = field(default_factory=list)  # still to come from the handset

    def next_due(self) -> float | None:
        """When the next step, or else the next reply, is due."""
        if self.steps:
            return self.steps[0].due_at
        due = [reply.due_at for reply in self.replies if reply.due_at is not None]
        return min(due) if due else None


@dataclass(slots=True)
class Price:
    message_price: float = 0.0
    carrier_fee: float = 0.0

    @property
    def total(self) -> float:
        return round(self.message_price + self.carrier_fee, 5)


@dataclass(slots=True)
class Message:
    message_id: str
    account: str
    region: str
    api: str  # "v1" or "v2"
    operation: str
    channel: str  # TEXT, MEDIA or VOICE
    destination: str  # E.164
    requested_at: float  # epoch seconds
    origination: str | None = None  # what records show as originationPhoneNumber
    origination_identity: dict[str, Any] | None = None  # kind, ARN, number type, ... of the identity
    configuration_set: str | None = None  # the set's name (v2 or v1, by api)
    message_type: str | None = None
    body: str | None = None
    encoding: str | None = None  # GSM or UNICODE
    parts: int | None = None
    price: Price = field(default_factory=Price)
    iso_country_code: str | None = None
    is_international_send: bool = False
    mcc: str | None = None
    mnc: str | None = None
    carrier_name: str | None = None
    context: dict[str, str] | None = None
    time_to_live: int | None = None
    protect_configuration_id: str | None = None
    feedback_enabled: bool = False
    feedback_status: str | None = None  # RECEIVED or FAILED once PutMessageFeedback set it
    feedback_updated_at: float | None = None
    details: dict[str, Any] = field(default_factory=dict)  # channel specifics: media, voice, keyword...
    # A text whose carrier acceptance is followed by the handset's receipt (TEXT_WITH_RECEIPTS).
    handset_receipts: bool = False
    status: str = ACCEPTED
    updated_at: float = 0.0
    plan: Plan = field(default_factory=Plan)

    @property
    def machine(self) -> Machine:
        return machine_for(self.api, self.channel, self.handset_receipts)

    @property
    def is_final(self) -> bool:
        return self.machine.is_final(self.status)

    def feedback_state(self, now: float) -> str | None:
        """None without message feedback; RECEIVED or FAILED as PutMessageFeedback set it; FAILED an
        hour after sending without it ("an hour after the message feedback record is set to FAILED",
        PutMessageFeedback reference); PENDING before that."""
        if not self.feedback_enabled:
            return None
        if self.feedback_status is not None:
            return self.feedback_status
        return "FAILED" if now - self.requested_at >= FEEDBACK_TIMEOUT_SECONDS else "PENDING"

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Message:
        values = dict(doc)
        plan = dict(values.pop("plan", {}))
        plan["steps"] = [Step(**step) for step in plan.get("steps", [])]
        plan["replies"] = [Reply(**reply) for reply in plan.get("replies", [])]
        values["plan"] = Plan(**plan)
        values["price"] = Price(**values.get("price", {}))
        return cls(**values)
