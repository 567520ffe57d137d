"""Forgetting an account's state (the inspection API's reset), table by table."""

from __future__ import annotations

from sqlalchemy import Connection, Delete, Table, delete

from smsvoice.store.schema import (
    eventbridge_events,
    idempotency,
    inbound_messages,
    message_events,
    messages,
    registration_jobs,
    request_rates,
    resource_counts,
    resources,
    scheduled_transitions,
    spend_totals,
)


def forget_state(connection: Connection, account: str | None) -> dict[str, int]:
    ids = messages.select().with_only_columns(messages.c.id)
    if account is not None:
        ids = ids.where(messages.c.account == account)
    counts = {
        "scheduled_transitions": _rowcount(
            connection, delete(scheduled_transitions).where(scheduled_transitions.c.message_id.in_(ids))
        ),
        "message_events": _rowcount(
            connection, delete(message_events).where(message_events.c.message_id.in_(ids))
        ),
    }
    for name, table in (
        ("messages", messages),
        ("inbound_messages", inbound_messages),
        ("spend_totals", spend_totals),
        ("resources", resources),
        ("resource_counts", resource_counts),
        ("idempotency", idempotency),
        ("eventbridge_events", eventbridge_events),
        ("registration_jobs", registration_jobs),
    ):
        counts[name] = _rowcount(connection, _of(table, account))
    if account is None:
        counts["request_rates"] = _rowcount(connection, delete(request_rates))
    else:  # bucket keys are "<api>/<operation>/<account>/<region>"
        counts["request_rates"] = _rowcount(
            connection, delete(request_rates).where(request_rates.c.key.like(f"%/{account}/%"))
        )
    return counts


def _of(table: Table, account: str | None) -> Delete:
    statement = delete(table)
    return statement if account is None else statement.where(table.c.account == account)


def _rowcount(connection: Connection, statement: Delete) -> int:
    return int(connection.execute(statement).rowcount)
