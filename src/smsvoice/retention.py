"""Retention: messages, their records and finished outbox rows do not pile up for ever.

`smsvoice serve` prunes in the background, on the simulator clock (so moving the clock forward ages
messages): messages beyond the newest `--retention-messages` or older than `--retention-days` go, with
their event records and delivered outbox rows, in batches of `BATCH` messages, each its own short unit of
work, until none is left to prune; delivered outbox rows of anything else (inbound replies, two-way
channels) go once older than the oldest message kept, and dead letters once they have been dead for
`--delivery-retention-seconds`. A record still waiting for delivery is never pruned.

What was pruned is kept as totals in the store (`retention_state`); the inspection API shows them, so a
test or a person looking for an old message learns that it was pruned rather than never sent. On
several nodes every node prunes; the totals are then approximate (each node adds its own deletes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from smsvoice.clock import Clock
from smsvoice.store import Store, Transaction

log = logging.getLogger("smsvoice.retention")

DAY_SECONDS = 86_400.0
# Small batches: on the embedded store each runs on the event loop's thread, so a batch is a pause of
# the requests (a batch of 200 messages raised p99 at 16 connections from ~21 to ~27 ms; 50 cost ~1-2 ms each).
BATCH = 50
INTERVAL_SECONDS = 2.0
# Bounds one round, so that a huge backlog (a retention lowered at restart) is worked off across rounds.
MAX_BATCHES_PER_ROUND = 1_000
PRUNED_SETTING = "retention.pruned"  # the totals below; changes_api.py watches them


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    keep_messages: int  # 0: no limit by count
    keep_days: float  # 0: no limit by age
    dead_letter_seconds: float  # how long a dead letter stays after it was given up

    def as_json(self) -> dict[str, Any]:
        return {
            "keep_messages": self.keep_messages or None,
            "keep_days": self.keep_days or None,
            "dead_letter_seconds": self.dead_letter_seconds,
        }


def retention_state(tx: Transaction) -> dict[str, Any]:
    """What was pruned so far: {"messages", "deliveries", "last_pruned_at", "oldest_pruned_before"}."""
    stored = tx.settings.get(PRUNED_SETTING)
    return dict(stored) if isinstance(stored, dict) else {"messages": 0, "deliveries": 0}


def _add_to_totals(tx: Transaction, messages: int, deliveries: int, now: float, cutoff: float | None) -> None:
    totals = retention_state(tx)
    totals["messages"] = int(totals.get("messages", 0)) + messages
    totals["deliveries"] = int(totals.get("deliveries", 0)) + deliveries
    totals["last_pruned_at"] = now
    if cutoff is not None:
        totals["pruned_created_at_or_before"] = max(
            cutoff, float(totals.get("pruned_created_at_or_before", 0))
        )
    tx.settings.put(PRUNED_SETTING, totals)


class Pruner:
    def __init__(self, store: Store, clock: Clock, policy: RetentionPolicy) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="smsvoice-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.prune()
            except Exception:
                log.exception("pruning failed; trying again in %.0f s", INTERVAL_SECONDS)
            await asyncio.sleep(INTERVAL_SECONDS)

    async def prune(self) -> tuple[int, int]:
        """One round: (messages, outbox rows) pruned."""
        now = self.clock.now()
        cutoff = await self.store.run(lambda tx: self._cutoff(tx, now))
        messages = deliveries = 0
        for _ in range(MAX_BATCHES_PER_ROUND):
            if cutoff is None:
                break
            pruned = await self.store.run(lambda tx: self._prune_messages(tx, cutoff, now))
            messages += pruned[0]
            deliveries += pruned[1]
            if pruned[0] < BATCH:
                break
        delivered_before = cutoff if cutoff is not None else now - self._age_limit(now)
        dead_before = now - self.policy.dead_letter_seconds
        for _ in range(MAX_BATCHES_PER_ROUND):
            rows = await self.store.run(lambda tx: self._prune_outbox(tx, delivered_before, dead_before, now))
            deliveries += rows
            if rows < BATCH:
                break
        if messages or deliveries:
            log.info(
                "retention pruned %d messages and %d delivered or dead outbox rows", messages, deliveries
            )
        return messages, deliveries

    def _age_limit(self, now: float) -> float:
        return self.policy.keep_days * DAY_SECONDS if self.policy.keep_days > 0 else now

    def _cutoff(self, tx: Transaction, now: float) -> float | None:
        """Messages created at or before this time are pruned (None: none are)."""
        cutoffs = []
        if self.policy.keep_days > 0:
            cutoffs.append(now - self.policy.keep_days * DAY_SECONDS)
        if self.policy.keep_messages > 0:
            beyond = tx.pruning.keep_newest_cutoff(self.policy.keep_messages)
            if beyond is not None:
                cutoffs.append(beyond)
        return max(cutoffs) if cutoffs else None

    @staticmethod
    def _prune_messages(tx: Transaction, cutoff: float, now: float) -> tuple[int, int]:
        messages, deliveries = tx.pruning.prune_messages(created_at_or_before=cutoff, limit=BATCH)
        if messages or deliveries:
            _add_to_totals(tx, messages, deliveries, now, cutoff)
        return messages, deliveries

    @staticmethod
    def _prune_outbox(tx: Transaction, delivered_before: float, dead_before: float, now: float) -> int:
        rows = tx.pruning.prune_finished_outbox(
            delivered_before=delivered_before, dead_before=dead_before, limit=BATCH
        )
        if rows:
            _add_to_totals(tx, 0, rows, now, None)
        return rows
