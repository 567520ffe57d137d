"""What a send hands the pipeline: the message to be, resolved and priced, but not yet checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from smsvoice.domain import pricing
from smsvoice.domain.message import DEFAULT_TIME_TO_LIVE
from smsvoice.domain.phone_numbers import NumberInfo
from smsvoice.messaging.rules import Decision
from smsvoice.store import Document


@dataclass(slots=True)
class Origin:
    """Where the message comes from, as records and refusals see it."""

    identity: str | None  # what records show as originationPhoneNumber
    details: dict[str, Any] | None = None  # kind, ARN, number type, ... (the inspection API shows it)
    opt_out_list: str | None = None  # the opt-out list recipients are checked against
    iso_country_code: str | None = None
    number_type: str | None = None


@dataclass(slots=True)
class Ceiling:
    """A price the caller will not pay more than (MaxPrice, MaxPricePerMinute)."""

    value: str
    member: str  # the request member that set it, as errors name it
    compared: Decimal  # what it is compared with: the price, or the price of one minute


@dataclass(slots=True)
class Outgoing:
    channel: str  # TEXT, MEDIA, VOICE or RCS
    destination: NumberInfo
    origin: Origin
    configuration_set_name: str | None = None
    # The set's event destinations as the caller just read them (None: read when a record is written).
    event_destinations: list[Document] | None = None
    body: str | None = None
    message_type: str | None = None
    encoding: str | None = None
    parts: int | None = None
    details: dict[str, Any] = field(default_factory=dict)  # channel specifics: media, voice, keyword...
    price: pricing.Price | None = None  # None: free (and not counted toward a spend limit)
    ceiling: Ceiling | None = None
    context: dict[str, str] | None = None
    time_to_live: int | None = DEFAULT_TIME_TO_LIVE
    feedback_enabled: bool = False
    protect_configuration_id: str | None = None
    check_recipient: bool = True  # opt-outs and the sandbox apply
    valid_number: bool = True  # False: the simulator fails the message as an invalid destination
    decision: Decision | None = None  # a fixed fate; None: the simulator's rules decide
    # False for the answers to a handset's keyword: a rule's `reply` must not answer them again (a
    # handset that answers STOP would otherwise answer STOP's confirmation, and so on forever).
    handset_may_reply: bool = True
    message_id: str | None = None  # given when another message must name this one before it is sent
    # The spend limit the price counts toward, when not the channel's own (Notify: NOTIFY).
    spend_channel: str | None = None

    @property
    def charged_to(self) -> str:
        """The channel whose month-to-date spend and spend limit this message's price counts toward."""
        return self.spend_channel or self.channel
