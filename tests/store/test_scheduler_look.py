"""The scheduler's idle look (messaging/simulator.py `Simulator.look`): it catches up with the clock
offset another node stored and tells whether any timed work is due (a message's transition, a
registration job), in one round trip on PostgreSQL."""

from __future__ import annotations

import asyncio

from smsvoice.clock import AdjustableClock
from smsvoice.messaging.simulator import CLOCK_OFFSET_SETTING, Simulator
from smsvoice.registration_runner import RegistrationRunner
from smsvoice.store import Store, Transaction
from tests.support.store_rows import ACCOUNT, REGION

START = 1_800_000_000.0


class _Stopped:
    def now(self) -> float:
        return START


def _simulator(store: Store) -> tuple[Simulator, AdjustableClock]:
    clock = AdjustableClock(_Stopped())
    simulator = Simulator(store, clock)
    simulator.also_run(_nothing, RegistrationRunner.next_due)
    return simulator, clock


async def _nothing() -> int:
    return 0


def _look(simulator: Simulator) -> bool:
    return asyncio.run(simulator.look())


def test_nothing_waiting_is_nothing_due(store: Store) -> None:
    simulator, clock = _simulator(store)
    assert _look(simulator) is False
    assert clock.offset == 0.0


def test_a_transition_is_due_once_its_time_has_come(store: Store) -> None:
    simulator, _clock = _simulator(store)
    store.run_sync(lambda tx: tx.schedule.set("message-later", START + 60))
    assert _look(simulator) is False
    store.run_sync(lambda tx: tx.schedule.set("message-now", START - 1))
    assert _look(simulator) is True


def test_a_registration_job_is_due_once_its_time_has_come(store: Store) -> None:
    simulator, _clock = _simulator(store)

    def schedule(key: str, due_at: float) -> None:
        store.run_sync(lambda tx: tx.registration_jobs.schedule(key, ACCOUNT, REGION, due_at))

    schedule("review/later", START + 30)
    assert _look(simulator) is False
    schedule("review/now", START)
    assert _look(simulator) is True


def test_a_clock_moved_by_another_node_is_caught_up_and_makes_work_due(store: Store) -> None:
    simulator, clock = _simulator(store)
    store.run_sync(lambda tx: tx.schedule.set("message-in-an-hour", START + 3600))
    assert _look(simulator) is False

    def move(tx: Transaction) -> None:  # what another node's POST /_smsvoice/simulator/clock stores
        tx.settings.put(CLOCK_OFFSET_SETTING, 7200.0)

    store.run_sync(move)
    assert _look(simulator) is True
    assert clock.offset == 7200.0
    assert clock.now() == START + 7200.0


def test_the_look_is_one_round_trip_on_postgresql(store: Store, round_trips: list[str]) -> None:
    simulator, _clock = _simulator(store)
    before = len(round_trips)
    assert _look(simulator) is False
    if store.is_sqlite:
        assert round_trips == []
        return
    # The clock's offset and both timers' next due times go out with the BEGIN; the COMMIT of a
    # transaction that wrote nothing is psycopg's own.
    assert round_trips[before:] == ["pipeline of BEGIN, SELECT, SELECT, SELECT"], round_trips
