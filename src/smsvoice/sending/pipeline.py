"""The one send pipeline: every message (v2 text, media, voice and RCS, v1 voice, verification
codes, and the sends to come) enters the simulator here, in this order:

    refusals (opt-out, sandbox: the API's policy) -> price (MaxPrice, the month's spend limit: the
    API's policy) -> Message -> the simulator's plan -> message, records and outbox rows written ->
    spend recorded

Everything before (finding the configuration set, the destination, the origination identity, the
protect configuration's verdict, the body's encoding and price) is the caller's, because it differs
per channel and API; everything from here on is the same for all. A refusal raises, and the unit of
work's transaction leaves nothing behind. With `dry_run`, every check runs and nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from smsvoice.arns import new_message_id
from smsvoice.domain import pricing
from smsvoice.domain.handset_receipts import returns_receipts
from smsvoice.domain.message import Message, Price
from smsvoice.messaging.plan import make_plan, takes_receipts
from smsvoice.messaging.rulebook import rules_in_force
from smsvoice.messaging.transitions import accept
from smsvoice.sending.outgoing import Outgoing
from smsvoice.store import Transaction


class SendContext(Protocol):
    """Who sends, in which transaction (a handler's OperationContext is one)."""

    api: str
    operation: str
    account: str
    region: str
    tx: Transaction

    def now(self) -> float: ...


class SendPolicy(Protocol):
    """What an API refuses (with its own errors), made for one request; v1 refuses nothing."""

    def refuse_recipient(self, outgoing: Outgoing) -> None:
        """Raise when the recipient may not get the message (opted out, not verified, ...)."""
        ...

    def refuse_price(self, outgoing: Outgoing, spent: Decimal) -> None:
        """Raise when the price is over the caller's ceiling or takes `spent` (the month's spend on
        the channel so far) over the spend limit."""
        ...


def send(
    context: SendContext, outgoing: Outgoing, policy: SendPolicy | None, *, dry_run: bool = False
) -> Message:
    """Check, build, plan and store one message; answers it (not stored with `dry_run`)."""
    tx = context.tx
    now = context.now()
    if policy is not None and outgoing.check_recipient:
        policy.refuse_recipient(outgoing)
    if policy is not None and outgoing.price is not None:
        spent = tx.spend.month_to_date(context.account, context.region, outgoing.charged_to, now)
        policy.refuse_price(outgoing, spent)
    message = _message(context, outgoing, now)
    if dry_run:
        return message
    decision = outgoing.decision or rules_in_force(tx).decide(
        message.machine, message.account, message.destination, valid_number=outgoing.valid_number
    )
    if not outgoing.handset_may_reply and decision.replies:
        decision = replace(decision, replies=())
    message.handset_receipts = takes_receipts(message.machine, decision)
    message.plan = make_plan(message.machine, decision, message.requested_at, message.time_to_live)
    accept(tx, message, now, destinations=outgoing.event_destinations)
    tx.spend.add(
        message.account, message.region, outgoing.charged_to, message.requested_at, message.price.total
    )
    return message


def _message(context: SendContext, outgoing: Outgoing, now: float) -> Message:
    info = outgoing.destination
    price = outgoing.price
    message = Message(
        message_id=outgoing.message_id or new_message_id(),
        account=context.account,
        region=context.region,
        api=context.api,
        operation=context.operation,
        channel=outgoing.channel,
        destination=info.e164,
        requested_at=now,
        origination=outgoing.origin.identity,
        origination_identity=outgoing.origin.details,
        configuration_set=outgoing.configuration_set_name,
        message_type=outgoing.message_type,
        body=outgoing.body,
        encoding=outgoing.encoding,
        parts=outgoing.parts,
        context=outgoing.context or None,
        time_to_live=outgoing.time_to_live,
        protect_configuration_id=outgoing.protect_configuration_id,
        feedback_enabled=outgoing.feedback_enabled,
        details=outgoing.details,
        # What the network knows about the destination, as records show it.
        iso_country_code=info.iso_country_code,
        is_international_send=info.is_international_send,
        mcc=info.mcc,
        mnc=info.mnc,
        carrier_name=info.carrier_name,
        # The route's answer; the simulator's decision may change it (plan.takes_receipts).
        handset_receipts=context.api == "v2"
        and outgoing.channel == "TEXT"
        and returns_receipts(info.iso_country_code, outgoing.origin.number_type),
    )
    if price is not None:
        message.price = Price(pricing.to_float(price.message_price), pricing.to_float(price.carrier_fee))
    return message
