"""Helpers of the multi-node tests: clients per node, calls fired together, outcomes compared."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.clients import NO_RETRIES, client

# Enough pooled connections for every thread a test starts against one client, and no retries.
CONCURRENT = NO_RETRIES.merge(Config(max_pool_connections=64, connect_timeout=5, read_timeout=30))


def v2_clients(endpoints: Sequence[str], account: str) -> list[Any]:
    """One v2 client per node, all for the same account."""
    return [client("pinpoint-sms-voice-v2", endpoint, account, config=CONCURRENT) for endpoint in endpoints]


@dataclass(frozen=True)
class Outcome:
    """What one call came to: its answer (without ResponseMetadata) or the error's code and members."""

    answer: dict[str, Any] | None = None
    code: str | None = None
    reason: str | None = None
    status: int | None = None

    @property
    def ok(self) -> bool:
        return self.answer is not None


def _outcome(call: Callable[[], dict[str, Any]]) -> Outcome:
    try:
        answer = call()
    except ClientError as error:
        response = error.response
        return Outcome(
            code=response["Error"]["Code"],
            reason=response.get("Reason"),
            status=response["ResponseMetadata"]["HTTPStatusCode"],
        )
    return Outcome(answer={key: value for key, value in answer.items() if key != "ResponseMetadata"})


def together(calls: Sequence[Callable[[], dict[str, Any]]], timeout: float = 60.0) -> list[Outcome]:
    """Run every call on a thread of its own, released at once by a barrier; their outcomes in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], dict[str, Any]]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index] = _outcome(call)
        except BaseException as problem:  # reported below: a thread's exception must fail the test
            failures.append(problem)

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True) for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not failures, failures
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(calls), "a call did not finish in time"
    return done


def summary(outcomes: Sequence[Outcome]) -> dict[tuple[str | None, str | None], int]:
    """How many outcomes of each kind: ("OK", None) for answers, (code, reason) for errors."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for outcome in outcomes:
        kind = ("OK", None) if outcome.ok else (outcome.code, outcome.reason)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def every_page(operation: Callable[..., dict[str, Any]], member: str, **params: Any) -> list[Any]:
    """Every item of a paginated Describe call, following NextToken (bounded)."""
    items: list[Any] = []
    token: str | None = None
    for _ in range(100):
        page = operation(**params, **({"NextToken": token} if token else {}))
        items.extend(page[member])
        token = page.get("NextToken")
        if not token:
            return items
    raise AssertionError("more than 100 pages")
