"""From the simulator's decision to the timed list of transitions a message will go through.

TimeToLive (v2 only): "If the message isn't handed off before the TTL expires we stop attempting to
hand off the message and return TTL_EXPIRED event" (SendTextMessage reference). The hand-off happens
with the first record; when the rule delays it past the TTL, the message instead expires alone, at
request time + TimeToLive. A rule whose outcome is TTL_EXPIRED expires after its own delay. Manual
messages wait for a test to advance them, so time never expires them.

Without a final status: "After 72 hours, if [the service] has not received a final event from a
carrier, the service automatically returns an UNKNOWN messageStatus" (user guide, event format). A
timed plan that ends in a status that is not final (a rule's non-final outcome, or a carrier's
acceptance whose handset receipt never comes) gets an UNKNOWN step 72 hours after the request.
Manual messages are exempt: they wait for the test that holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from smsvoice.domain.machines import ACCEPTED, TEXT_WITH_RECEIPTS, Machine, UnreachableStatus, machine_for
from smsvoice.domain.message import Plan, Reply, Step
from smsvoice.messaging.rules import Decision

NO_FINAL_STATUS_SECONDS: Final = 72 * 3600
NO_FINAL_STATUS: Final = "UNKNOWN"


def takes_receipts(machine: Machine, decision: Decision) -> bool:
    """Whether a message whose route gives `machine` follows the handset-receipt path (v2 texts only):
    as the rule asks; else a final SUCCESSFUL when that is the outcome; else the route's machine when
    it can take the decision's path, the other TEXT machine when only that one can."""
    if machine.prefix != "TEXT_":
        return False
    if decision.handset_receipt is not None:
        return decision.handset_receipt
    if decision.outcome == "SUCCESSFUL":
        return False
    preferred = machine is TEXT_WITH_RECEIPTS
    for receipts in (preferred, not preferred):
        try:
            machine_for("v2", "TEXT", receipts).walk(ACCEPTED, [*decision.path, decision.outcome])
        except UnreachableStatus:
            continue
        return receipts
    return preferred


def walk(machine: Machine, start: str, waypoints: Sequence[str]) -> list[str]:
    """The statuses from `start` through each reachable waypoint to the last one (which must be reachable)."""
    *stops, outcome = waypoints
    try:
        statuses: list[str] = []
        current = start
        for stop in stops:
            try:
                leg = machine.route(current, stop)
            except UnreachableStatus:
                continue  # a waypoint out of order is skipped, not an error
            statuses.extend(leg)
            current = stop
        statuses.extend(machine.route(current, outcome))
        return statuses
    except UnreachableStatus:
        return machine.route(start, outcome)


def make_plan(machine: Machine, decision: Decision, requested_at: float, time_to_live: int | None) -> Plan:
    statuses = walk(machine, ACCEPTED, [*decision.path, decision.outcome])
    plan = Plan(manual=decision.manual, step_seconds=decision.step_seconds, outcome=decision.outcome)
    plan.rule = decision.source
    # A handset answers only a message that reached it (the replies are timed when it does).
    if decision.outcome in (machine.default_success, "DELIVERED"):
        plan.replies = [Reply(body, delay) for body, delay in decision.replies]
    if decision.manual:
        plan.steps = [Step(status, None) for status in statuses]
        return plan
    expires = (
        machine.ttl_expired is not None
        and time_to_live is not None
        and decision.delay_seconds > time_to_live
        and decision.outcome != machine.ttl_expired
    )
    if expires:
        assert machine.ttl_expired is not None and time_to_live is not None
        plan.outcome = machine.ttl_expired
        plan.steps = [Step(machine.ttl_expired, requested_at + time_to_live)]
        plan.replies = []  # it never reached the handset
        return plan
    first = requested_at + decision.delay_seconds
    plan.steps = [
        Step(status, first + index * decision.step_seconds) for index, status in enumerate(statuses)
    ]
    last = statuses[-1] if statuses else ACCEPTED
    if not machine.is_final(last) and machine.can_move(last, NO_FINAL_STATUS):
        plan.steps.append(Step(NO_FINAL_STATUS, requested_at + NO_FINAL_STATUS_SECONDS))
    return plan


def replan_from(machine: Machine, plan: Plan, current: str, now: float) -> list[Step]:
    """Steps from `current` to the plan's outcome (or the channel's default verdict when that is out of
    reach), timed from `now` by the plan's step interval, or manual like the plan."""
    for target in (plan.outcome, machine.default_success, machine.default_failure):
        try:
            statuses = machine.route(current, target)
            break
        except UnreachableStatus:
            continue
    else:
        return []
    if plan.manual:
        return [Step(status, None) for status in statuses]
    return [Step(status, now + (index + 1) * plan.step_seconds) for index, status in enumerate(statuses)]
