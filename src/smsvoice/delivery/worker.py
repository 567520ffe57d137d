"""The delivery worker: claim due outbox rows, deliver them per destination, record what happened.

One asyncio task claims rows in batches and sorts them into lanes, one lane per destination (kind,
target ARN, role). Each lane runs a few batches at a time on a thread pool (boto3 is synchronous;
aiobotocore would pin botocore to its own release, while the protocol layer follows the newest
botocore models). A slow or failing destination only fills its own lane: once a lane's backlog is
full, claims skip its target, its failures are rescheduled with backoff, and a hanging endpoint
(service and region) holds a bounded share of the threads, so other destinations keep flowing. A
destination that cannot work at all (no credentials, no such topic, access denied, unreachable) is
paused as a whole and probed now and then (delivery/breaker.py). Leases are renewed while the worker
lives; a killed worker's rows come back when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from smsvoice.clock import Clock
from smsvoice.delivery.breaker import PauseLog, PausePolicy, destination_failure
from smsvoice.delivery.claims import Claimed, claimed
from smsvoice.delivery.failures import Failure, rejected
from smsvoice.delivery.retry import RetryPolicy
from smsvoice.delivery.sinks import (
    CLOUDWATCH_LOGS,
    DELIVERED,
    FIREHOSE,
    NOT_ATTEMPTED,
    SNS,
    Destination,
    Envelope,
    Result,
    Sink,
    region_of,
)
from smsvoice.store import Store, Transaction
from smsvoice.store.outbox import PARKED_AT, Dead, Outcomes, Rescheduled
from smsvoice.store.pauses import Pause

logger = logging.getLogger("smsvoice.delivery")


@dataclass(frozen=True, slots=True)
class PauseChange:
    """What a batch did to its destination's pause: `pause` None means resumed."""

    pause: Pause | None
    began: bool
    rows: int  # parked, or made due again
    expired: int = 0


@dataclass(frozen=True, slots=True)
class LaneShape:
    batch_size: int
    concurrency: int  # batches of one destination in flight at once


# SNS has no batch publish of distinct messages in the destination contract, so its batches are small
# and several run at once; Firehose takes 500 records a call; CloudWatch Logs takes up to 10,000.
LANE_SHAPES: dict[str, LaneShape] = {
    SNS: LaneShape(batch_size=25, concurrency=4),
    FIREHOSE: LaneShape(batch_size=500, concurrency=2),
    CLOUDWATCH_LOGS: LaneShape(batch_size=1000, concurrency=2),
}
UNKNOWN_KIND = LaneShape(batch_size=100, concurrency=1)


@dataclass(frozen=True, slots=True)
class Tuning:
    # On SQLite a claim runs on the event loop thread (store/engine.py): 500 rows keep that pause short.
    claim_limit: int = 500
    max_in_flight: int = 5000
    # A claim lasts this long unless renewed; renewed every lease/3 while the worker lives.
    lease_seconds: float = 15.0
    # A batch starts no new SDK call after this long (each call is bounded by the SDK's timeouts).
    batch_seconds: float = 10.0
    # Batches in flight per endpoint (service and region): a hanging endpoint holds at most this many
    # threads, so calls to other services and regions always find one free.
    endpoint_concurrency: int = 8
    min_poll_seconds: float = 0.005
    # Idle polling finds rows of other processes and retries that came due; rows this process writes
    # wake the worker at once (wakeup.py).
    max_poll_seconds: float = 0.25
    threads: int = 64
    stop_grace_seconds: float = 3.0


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class _Lane:
    def __init__(self, destination: Destination, shape: LaneShape) -> None:
        self.destination = destination
        self.shape = shape
        self.queue: deque[Claimed] = deque()
        self.running = 0

    @property
    def full(self) -> bool:
        return len(self.queue) >= self.shape.batch_size * self.shape.concurrency

    @property
    def idle(self) -> bool:
        return not self.queue and self.running == 0


class DeliveryWorker:
    """Runs in the app's lifespan (`smsvoice serve`) or alone (`smsvoice worker`)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        sinks: dict[str, Sink],
        policy: RetryPolicy,
        tuning: Tuning | None = None,
        worker_id: str | None = None,
        pause_policy: PausePolicy | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.sinks = sinks
        self.policy = policy
        self.tuning = tuning or Tuning()
        self.worker_id = worker_id or new_worker_id()
        self.pause_policy = pause_policy or PausePolicy()
        self._paused: dict[str, Pause] = {}  # target ARN -> its pause, as of the last claim
        # The same targets, read by store threads when a commit wrote outbox rows (replaced whole).
        self._paused_targets: frozenset[str] = frozenset()
        self._pause_log = PauseLog()
        self._lanes: dict[Destination, _Lane] = {}
        self._in_flight = 0
        self._batches: set[asyncio.Task[None]] = set()
        self._endpoints: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._main: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._stop_watching: Callable[[], None] | None = None
        self._executor = ThreadPoolExecutor(
            max_workers=self.tuning.threads, thread_name_prefix="smsvoice-delivery"
        )
        self.delivered = 0
        self.failed_attempts = 0
        self.dead = 0
        self.claims = 0  # claim rounds run (a wake or a poll each)

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> None:
        loop = asyncio.get_running_loop()

        def wake_from_store_thread(targets: frozenset[str]) -> None:
            # Rows for a destination known to be paused were written parked: nothing to claim. With
            # a dead destination, waking for them meant a claim after every commit, ~15% of a send.
            if targets - self._paused_targets:
                loop.call_soon_threadsafe(self._wake.set)

        self._stop_watching = self.store.on_outbox_commit(wake_from_store_thread)
        self._main = asyncio.create_task(self._claim_loop(), name="smsvoice-delivery")
        self._renewer = asyncio.create_task(self._renew_loop(), name="smsvoice-delivery-leases")
        logger.info("delivery worker %s started", self.worker_id)

    @property
    def running(self) -> bool:
        return self._main is not None and not self._main.done() and not self._stopping

    def wake(self) -> None:
        """Claim now instead of at the next poll (for code that just wrote outbox rows)."""
        self._wake.set()

    def status(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "worker_id": self.worker_id,
            "in_flight": self._in_flight,
            "delivered": self.delivered,
            "failed_attempts": self.failed_attempts,
            "dead": self.dead,
            "claims": self.claims,
            "paused_destinations": [pause_view(pause, self.clock.now()) for pause in self._paused.values()],
        }

    async def stop(self) -> None:
        self._stopping = True
        if self._stop_watching is not None:
            self._stop_watching()
        for task in (self._main, self._renewer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._batches:
            # Batches already talking to AWS may finish and record their outcome; the rest wait for
            # the next worker (their claims are released below).
            await asyncio.wait(self._batches, timeout=self.tuning.stop_grace_seconds)
        try:
            await self.store.run(
                lambda tx: tx.outbox.release_all(worker_id=self.worker_id, now=self.clock.now())
            )
        except Exception:
            logger.exception(
                "could not release the claims of %s; they come back when their lease ends", self.worker_id
            )
        self._executor.shutdown(wait=False, cancel_futures=True)
        logger.info("delivery worker %s stopped", self.worker_id)

    # -- claiming ---------------------------------------------------------------------------------

    async def _claim_loop(self) -> None:
        poll = self.tuning.min_poll_seconds
        while not self._stopping:
            room = self.tuning.max_in_flight - self._in_flight
            claimed: list[Claimed] = []
            if room > 0:
                try:
                    claimed = await self._claim(min(room, self.tuning.claim_limit))
                except Exception:
                    logger.exception("claiming outbox rows failed; trying again shortly")
                    await self._sleep(1.0)
                    continue
            for item in claimed:
                self._lane_for(item.destination).queue.append(item)
            self._in_flight += len(claimed)
            await self._probe()
            self._start_batches()
            if claimed and len(claimed) >= min(room, self.tuning.claim_limit):
                await asyncio.sleep(0)  # more may be due right away; let the batches start first
                continue
            poll = self.tuning.min_poll_seconds if claimed else min(poll * 2, self.tuning.max_poll_seconds)
            await self._sleep(poll)

    async def _claim(self, limit: int) -> list[Claimed]:
        now = self.clock.now()
        busy = [lane.destination.target_arn for lane in self._lanes.values() if lane.full]
        queued = {lane.destination.target_arn for lane in self._lanes.values() if lane.queue}

        def claim(tx: Transaction) -> tuple[list[Claimed], dict[str, Pause]]:
            rows = tx.outbox.claim_due(
                worker_id=self.worker_id,
                now=now,
                lease_seconds=self.tuning.lease_seconds,
                limit=limit,
                skip_targets=busy,
            )
            pauses = {pause.target_arn: pause for pause in tx.pauses.all()}
            # Rows written since a pause began (or queued here when another worker paused it): parked
            # behind the others.
            for target in ({row.target_arn for row in rows} | queued) & pauses.keys():
                reason = f"destination paused: {pauses[target].reason}"
                tx.outbox.park(target_arn=target, worker_id=self.worker_id, now=now, reason=reason)
            return [claimed(row) for row in rows if row.target_arn not in pauses], pauses

        rows, paused = await self.store.run(claim)
        self.claims += 1
        self._set_paused(paused)
        for lane in self._lanes.values():
            if lane.queue and lane.destination.target_arn in self._paused:
                self._in_flight -= len(lane.queue)
                lane.queue.clear()
        return rows

    def _set_paused(self, paused: dict[str, Pause]) -> None:
        self._paused = paused
        self._paused_targets = frozenset(paused)

    async def _probe(self) -> None:
        """Take the probe of one paused destination whose pause has ended, if any: its oldest record."""
        now = self.clock.now()
        if not self._paused or min(pause.retry_at for pause in self._paused.values()) > now:
            return
        lease = self.tuning.lease_seconds

        def take(tx: Transaction) -> tuple[str | None, Claimed | None]:
            pause = tx.pauses.claim_probe(worker_id=self.worker_id, now=now, lease_seconds=lease)
            if pause is None:
                return None, None
            target = pause.target_arn
            row = tx.outbox.claim_parked(
                target_arn=target, worker_id=self.worker_id, now=now, lease_seconds=lease
            )
            if row is None:  # nothing waits for it: the next record tries it as usual
                tx.pauses.resume(target)
                return target, None
            return target, claimed(row)

        try:
            target, probe = await self.store.run(take)
        except Exception:
            logger.exception("taking a paused destination's probe failed; trying again shortly")
            return
        if probe is None:
            if target is not None:
                self._set_paused({key: pause for key, pause in self._paused.items() if key != target})
            return
        lane = self._lane_for(probe.destination)
        lane.running += 1
        self._in_flight += 1
        task = asyncio.create_task(self._deliver(lane, [probe], probe=True))
        self._batches.add(task)
        task.add_done_callback(self._batches.discard)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    async def _renew_loop(self) -> None:
        interval = self.tuning.lease_seconds / 3
        while not self._stopping:
            await asyncio.sleep(interval)
            until = self.clock.now() + self.tuning.lease_seconds
            try:
                await self.store.run(partial(self._renew, until=until))
            except Exception:
                logger.exception("renewing the leases of %s failed", self.worker_id)

    def _renew(self, tx: Transaction, *, until: float) -> None:
        tx.outbox.renew_leases(worker_id=self.worker_id, until=until)

    # -- delivering -------------------------------------------------------------------------------

    def _lane_for(self, destination: Destination) -> _Lane:
        lane = self._lanes.get(destination)
        if lane is None:
            lane = _Lane(destination, LANE_SHAPES.get(destination.kind, UNKNOWN_KIND))
            self._lanes[destination] = lane
        return lane

    def _start_batches(self) -> None:
        for lane in list(self._lanes.values()):
            paused = lane.destination.target_arn in self._paused
            while lane.queue and lane.running < lane.shape.concurrency and not paused:
                batch = [lane.queue.popleft() for _ in range(min(lane.shape.batch_size, len(lane.queue)))]
                lane.running += 1
                task = asyncio.create_task(self._deliver(lane, batch))
                self._batches.add(task)
                task.add_done_callback(self._batches.discard)
            if lane.idle:
                del self._lanes[lane.destination]

    async def _deliver(self, lane: _Lane, batch: list[Claimed], *, probe: bool = False) -> None:
        destination = lane.destination
        dropped = 0
        try:
            results = await self._attempt(destination, [item.envelope for item in batch])
            outcomes = self._judge(destination, batch, results)
            failure = destination_failure(list(results))
            if failure is not None:  # the batch's and the lane's other rows are parked with the rest
                dropped = len(lane.queue)
                lane.queue.clear()
            now = self.clock.now()

            paused = self._paused.get(destination.target_arn)

            def record(tx: Transaction) -> PauseChange | None:
                tx.outbox.record_outcomes(outcomes, worker_id=self.worker_id, now=now)
                if failure is not None:
                    failed = sum(1 for item in outcomes.rescheduled if item.next_attempt_at >= PARKED_AT)
                    known = None if probe else paused
                    return self._pause(tx, destination, failure, now, known=known, failed=failed)
                # The destination answered: it works, whatever this record's fate.
                answered = outcomes.delivered or probe
                if paused is not None and answered and tx.pauses.resume(destination.target_arn):
                    return PauseChange(None, began=False, rows=tx.outbox.unpark(destination.target_arn))
                return None

            change = await self.store.run(record)
            if change is not None:
                self._apply(destination, change, paused, failure, now)
            self.delivered += len(outcomes.delivered)
            self.dead += len(outcomes.dead)
        except Exception:
            # The rows stay claimed until the lease ends, then another attempt delivers them.
            logger.exception("recording a delivery batch for %s failed", destination.target_arn)
        finally:
            lane.running -= 1
            self._in_flight -= len(batch) + dropped
            if not self._stopping:
                self._start_batches()
                self._wake.set()

    async def _attempt(self, destination: Destination, envelopes: list[Envelope]) -> list[Result]:
        sink = self.sinks.get(destination.kind)
        if sink is None:
            failure = rejected(f"unknown destination kind {destination.kind!r}")
            return [failure for _ in envelopes]
        endpoint = (destination.kind, region_of(destination.target_arn) or "")
        slots = self._endpoints.get(endpoint)
        if slots is None:
            slots = self._endpoints[endpoint] = asyncio.Semaphore(self.tuning.endpoint_concurrency)
        loop = asyncio.get_running_loop()
        try:
            async with slots:
                deadline = time.monotonic() + self.tuning.batch_seconds
                return await loop.run_in_executor(
                    self._executor, sink.deliver, destination, envelopes, deadline
                )
        except Exception as error:  # a sink bug: keep the records and try again later
            logger.exception("sink %s raised", destination.kind)
            failure = Failure(f"internal error: {type(error).__name__}: {error}", retryable=True)
            return [failure for _ in envelopes]

    def _pause(
        self,
        tx: Transaction,
        destination: Destination,
        failure: Failure,
        now: float,
        *,
        known: Pause | None,
        failed: int,
    ) -> PauseChange:
        """Pause the destination (again, after a failed probe) and park its rows. A batch that was in
        flight when the pause began (`known`) only parks its rows."""
        target = destination.target_arn
        if known is not None:
            reason = f"destination paused: {known.reason}"
            tx.outbox.park(target_arn=target, worker_id=self.worker_id, now=now, reason=reason)
            return PauseChange(known, began=False, rows=0)
        pause, began = tx.pauses.pause(
            target_arn=target,
            kind=destination.kind,
            reason=failure.message,
            now=now,
            delay=self.pause_policy.delay,
        )
        reason = f"destination paused: {failure.message}"
        parked = tx.outbox.park(target_arn=target, worker_id=self.worker_id, now=now, reason=reason)
        expired = tx.outbox.expire_parked(
            target_arn=target,
            created_before=now - self.policy.retention_seconds,
            now=now,
            error=f"{failure.message} (retention window ended while the destination was paused; dead-lettered)",
        )
        return PauseChange(pause, began=began, rows=parked + failed, expired=expired)

    def _apply(
        self,
        destination: Destination,
        change: PauseChange,
        before: Pause | None,
        failure: Failure | None,
        now: float,
    ) -> None:
        """What a batch's pause or resume means for this worker, and the log lines it is worth."""
        target = destination.target_arn
        self.dead += change.expired
        if change.pause is None:
            self._set_paused({key: pause for key, pause in self._paused.items() if key != target})
            paused_at = before.paused_at if before is not None else now
            self._pause_log.resumed(destination.kind, target, now - paused_at, change.rows)
            return
        self._set_paused({**self._paused, target: change.pause})
        if change.began and failure is not None:
            self._pause_log.paused(
                destination.kind, target, failure, change.rows, change.pause.retry_at - now
            )

    def _judge(self, destination: Destination, batch: list[Claimed], results: list[Result]) -> Outcomes:
        outcomes = Outcomes(delivered=[], rescheduled=[], dead=[], released=[])
        now = self.clock.now()
        for item, result in zip(batch, results, strict=True):
            if result is DELIVERED:
                outcomes.delivered.append(item.row_id)
                continue
            if result is NOT_ATTEMPTED or not isinstance(result, Failure):
                outcomes.released.append(item.row_id)
                continue
            if result.destination_wide:
                # An attempt that failed, parked with the destination's other rows (see _pause).
                outcomes.rescheduled.append(
                    Rescheduled(item.row_id, result.message, PARKED_AT + item.created_at)
                )
                self.failed_attempts += 1
                continue
            attempt = item.attempts + 1
            self.failed_attempts += 1
            next_at = self.policy.next_attempt_at(attempt, item.created_at, now) if result.retryable else None
            if next_at is None:
                why = "retention window ended" if result.retryable else "not retryable"
                error = f"{result.message} ({why}; dead-lettered)"
                outcomes.dead.append(Dead(item.row_id, error))
            else:
                error = result.message
                outcomes.rescheduled.append(Rescheduled(item.row_id, error, next_at))
            logger.warning(
                "delivery failed: outbox=%d message=%s event=%s destination=%s %s attempt=%d next=%s error=%s",
                item.row_id,
                item.message_id,
                item.event_type,
                destination.kind,
                destination.target_arn,
                attempt,
                f"in {next_at - now:.2f}s" if next_at is not None else "DEAD",
                error,
            )
        return outcomes


def pause_view(pause: Pause, now: float) -> dict[str, Any]:
    """A paused destination as health and the deliveries listing show it."""
    return {
        "kind": pause.destination_kind,
        "arn": pause.target_arn,
        "reason": pause.reason,
        "paused_at": pause.paused_at,
        "failures_in_a_row": pause.failures,
        "next_probe_in_seconds": round(max(0.0, pause.retry_at - now), 3),
    }
