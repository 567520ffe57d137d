"""From the simulator's decision to the timed list of transitions a message will go through.

TimeToLive (v2 only): "If the message isn't handed off before the TTL expires we stop attempting to
hand off the message and return TTL_EXPIRED event" (SendTextMessage reference). The hand-off happens
with the first record; when the rule delays it past the TTL, the message instead expires alone, at
request time + TimeToLive. A rule whose outcome is TTL_EXPIRED expires after its own delay. Manual
messages wait for a test to advance them, so time never expires them.
"""

from __future__ import annotations

from collections.abc import Sequence

from smsvoice.domain.machines import ACCEPTED, Machine, UnreachableStatus
from smsvoice.domain.message import Plan, Reply, Step
from smsvoice.messaging.rules import Decision


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
