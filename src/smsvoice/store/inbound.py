"""Inbound messages: what handsets sent to the account's numbers, and conversations."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson
from sqlalchemy import func, or_, select

from smsvoice.store.paging import matching_page
from smsvoice.store.schema import inbound_messages, messages
from smsvoice.store.sql import Statement, Target

_INSERT = Statement(
    "INSERT INTO inbound_messages (id, account, region, handset, number, received_at, doc) "
    "VALUES (:id, :account, :region, :handset, :number, :received_at, :doc)"
)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    inbound_message_id: str
    account: str
    region: str
    handset: str  # originationNumber: who sent it
    number: str  # destinationNumber: the account's number it was sent to
    body: str
    keyword: str | None  # the keyword it matched, if any
    action: str  # what was done: OPT_OUT, OPT_IN, AUTOMATIC_RESPONSE or NONE
    received_at: float
    response_message_id: str | None = None  # the automatic response sent back, if any
    published_to: str | None = None  # the two-way channel it went to, if any
    previous_published_message_id: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)


class Inbound:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def add(self, message: InboundMessage) -> None:
        _INSERT.execute(
            self._tx,
            {
                "id": message.inbound_message_id,
                "account": message.account,
                "region": message.region,
                "handset": message.handset,
                "number": message.number,
                "received_at": message.received_at,
                "doc": orjson.dumps(message.to_doc()).decode(),
            },
        )

    def find(
        self,
        *,
        account: str | None = None,
        region: str | None = None,
        number: str | None = None,
        handset: str | None = None,
        limit: int = 1_000,
        offset: int = 0,
        newest_first: bool = False,
        either_number: str | None = None,
        since: float | None = None,
        until: float | None = None,
        text: str | None = None,
    ) -> list[InboundMessage]:
        """In the order they were received (the newest first if asked). `either_number` matches the
        handset or your number; `since`/`until` bound the time received; `text` is looked for in the
        body, in any case."""
        query = select(inbound_messages.c.doc)
        for column, value in (
            (inbound_messages.c.account, account),
            (inbound_messages.c.region, region),
            (inbound_messages.c.number, number),
            (inbound_messages.c.handset, handset),
        ):
            if value is not None:
                query = query.where(column == value)
        if either_number is not None:
            query = query.where(
                or_(inbound_messages.c.number == either_number, inbound_messages.c.handset == either_number)
            )
        if since is not None:
            query = query.where(inbound_messages.c.received_at >= since)
        if until is not None:
            query = query.where(inbound_messages.c.received_at < until)
        if newest_first:
            query = query.order_by(inbound_messages.c.received_at.desc(), inbound_messages.c.id.desc())
        else:
            query = query.order_by(inbound_messages.c.received_at, inbound_messages.c.id)
        if text is None:
            query = query.limit(limit).offset(offset)
            return [InboundMessage(**orjson.loads(doc)) for (doc,) in self._connection.execute(query)]
        # The body is in the document: read in order, keep the page of those that hold the text.
        wanted = text.casefold()
        with self._connection.execute(query) as rows:
            received = (InboundMessage(**orjson.loads(doc)) for (doc,) in rows)
            return matching_page(received, lambda message: wanted in message.body.casefold(), limit, offset)

    def change_marker(self) -> tuple[Any, ...]:
        """A value that differs whenever a message was received (removals are told by the totals the
        caller reads): the newest receipt time and how many share it, by index."""
        newest = self._connection.execute(select(func.max(inbound_messages.c.received_at))).scalar()
        if newest is None:
            return (None, 0)
        sharing = self._connection.execute(
            select(func.count()).select_from(inbound_messages).where(inbound_messages.c.received_at == newest)
        ).scalar()
        return (newest, sharing)

    def last_sent_id(self, account: str, region: str, number: str, handset: str) -> str | None:
        """The id of the last message sent from `number` to `handset` (previousPublishedMessageId)."""
        query = (
            select(messages.c.id, messages.c.doc)
            .where(
                messages.c.account == account,
                messages.c.region == region,
                messages.c.destination == handset,
            )
            .order_by(messages.c.created_at.desc())
            .limit(50)
        )
        for message_id, doc in self._connection.execute(query):
            if orjson.loads(doc).get("origination") == number:
                return str(message_id)
        return None


__all__ = ["Inbound", "InboundMessage"]
