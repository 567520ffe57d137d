"""The simulator's rules table: which destinations get which outcome, and when.

A rule (JSON object, every member optional):

    {"id": "busy-line", "account": "111122223333", "destination": "+14255550100" | "prefix": "+44",
     "channels": ["TEXT", "MEDIA", "VOICE"], "outcome": "BUSY", "path": ["RINGING"],
     "delay_seconds": 0, "step_seconds": 0, "manual": false, "handset_receipt": true}

* `destination` matches one number exactly, `prefix` every number starting with it; with neither the
  rule matches every number. `account` limits the rule to one account.
* `outcome` names the final status: an event type (`TEXT_BLOCKED`), a bare status (`BLOCKED`, `BUSY`,
  `TTL_EXPIRED`), or SUCCESS / FAILURE (each channel's default verdict). A rule only applies to the
  channels whose machine knows its outcome (`BUSY` never touches SMS); `channels` narrows it further.
  RCS messages only follow rules whose `channels` name RCS.
  Without `outcome` the rule only sets timing.
* `path` lists statuses to pass through on the way (`["QUEUED", "PENDING"]`); missing links are filled
  in along the channel's state machine, but the statuses must come in an order the machine can take:
  a rule whose path it cannot take is refused, saying why.
* `handset_receipt` (texts): true makes the carrier's acceptance (TEXT_SUCCESSFUL, not final) come
  before the handset's receipt (TEXT_DELIVERED, final); false makes TEXT_SUCCESSFUL final. Without
  it the route decides (domain/handset_receipts.py), except that an outcome of SUCCESSFUL asks for a
  final TEXT_SUCCESSFUL and a path through SUCCESSFUL to DELIVERED asks for the receipt.
* `delay_seconds` comes before the first record, `step_seconds` between the records after it.
  `manual: true` holds every record until a test advances the message (inspection API).
* `reply` makes the handset answer once the message reached it: `{"body": "STOP", "delay_seconds": 5}`
  or a list of them; each answer comes in as an inbound message (inbound.py) from the destination to
  the number that sent, so an app's whole loop runs without calling the inbound endpoint by hand.

Which rule wins for a message: the most specific one that applies. A rule on the exact number beats
AWS's simulator numbers, which beat prefix rules (the longest prefix first), which beat catch-all
rules. At equal specificity an account's own rule beats a rule for all accounts, then the earlier rule
wins. The outcome comes from the winner when it has one, else from the simulator number, else the
channel's default success; the timing always comes from the winner (immediate without one).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from smsvoice.domain import simulator_numbers
from smsvoice.domain.machines import ACCEPTED, MACHINES, Machine, UnreachableStatus, machine_for

_NUMBER: Final = re.compile(r"\+[0-9]{1,19}")
_PREFIX: Final = re.compile(r"\+[0-9]{0,19}")
_ACCOUNT: Final = re.compile(r"[0-9]{12}")
CHANNELS: Final = ("TEXT", "MEDIA", "VOICE")
# RCS (SendRcsMessage) is only touched by a rule that names it in `channels`: rules written before RCS
# existed keep meaning what they meant.
KNOWN_CHANNELS: Final = (*CHANNELS, "RCS")
_KNOWN_MEMBERS: Final = frozenset(
    {"id", "account", "destination", "prefix", "channels", "outcome", "path"}
    | {"delay_seconds", "step_seconds", "manual", "reply", "handset_receipt"}
)
# Longest delay a rule may ask for: TimeToLive's maximum (72 hours) plus a day; bounds the scheduler.
MAX_DELAY_SECONDS: Final = 259_200.0 + 86_400.0


class RuleError(ValueError):
    """A rules document or rule that cannot be used; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    account: str | None = None
    destination: str | None = None
    prefix: str | None = None
    channels: tuple[str, ...] = CHANNELS
    outcome: str | None = None
    path: tuple[str, ...] = ()
    delay_seconds: float = 0.0
    step_seconds: float = 0.0
    manual: bool = False
    # What the handset answers once the message reached it: (body, seconds after delivery) each.
    reply: tuple[tuple[str, float], ...] = ()
    handset_receipt: bool | None = None  # texts: the receipt path (True), a final SUCCESSFUL (False)

    def applies_to(self, machine: Machine) -> bool:
        if machine.channel not in self.channels:
            return False
        if self.outcome is not None and machine.resolve(self.outcome) is None:
            return False
        return _path_fits(self, machine.channel)

    def matches(self, account: str, number: str) -> bool:
        if self.account is not None and self.account != account:
            return False
        if self.destination is not None:
            return number == self.destination
        if self.prefix is not None:
            return number.startswith(self.prefix)
        return True

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"id": self.id}
        for name in ("account", "destination", "prefix", "outcome"):
            value = getattr(self, name)
            if value is not None:
                shown[name] = value
        shown["channels"] = list(self.channels)
        if self.path:
            shown["path"] = list(self.path)
        shown["delay_seconds"] = self.delay_seconds
        shown["step_seconds"] = self.step_seconds
        shown["manual"] = self.manual
        if self.reply:
            shown["reply"] = [{"body": body, "delay_seconds": delay} for body, delay in self.reply]
        if self.handset_receipt is not None:
            shown["handset_receipt"] = self.handset_receipt
        return shown


@dataclass(frozen=True, slots=True)
class Decision:
    """What the simulator does with one message."""

    outcome: str  # a status of the message's machine
    path: tuple[str, ...]  # statuses of the machine to pass through first
    delay_seconds: float
    step_seconds: float
    manual: bool
    source: str  # rule id, "simulator-number", "invalid-number" or "default"
    replies: tuple[tuple[str, float], ...] = ()  # the handset's answers once the message reached it
    handset_receipt: bool | None = None  # what the rule asked of a text's receipt (None: the route's)


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"rules": [rule.to_json() for rule in self.rules]}

    def decide(self, machine: Machine, account: str, number: str, *, valid_number: bool = True) -> Decision:
        winner = self._winner(machine, account, number)
        simulated = simulator_numbers.lookup(number)
        if winner is not None and winner.outcome is not None and winner.destination is not None:
            outcome, source = _resolved(machine, winner.outcome), winner.id
        elif simulated is not None:
            verdict = machine.default_success if simulated.outcome == "SUCCESS" else machine.default_failure
            outcome, source = verdict, "simulator-number"
        elif winner is not None and winner.outcome is not None:
            outcome, source = _resolved(machine, winner.outcome), winner.id
        elif not valid_number:
            outcome, source = machine.invalid_destination, "invalid-number"
        else:
            outcome, source = machine.default_success, winner.id if winner else "default"
        if winner is None:
            return Decision(outcome, (), 0.0, 0.0, False, source)
        path = tuple(_resolved(machine, status) for status in winner.path if machine.resolve(status))
        return Decision(
            outcome,
            path,
            winner.delay_seconds,
            winner.step_seconds,
            winner.manual,
            source,
            winner.reply,
            winner.handset_receipt,
        )

    def _winner(self, machine: Machine, account: str, number: str) -> Rule | None:
        best: Rule | None = None
        best_rank: tuple[int, int] | None = None
        for rule in self.rules:
            if not rule.applies_to(machine) or not rule.matches(account, number):
                continue
            if rule.destination is not None:
                specificity = 1_000
            elif rule.prefix is not None:
                specificity = 1 + len(rule.prefix)
            else:
                specificity = 0
            rank = (specificity, 1 if rule.account is not None else 0)
            if best_rank is None or rank > best_rank:  # strictly better: the earlier rule wins ties
                best, best_rank = rule, rank
        return best

    def with_rules(self, added: Iterable[Rule]) -> RuleSet:
        return RuleSet((*self.rules, *added))

    def without(self, *, account: str | None = None, rule_id: str | None = None) -> RuleSet:
        """This set less the rules of one account and/or the rule with one id (everything if neither)."""
        if account is None and rule_id is None:
            return RuleSet()
        kept = tuple(
            rule
            for rule in self.rules
            if not ((account is None or rule.account == account) and (rule_id is None or rule.id == rule_id))
        )
        return RuleSet(kept)


def _resolved(machine: Machine, name: str) -> str:
    status = machine.resolve(name)
    assert status is not None  # applies_to() checked it
    return status


def parse_rules(document: Any) -> list[Rule]:
    """Rules from a rules document: `{"rules": [...]}` or a bare list of rule objects."""
    if isinstance(document, dict):
        unknown = set(document) - {"rules"}
        if unknown:
            raise RuleError(f"unknown member(s) {sorted(unknown)}: a rules document has only 'rules'")
        document = document.get("rules", [])
    if not isinstance(document, list):
        raise RuleError('rules must be a list, or an object {"rules": [...]}')
    rules = [parse_rule(item, index) for index, item in enumerate(document)]
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise RuleError("rule ids must be unique")
    return rules


def parse_rule(item: Any, index: int | None = None) -> Rule:
    where = "rule" if index is None else f"rule {index}"
    if not isinstance(item, dict):
        raise RuleError(f"{where} must be a JSON object")
    unknown = set(item) - _KNOWN_MEMBERS
    if unknown:
        raise RuleError(f"{where}: unknown member(s) {sorted(unknown)}")
    # Rules outlive the process (they are stored), so a generated id must not repeat after a restart.
    rule_id = _optional_text(item, "id", where) or f"rule-{uuid.uuid4().hex[:12]}"
    account = _optional_text(item, "account", where)
    if account is not None and not _ACCOUNT.fullmatch(account):
        raise RuleError(f"{where}: account must be 12 digits")
    destination = _optional_text(item, "destination", where)
    prefix = _optional_text(item, "prefix", where)
    if destination is not None and prefix is not None:
        raise RuleError(f"{where}: give destination or prefix, not both")
    if destination is not None:
        destination = _with_plus(destination)
        if not _NUMBER.fullmatch(destination):
            raise RuleError(f"{where}: destination must be an E.164 number such as +14255550100")
    if prefix is not None:
        prefix = _with_plus(prefix)
        if not _PREFIX.fullmatch(prefix):
            raise RuleError(f"{where}: prefix must be '+' and digits, such as +44")
    channels = _channels(item.get("channels"), where)
    outcome = _optional_text(item, "outcome", where)
    path = _path(item.get("path"), where)
    rule = Rule(
        id=rule_id,
        account=account,
        destination=destination,
        prefix=prefix,
        channels=channels,
        outcome=outcome,
        path=path,
        delay_seconds=_seconds(item, "delay_seconds", where),
        step_seconds=_seconds(item, "step_seconds", where),
        manual=_flag(item, "manual", where),
        reply=_replies(item.get("reply"), where),
        handset_receipt=_optional_flag(item, "handset_receipt", where),
    )
    _check_statuses(rule, where)
    return rule


def _check_statuses(rule: Rule, where: str) -> None:
    """The outcome must mean something on at least one channel, and each path status on each of those.
    The rule's path to its outcome must be one the channel's machine can take: on every channel the
    rule names, or on at least one when it names none (it then applies to those that can)."""
    machines = [m for m in MACHINES.values() if m.channel in rule.channels and _knows_outcome(rule, m)]
    if not machines:
        raise RuleError(f"{where}: outcome {rule.outcome!r} is not a status of any of {list(rule.channels)}")
    for status in rule.path:
        if not any(machine.resolve(status) for machine in machines):
            raise RuleError(f"{where}: path status {status!r} is not a status of the rule's channels")
    problems = {channel: _channel_problem(rule, channel) for channel in sorted({m.channel for m in machines})}
    named = rule.channels != CHANNELS
    refused = [problem for problem in problems.values() if problem]
    if refused and (named or len(refused) == len(problems)):
        raise RuleError(f"{where}: {refused[0]}")


def _knows_outcome(rule: Rule, machine: Machine) -> bool:
    return rule.outcome is None or machine.resolve(rule.outcome) is not None


def _candidates(rule: Rule, channel: str) -> list[Machine]:
    """The machines a message of `channel` may follow under this rule."""
    found = [m for m in MACHINES.values() if m.channel == channel and m.name != "V1_VOICE"]
    if channel == "TEXT" and rule.handset_receipt is not None:
        found = [machine_for("v2", "TEXT", rule.handset_receipt)]
    return [machine for machine in found if _knows_outcome(rule, machine)]


def _channel_problem(rule: Rule, channel: str) -> str | None:
    """Why no machine of `channel` can take the rule's path (None when one can)."""
    problems = [_path_problem(rule, machine) for machine in _candidates(rule, channel)]
    if problems and all(problems):
        return problems[0]
    return None


@lru_cache(maxsize=1024)
def _path_fits(rule: Rule, channel: str) -> bool:
    return _channel_problem(rule, channel) is None


def _path_problem(rule: Rule, machine: Machine) -> str | None:
    """Why `machine` cannot take the rule's path to its outcome (None when it can)."""
    waypoints = [status for status in (machine.resolve(name) for name in rule.path) if status is not None]
    if rule.outcome is not None:
        waypoints.append(_resolved(machine, rule.outcome))
    try:
        machine.walk(ACCEPTED, waypoints)
    except UnreachableStatus as problem:
        taken = " -> ".join([ACCEPTED, *waypoints])
        hint = ""
        if machine.name == "TEXT" and "SUCCESSFUL is final" in str(problem):
            hint = " (without a handset receipt TEXT_SUCCESSFUL is final: set handset_receipt true)"
        return f"a {machine.channel} message cannot take the path {taken}: {problem}{hint}"
    return None


def _with_plus(value: str) -> str:
    value = value.strip()
    return value if value.startswith("+") else f"+{value}"


def _optional_text(item: dict[str, Any], name: str, where: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: {name} must be a non-empty string")
    return value.strip()


def _channels(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return CHANNELS
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise RuleError(f"{where}: channels must be a non-empty list of TEXT, MEDIA, VOICE, RCS")
    channels = tuple(str(item).upper() for item in value)
    wrong = [item for item in channels if item not in KNOWN_CHANNELS]
    if wrong:
        raise RuleError(f"{where}: unknown channel(s) {wrong}; use TEXT, MEDIA, VOICE or RCS")
    return channels


def _path(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise RuleError(f"{where}: path must be a list of status names")
    return tuple(value)


def _seconds(item: dict[str, Any], name: str, where: str) -> float:
    value = item.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(f"{where}: {name} must be a number of seconds")
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise RuleError(f"{where}: {name} must be between 0 and {MAX_DELAY_SECONDS:.0f}")
    return float(value)


def _replies(value: Any, where: str) -> tuple[tuple[str, float], ...]:
    """`{"body": "STOP", "delay_seconds": 5}` or a list of them."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    replies: list[tuple[str, float]] = []
    for item in items:
        if not isinstance(item, dict) or set(item) - {"body", "delay_seconds"}:
            raise RuleError(f'{where}: reply must be {{"body": "...", "delay_seconds": N}} or a list of them')
        body = item.get("body")
        if not isinstance(body, str) or not body.strip():
            raise RuleError(f"{where}: a reply needs a non-empty body")
        replies.append((body, _seconds(item, "delay_seconds", where)))
    return tuple(replies)


def _optional_flag(item: dict[str, Any], name: str, where: str) -> bool | None:
    if item.get(name) is None:
        return None
    return _flag(item, name, where)


def _flag(item: dict[str, Any], name: str, where: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise RuleError(f"{where}: {name} must be true or false")
    return value
