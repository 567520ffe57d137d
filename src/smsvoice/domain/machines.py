"""The declared life of a message on each channel: its statuses, legal transitions and final statuses.

Status names are AWS's `messageStatus` values; the event type of a v2 status is the channel prefix
plus the status (`TEXT_` + `DELIVERED`), as in every record the user guide shows. v1 voice statuses
are the v1 EventType names themselves (`INITIATED_CALL`, ... `COMPLETED_CALL`), which have no prefix.

Every message starts in ACCEPTED, smsvoice's name for "the API answered, nothing reported yet"; it
is never published. Which statuses are final follows the user guide's meanings (aws-facts §4.4):
QUEUED and PENDING come before a carrier's verdict, everything else for SMS and MMS is a verdict.
A text on a route with handset receipts (domain/handset_receipts.py) takes TEXT_WITH_RECEIPTS, where
the carrier's acceptance (SUCCESSFUL) is not final and the handset's receipt (DELIVERED) follows it.
`TEXT_SENT` is in the enum but "not supported" by AWS, so no machine emits it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

ACCEPTED: Final = "ACCEPTED"


class UnreachableStatus(ValueError):
    """A status that the machine cannot reach from where the message is."""


@dataclass(frozen=True, slots=True)
class Machine:
    name: str  # TEXT, MEDIA, VOICE (v2) or V1_VOICE
    channel: str  # the messages table's channel: TEXT, MEDIA, VOICE or RCS
    prefix: str  # event type prefix: "TEXT_", "MEDIA_", "VOICE_", or "" for v1
    transitions: Mapping[str, tuple[str, ...]]  # status -> statuses it may move to, in preference order
    finals: frozenset[str]
    # Statuses in which the message has not yet been handed to a carrier: TimeToLive can expire there.
    before_handoff: frozenset[str]
    default_success: str
    default_failure: str
    invalid_destination: str  # the verdict for a number that is not a valid phone number
    ttl_expired: str | None  # None where the API has no TimeToLive (v1)
    # Routes already found, by (from, to): `route` is asked the same few on every send.
    _routes: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def statuses(self) -> frozenset[str]:
        found = set(self.transitions)
        for targets in self.transitions.values():
            found.update(targets)
        found.discard(ACCEPTED)
        return frozenset(found)

    def event_type(self, status: str) -> str:
        return self.prefix + status

    def is_final(self, status: str) -> bool:
        return status in self.finals

    def can_move(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, ())

    def route(self, current: str, target: str) -> list[str]:
        """The statuses from `current` (excluded) to `target` (included) by the fewest transitions."""
        known = self._routes.get((current, target))
        if known is None:  # a machine has a handful of routes: each is searched once
            known = self._routes[(current, target)] = tuple(self._search(current, target))
        return list(known)

    def _search(self, current: str, target: str) -> list[str]:
        if current == target:
            return []
        previous: dict[str, str] = {}
        queue: deque[str] = deque([current])
        seen = {current}
        while queue:
            status = queue.popleft()
            for following in self.transitions.get(status, ()):
                if following in seen:
                    continue
                seen.add(following)
                previous[following] = status
                if following == target:
                    path = [target]
                    while path[-1] in previous and previous[path[-1]] != current:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                queue.append(following)
        why = f"{current} is final" if current in self.finals else f"{target} cannot follow {current}"
        raise UnreachableStatus(f"{self.name} cannot go from {current} to {target}: {why}")

    def walk(self, start: str, waypoints: Sequence[str]) -> list[str]:
        """The statuses from `start` through each of `waypoints` in order (the last one included);
        raises UnreachableStatus, saying why, when one cannot be reached from the one before it."""
        statuses: list[str] = []
        current = start
        for stop in waypoints:
            statuses.extend(self.route(current, stop))
            current = stop
        return statuses

    def resolve(self, name: str) -> str | None:
        """The status a rule or a request names for this machine, or None when it names none here.

        Accepted: an event type of the machine (`TEXT_DELIVERED`), a bare status (`DELIVERED`), and
        the channel-neutral words SUCCESS and FAILURE (the channel's default verdicts) and, for v1
        voice, the v2 spellings INITIATED and COMPLETED.
        """
        upper = name.strip().upper()
        if upper == "SUCCESS":
            return self.default_success
        if upper == "FAILURE":
            return self.default_failure
        if self.prefix and upper.startswith(self.prefix):
            upper = upper[len(self.prefix) :]
        elif not self.prefix:
            upper = _V1_SPELLINGS.get(upper, upper)
        return upper if upper in self.statuses else None


_V1_SPELLINGS: Final = {
    "INITIATED": "INITIATED_CALL",
    "COMPLETED": "COMPLETED_CALL",
    "VOICE_INITIATED": "INITIATED_CALL",
    "VOICE_COMPLETED": "COMPLETED_CALL",
    "VOICE_RINGING": "RINGING",
    "VOICE_ANSWERED": "ANSWERED",
    "VOICE_BUSY": "BUSY",
    "VOICE_NO_ANSWER": "NO_ANSWER",
    "VOICE_FAILED": "FAILED",
}

_SMS_VERDICTS: Final = (
    "SUCCESSFUL",
    "DELIVERED",
    "INVALID",
    "INVALID_MESSAGE",
    "UNREACHABLE",
    "CARRIER_UNREACHABLE",
    "BLOCKED",
    "CARRIER_BLOCKED",
    "SPAM",
    "UNKNOWN",
)


def _sms_machine(name: str, extra_verdicts: tuple[str, ...]) -> Machine:
    verdicts = (*_SMS_VERDICTS, *extra_verdicts)
    handed_off = (*verdicts, "PROTECT_BLOCKED") if name == "TEXT" else verdicts
    return Machine(
        name=name,
        channel=name,
        prefix=f"{name}_",
        transitions=MappingProxyType(
            {
                ACCEPTED: (*handed_off, "QUEUED", "PENDING", "TTL_EXPIRED"),
                "QUEUED": (*handed_off, "PENDING", "TTL_EXPIRED"),
                "PENDING": handed_off,
            }
        ),
        finals=frozenset((*handed_off, "TTL_EXPIRED")),
        before_handoff=frozenset({ACCEPTED, "QUEUED"}),
        # The user guide's SMS record example is a final TEXT_SUCCESSFUL ("accepted by phone carrier").
        default_success="SUCCESSFUL",
        # AWS says only that a simulator failure number produces "message failure events"; smsvoice
        # answers UNREACHABLE ("the recipient's device is unavailable"), the most generic failure.
        default_failure="UNREACHABLE",
        invalid_destination="INVALID",
        ttl_expired="TTL_EXPIRED",
    )


# What can still happen to a text the carrier accepted, on a route whose carriers send handset
# receipts: the handset's receipt (DELIVERED), or a verdict reached after acceptance.
_AFTER_ACCEPTANCE: Final = ("DELIVERED", "UNREACHABLE", "BLOCKED", "CARRIER_BLOCKED", "SPAM", "UNKNOWN")


def _text_with_receipts() -> Machine:
    """TEXT where carriers return handset receipts (domain/handset_receipts.py): the carrier's
    acceptance (SUCCESSFUL, not final) comes first and the handset's receipt (DELIVERED, final) after
    it, as production records of US and Canadian long codes show (aws-facts §13.1)."""
    plain = TEXT
    verdicts = tuple(status for status in plain.transitions["PENDING"] if status != "DELIVERED")
    return Machine(
        name="TEXT_WITH_RECEIPTS",
        channel="TEXT",
        prefix="TEXT_",
        transitions=MappingProxyType(
            {
                ACCEPTED: (*verdicts, "QUEUED", "PENDING", "TTL_EXPIRED"),
                "QUEUED": (*verdicts, "PENDING", "TTL_EXPIRED"),
                "PENDING": verdicts,
                "SUCCESSFUL": _AFTER_ACCEPTANCE,
            }
        ),
        finals=frozenset((*verdicts, *_AFTER_ACCEPTANCE, "TTL_EXPIRED")) - {"SUCCESSFUL"},
        before_handoff=plain.before_handoff,
        default_success="DELIVERED",
        default_failure=plain.default_failure,
        invalid_destination=plain.invalid_destination,
        ttl_expired=plain.ttl_expired,
    )


TEXT: Final = _sms_machine("TEXT", ())
TEXT_WITH_RECEIPTS: Final = _text_with_receipts()
MEDIA: Final = _sms_machine("MEDIA", ("FILE_INACCESSIBLE", "FILE_TYPE_UNSUPPORTED", "FILE_SIZE_EXCEEDED"))

VOICE: Final = Machine(
    name="VOICE",
    channel="VOICE",
    prefix="VOICE_",
    transitions=MappingProxyType(
        {
            ACCEPTED: ("INITIATED", "TTL_EXPIRED"),
            "INITIATED": ("RINGING", "BUSY", "FAILED"),
            "RINGING": ("ANSWERED", "NO_ANSWER", "FAILED"),
            "ANSWERED": ("COMPLETED", "FAILED"),
        }
    ),
    finals=frozenset({"COMPLETED", "BUSY", "NO_ANSWER", "FAILED", "TTL_EXPIRED"}),
    before_handoff=frozenset({ACCEPTED}),
    default_success="COMPLETED",
    default_failure="FAILED",
    invalid_destination="FAILED",
    ttl_expired="TTL_EXPIRED",
)

V1_VOICE: Final = Machine(
    name="V1_VOICE",
    channel="VOICE",
    prefix="",
    transitions=MappingProxyType(
        {
            ACCEPTED: ("INITIATED_CALL",),
            "INITIATED_CALL": ("RINGING", "BUSY", "FAILED"),
            "RINGING": ("ANSWERED", "NO_ANSWER", "FAILED"),
            "ANSWERED": ("COMPLETED_CALL", "FAILED"),
        }
    ),
    finals=frozenset({"COMPLETED_CALL", "BUSY", "NO_ANSWER", "FAILED"}),
    before_handoff=frozenset({ACCEPTED}),
    default_success="COMPLETED_CALL",
    default_failure="FAILED",
    invalid_destination="FAILED",
    ttl_expired=None,
)

# RCS (SendRcsMessage): RCS_QUEUED -> RCS_SENT -> RCS_DELIVERED, or RCS_FAILED, RCS_TTL_EXPIRED,
# RCS_PROTECT_BLOCKED, or RCS_FALLEN_BACK_TO_SMS when the destination cannot take RCS and the request
# allowed an SMS/MMS fallback (the fallback is a message of its own). RCS_DELIVERED is final: a read
# receipt (RCS_READ) depends on the recipient's settings, so the simulator never emits it and READ is
# not a status of this machine. See docs/v2-rcs.md.
RCS: Final = Machine(
    name="RCS",
    channel="RCS",
    prefix="RCS_",
    transitions=MappingProxyType(
        {
            ACCEPTED: ("QUEUED", "TTL_EXPIRED", "PROTECT_BLOCKED"),
            "QUEUED": ("SENT", "FAILED", "TTL_EXPIRED", "FALLEN_BACK_TO_SMS"),
            "SENT": ("DELIVERED", "FAILED"),
        }
    ),
    finals=frozenset({"DELIVERED", "FAILED", "TTL_EXPIRED", "PROTECT_BLOCKED", "FALLEN_BACK_TO_SMS"}),
    before_handoff=frozenset({ACCEPTED, "QUEUED"}),
    default_success="DELIVERED",
    default_failure="FAILED",
    invalid_destination="FAILED",
    ttl_expired="TTL_EXPIRED",
)

MACHINES: Final[Mapping[str, Machine]] = MappingProxyType(
    {machine.name: machine for machine in (TEXT, TEXT_WITH_RECEIPTS, MEDIA, VOICE, V1_VOICE, RCS)}
)


def machine_for(api: str, channel: str, handset_receipts: bool = False) -> Machine:
    """The machine of a message sent through `api` ("v1" or "v2") on `channel`; a text whose route
    returns handset receipts takes TEXT_WITH_RECEIPTS."""
    if api == "v1":
        return V1_VOICE
    if channel == "TEXT" and handset_receipts:
        return TEXT_WITH_RECEIPTS
    return MACHINES[channel]
