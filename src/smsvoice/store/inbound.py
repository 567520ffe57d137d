"""Inbound messages: what handsets sent to the account's numbers, and conversations."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson

from smsvoice.store.paging import matching_page
from smsvoice.store.sql import Search, Statement, Target

_INSERT = Statement(
    "INSERT INTO inbound_messages (id, account, region, handset, number, received_at, doc) "
    "VALUES (:id, :account, :region, :handset, :number, :received_at, :doc)"
)
# `find`: the conditions it can put on columns, by the name of the argument (and parameter) that gives
# the value.
_FIND = Search(
    "SELECT doc FROM inbound_messages",
    {
        "account": "account = :account",
        "region": "region = :region",
        "number": "number = :number",
        "handset": "handset = :handset",
        "either_number": "(number = :either_number OR handset = :either_number)",
        "since": "received_at >= :since",
        "until": "received_at < :until",
    },
    ("received_at", "id"),
)
_NEWEST = Statement("SELECT MAX(received_at) FROM inbound_messages")
_SHARING = Statement("SELECT COUNT(*) FROM inbound_messages WHERE received_at = :newest")
_LAST_SENT = Statement(
    "SELECT id, doc FROM messages WHERE account = :account AND region = :region AND destination = :handset "
    "ORDER BY created_at DESC LIMIT 50"
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
        given = {
            "account": account,
            "region": region,
            "number": number,
            "handset": handset,
            "either_number": either_number,
            "since": since,
            "until": until,
        }
        params: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
        statement = _FIND.statement(tuple(params), newest_first=newest_first, paged=text is None)
        if text is None:
            rows = statement.execute(self._tx, {**params, "limit": limit, "offset": offset})
            return [InboundMessage(**orjson.loads(doc)) for (doc,) in rows]
        # The body is in the document: read in order, keep the page of those that hold the text.
        wanted = text.casefold()
        rows = statement.execute(self._tx, params)
        try:
            received = (InboundMessage(**orjson.loads(doc)) for (doc,) in rows)
            return matching_page(received, lambda message: wanted in message.body.casefold(), limit, offset)
        finally:
            # SQLite reads as the rows are taken: stop where the page ended. (On PostgreSQL the rows
            # came whole, on the transaction's one cursor, which stays open.)
            if self._tx.dialect == "sqlite":
                rows.close()

    def change_marker(self) -> tuple[Any, ...]:
        """A value that differs whenever a message was received (removals are told by the totals the
        caller reads): the newest receipt time and how many share it, by index."""
        (newest,) = _NEWEST.one(self._tx, {}) or (None,)  # MAX over no rows is NULL
        if newest is None:
            return (None, 0)
        (sharing,) = _SHARING.one(self._tx, {"newest": newest}) or (0,)
        return (newest, sharing)

    def last_sent_id(self, account: str, region: str, number: str, handset: str) -> str | None:
        """The id of the last message sent from `number` to `handset` (previousPublishedMessageId)."""
        # At most 50 rows: taken whole, so no read is left open on SQLite after an early answer.
        rows = _LAST_SENT.all(self._tx, {"account": account, "region": region, "handset": handset})
        for message_id, doc in rows:
            if orjson.loads(doc).get("origination") == number:
                return str(message_id)
        return None


__all__ = ["Inbound", "InboundMessage"]
