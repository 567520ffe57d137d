"""Moving a message along its plan: each transition writes the new status, its event record and the
outbox rows of every event destination that receives it, all in the caller's transaction.

Three callers: the send (applies what is due at once: with no delay the whole life of a message is
written with the message itself), the scheduler (what has come due since) and the inspection API
(manual advance). A message with a timed transition still to come has a row in scheduled_transitions,
so a crash or restart loses nothing: the scheduler finds the row and carries on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection

from smsvoice.messaging.machines import UnreachableStatus
from smsvoice.messaging.matching import load_destinations, outbox_entries
from smsvoice.messaging.message import Message, Step
from smsvoice.messaging.plan import replan_from
from smsvoice.messaging.records import build_record
from smsvoice.store import messages as rows
from smsvoice.store.documents import Document
from smsvoice.store.outbox import OutboxEntry, enqueue


class AdvanceError(ValueError):
    """A manual advance that cannot happen; `status` is the HTTP status the inspection API answers."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class _Publisher:
    """Writes records for one message; reads its configuration set once per unit of work."""

    connection: Connection
    message: Message
    now: float
    _destinations: list[Document] | None = field(default=None)

    def destinations(self) -> list[Document]:
        if self._destinations is None:
            name = self.message.configuration_set
            self._destinations = (
                load_destinations(
                    self.connection, self.message.account, self.message.region, self.message.api, name
                )
                if name
                else []
            )
        return self._destinations

    def move(self, status: str, at: float) -> None:
        message = self.message
        machine = message.machine
        if not machine.can_move(message.status, status):
            raise UnreachableStatus(f"{machine.name} cannot go from {message.status} to {status}")
        record = build_record(message, status, at)
        text = orjson.dumps(record).decode()
        event_type = record["eventType"]
        event_id = rows.insert_event(self.connection, message.message_id, event_type, at, text)
        destinations = self.destinations()
        if destinations:
            assert message.configuration_set is not None
            entries: list[OutboxEntry] = outbox_entries(
                destinations,
                account=message.account,
                region=message.region,
                api=message.api,
                channel=message.channel,
                configuration_set=message.configuration_set,
                message_id=message.message_id,
                event_id=event_id,
                event_type=event_type,
                record_text=text,
            )
            enqueue(self.connection, entries, self.now)
        message.status = status
        message.updated_at = at


def _apply_due(publisher: _Publisher, now: float) -> None:
    plan = publisher.message.plan
    while plan.steps and plan.steps[0].due_at is not None and plan.steps[0].due_at <= now:
        step = plan.steps.pop(0)
        assert step.due_at is not None
        publisher.move(step.status, step.due_at)


def _reschedule(connection: Connection, message: Message, *, was_scheduled: bool) -> None:
    due = message.plan.next_due()
    if due is not None:
        rows.schedule(connection, message.message_id, due)
    elif was_scheduled:
        rows.unschedule(connection, message.message_id)


def accept(
    connection: Connection, message: Message, now: float, *, destinations: list[Document] | None = None
) -> None:
    """Store a new message and apply every transition already due (all of them, without delays).

    `destinations` are the event destinations of the message's configuration set when the caller has
    just read it in this transaction (the send did): reading it again would find the same thing.
    """
    message.updated_at = message.requested_at
    _apply_due(_Publisher(connection, message, now, destinations), now)
    rows.insert_message(connection, message)
    _reschedule(connection, message, was_scheduled=False)


def advance_due(connection: Connection, message_id: str, now: float) -> bool:
    """Apply a scheduled message's transitions that have come due; False if the message is gone."""
    message = rows.load_message(connection, message_id)
    if message is None:
        rows.unschedule(connection, message_id)
        return False
    _apply_due(_Publisher(connection, message, now), now)
    rows.update_message(connection, message)
    _reschedule(connection, message, was_scheduled=True)
    return True


def advance_manually(
    connection: Connection, message_id: str, now: float, *, target: str | None = None, to_end: bool = False
) -> Message:
    """Move a message now: one planned step, all of them (`to_end`), or straight to `target`.

    Works for manual messages and for timed ones (skipping their delay). A target is any status the
    message can still reach; the statuses on the way are recorded too.
    """
    message = rows.load_message(connection, message_id)
    if message is None:
        raise AdvanceError(f"message {message_id} does not exist", 404)
    if message.is_final:
        raise AdvanceError(f"message {message_id} is already final ({message.status})", 409)
    machine = message.machine
    publisher = _Publisher(connection, message, now)
    plan = message.plan
    if target is not None:
        status = machine.resolve(target)
        if status is None:
            raise AdvanceError(f"{target} is not a status of a {machine.name} message", 400)
        try:
            statuses = machine.route(message.status, status)
        except UnreachableStatus as problem:
            raise AdvanceError(str(problem), 409) from None
        for passed in statuses:
            publisher.move(passed, now)
        plan.steps = [] if message.is_final else replan_from(machine, plan, message.status, now)
    else:
        if not plan.steps:
            plan.steps = replan_from(machine, plan, message.status, now)
        count = len(plan.steps) if to_end else 1
        for planned in plan.steps[:count]:
            publisher.move(planned.status, now)
        remaining: list[Step] = plan.steps[count:]
        # Timed steps that follow keep their spacing but count from now.
        if remaining and remaining[0].due_at is not None:
            shift = now - remaining[0].due_at + plan.step_seconds
            remaining = [Step(step.status, (step.due_at or now) + shift) for step in remaining]
        plan.steps = remaining
    rows.update_message(connection, message)
    _reschedule(connection, message, was_scheduled=True)
    return message
