"""Moving a message along its plan: each transition writes the new status, its event record (stamped
with the simulated network delay, messaging/latency.py) and the outbox rows of every event destination
that receives it (and of the EventBridge bus when publishing: messaging/eventbridge.py), all in the
caller's transaction.

Three callers: the send (applies what is due at once: with no delay the whole life of a message is
written with the message itself), the scheduler (what has come due since) and the inspection API
(manual advance). A message with a timed transition still to come has a row in scheduled_transitions,
so a crash or restart loses nothing: the scheduler finds the row and carries on.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from smsvoice.domain.machines import UnreachableStatus
from smsvoice.domain.message import Message, Step
from smsvoice.messaging.eventbridge import message_bus_entry
from smsvoice.messaging.latency import stamp
from smsvoice.messaging.matching import load_destinations, outbox_entries
from smsvoice.messaging.plan import replan_from
from smsvoice.messaging.records import build_record
from smsvoice.store import Document, Transaction
from smsvoice.store.outbox import OutboxEntry


class AdvanceProblem(enum.Enum):
    """Why a manual advance cannot happen (the inspection API decides what each one answers)."""

    NO_SUCH_MESSAGE = "no such message"
    ALREADY_FINAL = "already final"
    UNKNOWN_STATUS = "unknown status"
    UNREACHABLE = "unreachable"


class AdvanceError(ValueError):
    """A manual advance that cannot happen, and why."""

    def __init__(self, message: str, problem: AdvanceProblem) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(slots=True)
class _Publisher:
    """Writes records for one message; reads its configuration set once per unit of work."""

    tx: Transaction
    message: Message
    now: float
    _destinations: list[Document] | None = field(default=None)

    def destinations(self) -> list[Document]:
        if self._destinations is None:
            name = self.message.configuration_set
            self._destinations = (
                load_destinations(self.tx, self.message.account, self.message.region, self.message.api, name)
                if name
                else []
            )
        return self._destinations

    def move(self, status: str, at: float) -> None:
        message = self.message
        machine = message.machine
        if not machine.can_move(message.status, status):
            raise UnreachableStatus(f"{machine.name} cannot go from {message.status} to {status}")
        at = stamp(at, message.updated_at, message.status, status)
        record = build_record(message, status, at)
        text = orjson.dumps(record).decode()
        event_type = record["eventType"]
        entries: list[OutboxEntry] = []
        destinations = self.destinations()
        if destinations:
            assert message.configuration_set is not None
            entries = outbox_entries(
                destinations,
                account=message.account,
                region=message.region,
                api=message.api,
                channel=message.channel,
                configuration_set=message.configuration_set,
                message_id=message.message_id,
                event_type=event_type,
                record_text=text,
            )
        # The EventBridge event is made from the record; only publishing it takes a row.
        bus_entry = message_bus_entry(message, record)
        if bus_entry is not None:
            entries.append(bus_entry)
        self.tx.messages.add_event(message.message_id, event_type, at, text, deliveries=entries, now=self.now)
        message.status = status
        message.updated_at = at


# What the simulator does with a handset's answer: (transaction, the message answered, the body).
ReplyHandler = Callable[[Transaction, Message, str], None]


def _apply_due(publisher: _Publisher, now: float) -> None:
    plan = publisher.message.plan
    while plan.steps and plan.steps[0].due_at is not None and plan.steps[0].due_at <= now:
        step = plan.steps.pop(0)
        assert step.due_at is not None
        publisher.move(step.status, step.due_at)
    _time_replies(publisher.message)


def _time_replies(message: Message) -> None:
    """Once the message has reached the handset (its final status is the planned success), the
    handset's answers count from then."""
    if not message.plan.replies or not message.is_final or message.status != message.plan.outcome:
        return
    for reply in message.plan.replies:
        if reply.due_at is None:
            reply.due_at = message.updated_at + reply.delay_seconds


def _answer_replies(tx: Transaction, message: Message, now: float, on_reply: ReplyHandler | None) -> None:
    plan = message.plan
    due = [reply for reply in plan.replies if reply.due_at is not None and reply.due_at <= now]
    if not due:
        return
    plan.replies = [reply for reply in plan.replies if reply not in due]
    if on_reply is None:
        return
    for reply in sorted(due, key=lambda item: item.due_at or 0.0):
        on_reply(tx, message, reply.body)


def _reschedule(tx: Transaction, message: Message, *, was_scheduled: bool) -> None:
    due = message.plan.next_due()
    if due is not None:
        tx.schedule.set(message.message_id, due)
    elif was_scheduled:
        tx.schedule.clear(message.message_id)


def accept(
    tx: Transaction, message: Message, now: float, *, destinations: list[Document] | None = None
) -> None:
    """Store a new message and apply every transition already due (all of them, without delays).

    `destinations` are the event destinations of the message's configuration set when the caller has
    just read it in this transaction (the send did): reading it again would find the same thing.
    """
    message.updated_at = message.requested_at
    _apply_due(_Publisher(tx, message, now, destinations), now)
    tx.messages.insert(message)
    _reschedule(tx, message, was_scheduled=False)


def advance_due(tx: Transaction, message_id: str, now: float, on_reply: ReplyHandler | None = None) -> bool:
    """Apply a scheduled message's transitions that have come due; False if the message is gone."""
    message = tx.messages.load(message_id)
    if message is None:
        tx.schedule.clear(message_id)
        return False
    _apply_due(_Publisher(tx, message, now), now)
    _answer_replies(tx, message, now, on_reply)
    tx.messages.update(message)
    _reschedule(tx, message, was_scheduled=True)
    return True


def advance_manually(
    tx: Transaction, message_id: str, now: float, *, target: str | None = None, to_end: bool = False
) -> Message:
    """Move a message now: one planned step, all of them (`to_end`), or straight to `target`.

    Works for manual messages and for timed ones (skipping their delay). A target is any status the
    message can still reach; the statuses on the way are recorded too.
    """
    message = tx.messages.load(message_id)
    if message is None:
        raise AdvanceError(f"message {message_id} does not exist", AdvanceProblem.NO_SUCH_MESSAGE)
    if message.is_final:
        raise AdvanceError(
            f"message {message_id} is already final ({message.status})", AdvanceProblem.ALREADY_FINAL
        )
    machine = message.machine
    publisher = _Publisher(tx, message, now)
    plan = message.plan
    if target is not None:
        status = machine.resolve(target)
        if status is None:
            raise AdvanceError(
                f"{target} is not a status of a {machine.name} message", AdvanceProblem.UNKNOWN_STATUS
            )
        try:
            statuses = machine.route(message.status, status)
        except UnreachableStatus as problem:
            raise AdvanceError(str(problem), AdvanceProblem.UNREACHABLE) from None
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
    _time_replies(message)
    tx.messages.update(message)
    _reschedule(tx, message, was_scheduled=True)
    return message
