"""Handing an accepted message to the simulator, and what the send operations share about it.

`dispatch` asks the rules what happens to the message, plans its transitions and stores it, applying
at once whatever is due (everything, by default). It is the one way a message enters the simulator:
v2 sends, v1 voice and verification codes all go through it.
"""

from __future__ import annotations

import math
import re
import time
from decimal import Decimal
from typing import Final

from sqlalchemy import Connection

from smsvoice.domain.phone_numbers import NumberInfo
from smsvoice.messaging.message import Message
from smsvoice.messaging.plan import make_plan
from smsvoice.messaging.rules import RuleSet
from smsvoice.messaging.transitions import accept
from smsvoice.store import messages as rows
from smsvoice.store.documents import Document

# TimeToLive when the request gives none: "By default this is 72 hours" (SendTextMessage reference).
DEFAULT_TIME_TO_LIVE: Final = 72 * 3600

# A synthesized voice reads about 150 words a minute (Amazon Polly's default speaking rate is close to
# it); a call is estimated from its words, at least 5 seconds. Used for the price of a completed call.
_WORDS_PER_SECOND: Final = 2.5
_MIN_CALL_SECONDS: Final = 5
_TAG: Final = re.compile(r"<[^>]*>")


def dispatch(
    connection: Connection,
    message: Message,
    now: float,
    *,
    rules: RuleSet,
    valid_number: bool = True,
    configuration_set: Document | None = None,
) -> None:
    """Plan the message's life by the simulator's rules, store it and apply what is due now.

    `configuration_set` is the set the caller has just loaded in this transaction, if any."""
    decision = rules.decide(message.machine, message.account, message.destination, valid_number=valid_number)
    message.plan = make_plan(message.machine, decision, message.requested_at, message.time_to_live)
    destinations = None
    if configuration_set is not None:
        destinations = [
            item for item in configuration_set.get("EventDestinations") or [] if isinstance(item, dict)
        ]
    accept(connection, message, now, destinations=destinations)


def apply_network_facts(message: Message, info: NumberInfo) -> None:
    """What the network knows about the destination, as records show it."""
    message.iso_country_code = info.iso_country_code
    message.is_international_send = info.is_international_send
    message.mcc = info.mcc
    message.mnc = info.mnc
    message.carrier_name = info.carrier_name


def spend_month(at: float) -> str:
    """The calendar month (UTC) that a spend counts toward, as YYYY-MM."""
    return time.strftime("%Y-%m", time.gmtime(at))


def month_to_date_spend(
    connection: Connection, account: str, region: str, channel: str, at: float
) -> Decimal:
    """The month's spend in USD, to the 5 decimal places prices have (the store keeps a float sum)."""
    total = rows.month_spend(connection, account, region, channel, spend_month(at))
    return Decimal(f"{total:.5f}")


def record_spend(connection: Connection, message: Message) -> None:
    rows.add_spend(
        connection,
        message.account,
        message.region,
        message.channel,
        spend_month(message.requested_at),
        message.price.total,
    )


def estimated_call_seconds(text: str, *, ssml: bool) -> int:
    spoken = _TAG.sub(" ", text) if ssml else text
    words = len(spoken.split())
    return max(_MIN_CALL_SECONDS, math.ceil(words / _WORDS_PER_SECOND))
