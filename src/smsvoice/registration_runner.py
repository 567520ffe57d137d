"""Registration work that falls due on the simulator clock, run in the simulator's rounds.

Two kinds of job (store/registration_jobs.py): a review step of a submitted registration
(services/v2/registration_review.py; `--registration-review auto`), and the fetch of an attachment
given as an `s3://` URL. The fetch goes through the AWS SDK with the process's own AWS configuration,
as event delivery does (delivery/credentials.py), on a thread and outside any store transaction, so a
slow or unreachable S3 holds no request up. A claimed fetch is leased for a minute: if the process
stops meanwhile, another round fetches it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Final

from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.delivery.credentials import AwsClients
from smsvoice.domain.attachment_types import MAX_ATTACHMENT_BYTES
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.registration_attachments import (
    ATTACHMENT_JOB,
    REGISTRATION_ATTACHMENT,
    record_fetch,
    s3_location,
)
from smsvoice.services.v2.registration_review import REVIEW_JOB, advance_review
from smsvoice.store import Store, Transaction
from smsvoice.store.registration_jobs import DueJob

log = logging.getLogger("smsvoice.registrations")

BATCH: Final = 50
FETCH_LEASE_SECONDS: Final = 60.0


def registration_context(
    tx: Transaction, clock: Clock, settings: Settings, account: str, region: str, operation: str
) -> OperationContext:
    """A handler's context for work that no request asked for (a review step, the review API)."""
    return OperationContext(
        api="v2",
        operation=operation,
        account=account,
        region=region,
        request_id=operation,
        tx=tx,
        clock=clock,
        settings=settings,
    )


class RegistrationRunner:
    def __init__(self, store: Store, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.clients = AwsClients(clock, assume_role=False)
        # One round at a time in this process: a clock move's round waits for a background round in
        # flight (which may hold the rows it would skip), so its answer sees that round's work too.
        self._one_round = asyncio.Lock()

    async def run_due(self) -> int:
        """Apply the review steps that are due, then fetch the attachments waiting for it."""
        async with self._one_round:
            reviewed, claimed = await self.store.run(self._first_round)
            done = reviewed
            for _ in range(100):  # bounded; a step that schedules the next one may make it due at once
                if done == 0:
                    break
                done = await self.store.run(self._review_batch)
                reviewed += done
        # Fetches are leased: they need no lock, and a slow S3 holds no clock move up.
        for job, url in claimed:
            content, failure = await asyncio.to_thread(self._fetch, url, job.region)
            await self.store.run(partial(self._record, job=job, content=content, failure=failure))
        return reviewed + len(claimed)

    @staticmethod
    def next_due(tx: Transaction) -> Callable[[], float | None]:
        """When the earliest review step or fetch falls due (the simulator's idle round asks)."""
        return tx.registration_jobs.next_due_at_ahead()

    def _context(self, tx: Transaction, job: DueJob) -> OperationContext:
        return registration_context(
            tx, self.clock, self.settings, job.account, job.region, "RegistrationReview"
        )

    def _first_round(self, tx: Transaction) -> tuple[int, list[tuple[DueJob, str]]]:
        return self._review_batch(tx), self._claim_fetches(tx)

    def _review_batch(self, tx: Transaction) -> int:
        jobs = tx.registration_jobs.due(self.clock.now(), BATCH, prefix=REVIEW_JOB)
        for job in jobs:
            tx.registration_jobs.clear(job.key)  # the step schedules the next one, if any
            try:
                with tx.savepoint():
                    advance_review(self._context(tx, job), job.key[len(REVIEW_JOB) :], job.due_at)
            except Exception:
                # One broken registration must not hold the others back: its review stops here.
                log.exception("registration review step %s failed; the review stops", job.key)
        return len(jobs)

    def _claim_fetches(self, tx: Transaction) -> list[tuple[DueJob, str]]:
        now = self.clock.now()
        claimed = []
        for job in tx.registration_jobs.due(now, BATCH, prefix=ATTACHMENT_JOB):
            doc = tx.documents(job.account, job.region).get(
                REGISTRATION_ATTACHMENT, job.key[len(ATTACHMENT_JOB) :]
            )
            if doc is None or not doc.get("AttachmentUrl"):
                tx.registration_jobs.clear(job.key)
                continue
            tx.registration_jobs.schedule(job.key, job.account, job.region, now + FETCH_LEASE_SECONDS)
            claimed.append((job, str(doc["AttachmentUrl"])))
        return claimed

    def _fetch(self, url: str, region: str) -> tuple[bytes | None, str | None]:
        location = s3_location(url)
        if location is None:
            return None, f"not an S3 URL: {url}"
        bucket, key = location
        try:
            answer = self.clients.client("s3", region).get_object(Bucket=bucket, Key=key)
            # One byte past the limit is enough to know the file is too large.
            return answer["Body"].read(MAX_ATTACHMENT_BYTES + 1), None
        except Exception as problem:  # whatever the SDK or the network says, the upload failed
            return None, f"{type(problem).__name__}: {problem}"

    def _record(self, tx: Transaction, *, job: DueJob, content: bytes | None, failure: str | None) -> None:
        tx.registration_jobs.clear(job.key)
        record_fetch(self._context(tx, job), job.key[len(ATTACHMENT_JOB) :], content, failure)
