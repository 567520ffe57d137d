"""Two-way SMS: a message a handset sends to one of the account's numbers.

`POST /_smsvoice/inbound` (server/inbound_api.py) hands it here, as a carrier would hand it to AWS:

1. The destination number finds its account and Region (`account`/`region` choose when the same
   number exists in several).
2. The first word of the body, case-insensitively, is matched against the number's keywords, then
   its pool's (keywords.py; HELP and STOP are built in, and the other mandatory opt-out words ARRET,
   CANCEL, END, OPT-OUT, OPTOUT, QUIT, REMOVE, TD, UNSUBSCRIBE act as STOP). OPT_OUT puts the handset
   on the number's (or pool's) opt-out list with `EndUserOptedOut: true`; OPT_IN takes it off;
   every action answers with the keyword's message, a real outbound message sent through the one
   send pipeline (so it has records, follows the simulator and shows in the inspection API).
3. With `SelfManagedOptOutsEnabled`, the mandatory words (HELP and the opt-out words) neither answer
   nor opt anyone out: the message goes to the two-way channel like any other.
4. With `TwoWayEnabled` and an SNS topic as `TwoWayChannelArn`, the message is published to the
   topic in AWS's payload through the durable delivery outbox, except the mandatory words that were
   answered automatically (AWS's self-managed opt-out page implies it routes them to the topic only
   in self-managed mode). An Amazon Connect ARN is stored but nothing is delivered to it.

Choices where AWS is silent are in docs/two-way.md.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from smsvoice.arns import new_uuid4, parse_arn
from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.domain import pricing
from smsvoice.domain.encoding import analyze_text
from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.sending.outgoing import Origin, Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.identities import PHONE_NUMBER, PHONE_NUMBER_BY_E164, POOL, as_e164
from smsvoice.services.v2.keywords import BUILT_IN, KEYWORD, keyword_key
from smsvoice.services.v2.opt_outs import (
    OPTED_OUT_NUMBER,
    ensure_default_list,
    number_key,
    opt_out,
)
from smsvoice.store import Document, Transaction
from smsvoice.store.inbound import InboundMessage
from smsvoice.store.outbox import OutboxEntry

# "recipients opt out by replying ARRET, CANCEL, END, OPT-OUT, OPTOUT, QUIT, REMOVE, STOP, TD,
# UNSUBSCRIBE" (user guide, required keywords): they act as STOP unless the number defines them.
OPT_OUT_WORDS: Final = frozenset(
    {"ARRET", "CANCEL", "END", "OPT-OUT", "OPTOUT", "QUIT", "REMOVE", "STOP", "TD", "UNSUBSCRIBE"}
)
MANDATORY_WORDS: Final = OPT_OUT_WORDS | {"HELP"}
# US toll-free numbers: the carrier's own answer to STOP, which can't be changed (AWS blog, "How to
# register for a US toll-free number with AWS End User Messaging").
TOLL_FREE_STOP: Final = {
    "Keyword": "STOP",
    "KeywordMessage": (
        'NETWORK MSG: You replied with the word "stop" which blocks all texts sent from this number. '
        "Text back unstop or start to receive messages again."
    ),
    "KeywordAction": "OPT_OUT",
}
# What the outbox row of a two-way publication carries where an event record has an event type.
TWO_WAY_EVENT: Final = "TWO_WAY_INBOUND"
NO_ACTION: Final = "NONE"


class InboundError(ValueError):
    """An inbound message that cannot be taken (the inspection API answers 400 with it)."""


def receive(
    tx: Transaction,
    clock: Clock,
    settings: Settings,
    *,
    origination: Any,
    destination: Any,
    body: Any,
    account: str | None = None,
    region: str | None = None,
) -> InboundMessage:
    handset = _e164(origination, "originationNumber")
    number_text = _e164(destination, "destinationNumber")
    if not isinstance(body, str) or not body.strip():
        raise InboundError("messageBody must be a non-empty string")
    owner_account, owner_region, number = _find_number(tx, number_text, account, region)
    context = OperationContext(
        api="v2",
        operation="InboundMessage",
        account=owner_account,
        region=owner_region,
        request_id=new_uuid4(),
        tx=tx,
        clock=clock,
        settings=settings,
    )
    now = context.now()
    inbound_id = new_uuid4()
    # A number in a pool answers with the pool's settings: its opt-out list and two-way channel.
    settings_doc = _pool_of(context, number) or number
    self_managed = bool(settings_doc.get("SelfManagedOptOutsEnabled"))
    keyword = _keyword(context, number, body)
    word = _first_word(body)
    automatic = keyword is not None and not (self_managed and word in MANDATORY_WORDS)
    action = str(keyword["KeywordAction"]) if keyword is not None and automatic else NO_ACTION
    list_name = str(settings_doc.get("OptOutListName") or "Default")
    # The message the handset answers: the last one sent to it from this number (before any answer).
    previous = tx.inbound.last_sent_id(owner_account, owner_region, str(number["PhoneNumber"]), handset)
    response_id = None
    if keyword is not None and automatic:
        if action == "OPT_OUT":
            if list_name == "Default":
                ensure_default_list(context)
            opt_out(context, list_name, handset, end_user=True)
        elif action == "OPT_IN":
            context.documents.remove(OPTED_OUT_NUMBER, number_key(list_name, handset))
        response_id = _respond(context, number, handset, str(keyword["KeywordMessage"]), inbound_id)
    published_to = None
    answered_for_you = automatic and word in MANDATORY_WORDS
    if settings_doc.get("TwoWayEnabled") and not answered_for_you:
        published_to = _publish(
            context, number, settings_doc, handset, body, keyword, inbound_id, previous, now
        )
    message = InboundMessage(
        inbound_message_id=inbound_id,
        account=owner_account,
        region=owner_region,
        handset=handset,
        number=str(number["PhoneNumber"]),
        body=body,
        keyword=str(keyword["Keyword"]) if keyword is not None else None,
        action=action,
        received_at=now,
        response_message_id=response_id,
        published_to=published_to,
        previous_published_message_id=previous,
    )
    tx.inbound.add(message)
    return message


def _e164(value: Any, member: str) -> str:
    if not isinstance(value, str) or as_e164(value) is None or parse_destination(value) is None:
        raise InboundError(f"{member} must be a phone number in E.164 format, such as +14255550182")
    return str(as_e164(value))


def _find_number(
    tx: Transaction, number: str, account: str | None, region: str | None
) -> tuple[str, str, Document]:
    found = [
        item
        for key in (number, number.lstrip("+"))  # short codes are stored as their bare digits
        for item in tx.resources.with_key(PHONE_NUMBER_BY_E164, key)
        if (account is None or item.account == account) and (region is None or item.region == region)
    ]
    if not found:
        raise InboundError(f"no account has the phone number {number}" + _where(account, region))
    if len(found) > 1:
        places = ", ".join(f"{item.account}/{item.region}" for item in found)
        raise InboundError(
            f"{number} exists in several accounts or Regions ({places}): give account and region"
        )
    (located,) = found
    doc = tx.documents(located.account, located.region).get(PHONE_NUMBER, str(located.doc["PhoneNumberId"]))
    if doc is None:
        raise InboundError(f"no account has the phone number {number}")
    return located.account, located.region, doc


def _pool_of(context: OperationContext, number: Document) -> Document | None:
    pool_id = number.get("PoolId")
    return context.documents.get(POOL, str(pool_id)) if pool_id else None


def _where(account: str | None, region: str | None) -> str:
    parts = [f"account {account}" if account else "", f"Region {region}" if region else ""]
    shown = " and ".join(part for part in parts if part)
    return f" in {shown}" if shown else ""


def _first_word(body: str) -> str:
    stripped = body.strip()
    return stripped.split(maxsplit=1)[0].upper() if stripped else ""


def _keyword(context: OperationContext, number: Document, body: str) -> Document | None:
    """The keyword the body's first word triggers: the number's own, else its pool's, else a built-in
    (HELP, STOP), else one of the other mandatory opt-out words, which act as STOP."""
    word = _first_word(body)
    if not word:
        return None
    owners = [str(number["PhoneNumberId"])]
    if number.get("PoolId"):
        owners.append(str(number["PoolId"]))
    if _carrier_handles_stop(number):
        # US toll-free: the carriers handle opt-outs, "only STOP works" and its answer is theirs;
        # UNSTOP or START resubscribe where the number defines them as OPT_IN keywords.
        if word == "STOP":
            return dict(TOLL_FREE_STOP)
        if word in OPT_OUT_WORDS or word == "HELP":
            found = context.documents.get(KEYWORD, keyword_key(owners[0], word))
            return found
    for owner in owners:
        found = context.documents.get(KEYWORD, keyword_key(owner, word))
        if found is not None:
            return found
    if word in BUILT_IN:
        return dict(BUILT_IN[word])
    if word in OPT_OUT_WORDS:
        return {**BUILT_IN["STOP"], "Keyword": word}
    return None


def _carrier_handles_stop(number: Document) -> bool:
    return number.get("NumberType") == "TOLL_FREE" and number.get("IsoCountryCode") == "US"


def _respond(context: OperationContext, number: Document, handset: str, text: str, inbound_id: str) -> str:
    """The keyword's answer: an outbound text from the number, through the send pipeline."""
    info = parse_destination(handset, number.get("IsoCountryCode"))
    assert info is not None  # checked on the way in
    analysis = analyze_text(text)
    message_type = str(number.get("MessageType") or "TRANSACTIONAL")
    outgoing = Outgoing(
        channel="TEXT",
        destination=info,
        origin=Origin(
            identity=str(number["PhoneNumber"]),
            details={
                "kind": "PHONE_NUMBER",
                "identity": number["PhoneNumber"],
                "arn": number["PhoneNumberArn"],
                "number_type": number.get("NumberType"),
                "iso_country_code": number.get("IsoCountryCode"),
            },
            iso_country_code=number.get("IsoCountryCode"),
            number_type=number.get("NumberType"),
        ),
        body=text,
        message_type=message_type,
        encoding=analysis.encoding,
        parts=analysis.parts,
        price=pricing.price_text(
            info.iso_country_code, analysis.parts, message_type, number.get("NumberType")
        ),
        details={"keyword_response_to": inbound_id},
        # The answer to STOP goes to the handset that has just opted out: no refusal applies to it.
        check_recipient=False,
        handset_may_reply=False,
    )
    context.operation = "KeywordResponse"
    return send(context, outgoing, None).message_id


def _publish(
    context: OperationContext,
    number: Document,
    channel_owner: Document,
    handset: str,
    body: str,
    keyword: Document | None,
    inbound_id: str,
    previous: str | None,
    now: float,
) -> str | None:
    """AWS's two-way payload, onto the outbox bound for the number's SNS topic."""
    channel = str(channel_owner.get("TwoWayChannelArn") or "")
    arn = parse_arn(channel)
    if arn is None or arn.service != "sns":
        return None  # an Amazon Connect channel is stored, not delivered to (docs/two-way.md)
    payload = {
        "originationNumber": handset,
        "destinationNumber": number["PhoneNumber"],
        # Real payloads show "keyword_<account id>" when the body matched no keyword.
        "messageKeyword": str(keyword["Keyword"]) if keyword is not None else f"keyword_{context.account}",
        "messageBody": body,
        "inboundMessageId": inbound_id,
        "previousPublishedMessageId": previous,
    }
    if previous is None:
        del payload["previousPublishedMessageId"]
    entry = OutboxEntry(
        account=context.account,
        region=context.region,
        message_id=inbound_id,
        event_id=0,
        event_type=TWO_WAY_EVENT,
        configuration_set="",
        destination_name="two-way-channel",
        destination_kind="SNS",
        target_arn=channel,
        iam_role_arn=channel_owner.get("TwoWayChannelRole"),
        record=orjson.dumps(payload).decode(),
    )
    context.tx.outbox.enqueue([entry], now)
    return channel
