"""EventBridge events: those stored (not a message's: registration status changes), each with the outbox
row that publishes it if publishing is on; and the event records a message's events are made from
(messaging/eventbridge.py derives those, so they are written once, as records)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from smsvoice.store.sql import SERVER_JSON_IDS, SQLITE_JSON_IDS, Statement, Target

_INSERT = Statement(
    "INSERT INTO eventbridge_events (account, region, subject, detail_type, created_at, envelope, "
    "outbox_id) VALUES (:account, :region, :subject, :detail_type, :created_at, :envelope, :outbox_id)",
    libpq=True,
)

# The conditions `stored` can add, by the EventFilter field (and parameter) that gives the value.
_STORED_CONDITIONS = {
    "account": "eventbridge_events.account = :account",
    "region": "eventbridge_events.region = :region",
    "subject": "eventbridge_events.subject = :subject",
    "detail_type": "eventbridge_events.detail_type = :detail_type",
}
# The conditions `message_records` can add, by the argument (and parameter) that gives the value.
_RECORD_CONDITIONS = {
    "account": "messages.account = :account",
    "region": "messages.region = :region",
    "message_id": "message_events.message_id = :message_id",
}
# The statements of both, made when a shape of search is first asked for: by the conditions added (and
# for `message_records`, the dialect: its channels are a JSON array, `:ids`).
_STORED: dict[tuple[str, ...], Statement] = {}
_RECORDS: dict[tuple[str, tuple[str, ...]], Statement] = {}
_JSON_IDS = {"sqlite": SQLITE_JSON_IDS, "postgresql": SERVER_JSON_IDS}


def _stored_statement(conditions: tuple[str, ...]) -> Statement:
    statement = _STORED.get(conditions)
    if statement is None:
        statement = Statement(
            "SELECT eventbridge_events.id, eventbridge_events.account, eventbridge_events.region, "
            "eventbridge_events.subject, eventbridge_events.detail_type, eventbridge_events.created_at, "
            "eventbridge_events.envelope, outbox.status, outbox.attempts, outbox.last_error "
            "FROM eventbridge_events LEFT OUTER JOIN outbox ON outbox.id = eventbridge_events.outbox_id "
            "WHERE eventbridge_events.id > :after"
            + "".join(f" AND {_STORED_CONDITIONS[name]}" for name in conditions)
            + " ORDER BY eventbridge_events.id LIMIT :limit"
        )
        _STORED[conditions] = statement
    return statement


def _records_statement(dialect: str, conditions: tuple[str, ...]) -> Statement:
    shape = (dialect, conditions)
    statement = _RECORDS.get(shape)
    if statement is None:
        statement = Statement(
            "SELECT message_events.id, message_events.message_id, messages.account, messages.region, "
            "messages.channel, message_events.created_at, message_events.record, "
            "outbox.status, outbox.attempts, outbox.last_error "
            "FROM message_events JOIN messages ON messages.id = message_events.message_id "
            "LEFT OUTER JOIN outbox ON outbox.message_id = message_events.message_id "
            "AND outbox.event_id = message_events.id AND outbox.destination_kind = :bus_kind "
            "WHERE message_events.id > :after AND messages.api = :api "
            f"AND messages.channel IN ({_JSON_IDS[dialect]})"
            + "".join(f" AND {_RECORD_CONDITIONS[name]}" for name in conditions)
            + " ORDER BY message_events.id LIMIT :limit"
        )
        _RECORDS[shape] = statement
    return statement


@dataclass(frozen=True, slots=True)
class EventFilter:
    account: str | None = None
    region: str | None = None
    subject: str | None = None
    detail_type: str | None = None
    after: int = 0  # id to continue after
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class BusDelivery:
    """How the outbox row publishing an event to the bus is doing."""

    status: str  # PENDING, DELIVERED or DEAD
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class StoredBusEvent:
    id: int
    account: str
    region: str
    subject: str
    detail_type: str
    created_at: float
    envelope: dict[str, Any]
    delivery: BusDelivery | None  # None when it was not published


@dataclass(frozen=True, slots=True)
class RecordEvent:
    """A message's event record, with what its EventBridge event needs and the event's publication."""

    id: int
    message_id: str
    account: str
    region: str
    channel: str
    created_at: float
    record: dict[str, Any]
    delivery: BusDelivery | None  # None when it was not published


class EventBridgeEvents:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def add(
        self,
        *,
        account: str,
        region: str,
        subject: str,
        detail_type: str,
        created_at: float,
        envelope_text: str,
        outbox_id: int | None,
    ) -> None:
        _INSERT.execute(
            self._tx,
            {
                "account": account,
                "region": region,
                "subject": subject,
                "detail_type": detail_type,
                "created_at": created_at,
                "envelope": envelope_text,
                "outbox_id": outbox_id,
            },
        )

    def stored(self, where: EventFilter) -> list[StoredBusEvent]:
        """Events in the order they were made, with their delivery."""
        given = {
            "account": where.account,
            "region": where.region,
            "subject": where.subject,
            "detail_type": where.detail_type,
        }
        params: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
        rows = _stored_statement(tuple(params)).execute(
            self._tx, {**params, "after": where.after, "limit": where.limit}
        )
        # id, account, region, subject, detail_type, created_at; envelope; the outbox row's columns.
        return [
            StoredBusEvent(
                row[0], row[1], row[2], row[3], row[4], row[5], orjson.loads(row[6]), _delivery(*row[7:])
            )
            for row in rows
        ]

    def message_records(
        self,
        *,
        account: str | None,
        region: str | None,
        message_id: str | None,
        channels: list[str],
        after: int,
        limit: int,
        bus_kind: str,
        api: str = "v2",
    ) -> list[RecordEvent]:
        """Event records of `api` messages on `channels` after record id `after`, in id order, each with
        the outbox row of destination kind `bus_kind` that publishes its event (if any)."""
        given = {"account": account, "region": region, "message_id": message_id}
        params: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
        rows = _records_statement(self._tx.dialect, tuple(params)).execute(
            self._tx,
            {
                **params,
                "bus_kind": bus_kind,
                "after": after,
                "api": api,
                "ids": orjson.dumps(channels).decode(),
                "limit": limit,
            },
        )
        # id, message_id, account, region, channel, created_at; record; the outbox row's columns.
        return [
            RecordEvent(
                row[0], row[1], row[2], row[3], row[4], row[5], orjson.loads(row[6]), _delivery(*row[7:])
            )
            for row in rows
        ]


def _delivery(status: str | None, attempts: int | None, last_error: str | None) -> BusDelivery | None:
    """The columns of an (outer-joined) outbox row: None when there is none."""
    return None if status is None else BusDelivery(status, int(attempts or 0), last_error)
