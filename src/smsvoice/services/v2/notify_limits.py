"""The limits of a Notify configuration's tier on its sends (user guide, notify-quotas.html):

* messages a day per configuration: 200 on BASIC, none on ADVANCED;
* messages a day to one destination number: 10 per configuration and 10 per account, on every tier;
* sends a second per configuration: 1 on BASIC, 25 on ADVANCED (only under `--throttling aws`, like
  every request rate; ThrottlingException).

A day is a UTC calendar day of the simulator's clock (clock.py), so a test moves to the next day with
`POST /_smsvoice/simulator/clock`. Both daily limits answer ServiceQuotaExceededException
DAILY_NOTIFY_TIER_MESSAGE_LIMIT, the model's one Notify daily reason (which reason AWS gives for the
per-destination limit is not documented). Counts live in one document per configuration and one per
account, each holding the current day only, and are taken in the send's own transaction: a send
refused later (opt-out, spend) or a DryRun counts nothing (a DryRun is refused like a send).
"""

from __future__ import annotations

from typing import Any

from smsvoice.clock import utc_day
from smsvoice.quotas import (
    V2_NOTIFY_DAILY_MESSAGES,
    V2_NOTIFY_DAILY_MESSAGES_PER_DESTINATION,
    V2_NOTIFY_SENDS_PER_SECOND,
)
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ServiceQuotaExceededException, ThrottlingException
from smsvoice.store import Document

NOTIFY_DAILY = "v2/notify-daily"  # key: the configuration's id, or ACCOUNT_KEY
ACCOUNT_KEY = "account"
DAILY_REASON = "DAILY_NOTIFY_TIER_MESSAGE_LIMIT"


def take_send_rate(context: OperationContext, configuration: Document) -> None:
    if context.settings.throttling != "aws":
        return
    tier = str(configuration["Tier"])
    key = f"notify/{context.account}/{context.region}/{configuration['NotifyConfigurationId']}"
    if not context.tx.rates.take(key, V2_NOTIFY_SENDS_PER_SECOND[tier], context.now()):
        raise ThrottlingException(
            f"Rate exceeded for notify configuration {configuration['NotifyConfigurationId']}"
        )


def _today(context: OperationContext) -> str:
    return utc_day(context.now())


def _counts(context: OperationContext, key: str, day: str) -> Document:
    found = context.documents.get(NOTIFY_DAILY, key)
    if found is None or found.get("Day") != day:
        return {"Day": day, "Messages": 0, "Destinations": {}}
    return found


def count_daily_message(
    context: OperationContext, configuration: Document, e164: str, *, dry_run: bool = False
) -> None:
    """Count one message of today to `e164`, or refuse it when a daily limit is reached (`dry_run`:
    refuse the same way, count nothing)."""
    day = _today(context)
    config_id = str(configuration["NotifyConfigurationId"])
    tier = str(configuration["Tier"])
    mine, account = _counts(context, config_id, day), _counts(context, ACCOUNT_KEY, day)
    limit = V2_NOTIFY_DAILY_MESSAGES[tier]
    if limit is not None and mine["Messages"] >= limit:
        raise ServiceQuotaExceededException(
            f"Notify configuration {config_id} sent its {limit} messages of today ({day}, UTC), the "
            f"{tier} tier's daily limit",
            DAILY_REASON,
        )
    per_destination = V2_NOTIFY_DAILY_MESSAGES_PER_DESTINATION
    for scope, counts in ((f"Notify configuration {config_id}", mine), ("The account", account)):
        if counts["Destinations"].get(e164, 0) >= per_destination:
            raise ServiceQuotaExceededException(
                f"{scope} sent {per_destination} messages to {e164} today ({day}, UTC), the daily limit "
                "per destination number",
                DAILY_REASON,
            )
    if dry_run:
        return
    for key, counts in ((config_id, mine), (ACCOUNT_KEY, account)):
        _bump(counts, e164)
        context.documents.put(NOTIFY_DAILY, key, counts)


def _bump(counts: dict[str, Any], e164: str) -> None:
    counts["Messages"] += 1
    counts["Destinations"][e164] = counts["Destinations"].get(e164, 0) + 1


def forget_counts(context: OperationContext, config_id: str) -> None:
    context.documents.remove(NOTIFY_DAILY, config_id)
