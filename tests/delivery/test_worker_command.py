"""`smsvoice worker` delivers alone for a server started with `--delivery off`."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from smsvoice.testing.environment import fake_aws_environment
from smsvoice.testing.process import ServerProcess, WorkerProcess
from tests.delivery.support import (
    Aws,
    Outbox,
    deliveries,
    entry,
    unique,
    wait_for_status,
)


def test_a_separate_worker_delivers_the_servers_records(
    delivering: Callable[..., ServerProcess], aws: Aws, moto_endpoint: str
) -> None:
    server = delivering("--delivery", "off")
    health = httpx.get(f"{server.endpoint}/_smsvoice/health", timeout=5)
    assert health.status_code == 200
    assert health.json()["delivery"] == {"running": False, "mode": "off"}

    topic, queue = aws.topic_with_queue(unique("alone"))
    rows = [entry("SNS", topic) for _ in range(5)]
    writer = Outbox(server.data_dir)
    worker = WorkerProcess(server.data_dir, env=fake_aws_environment(moto_endpoint))
    try:
        writer.add(rows)
        worker.start()
        wait_for_status(server.endpoint, [row.message_id for row in rows], "DELIVERED")
        assert sorted(aws.drain(queue, expected=5)) == sorted(row.record for row in rows)
        claimed_by = {row["claimed_by"] for row in deliveries(server.endpoint, status="DELIVERED")}
        assert claimed_by == {None}
        assert worker.stop() == 0
    finally:
        worker.kill()
        writer.close()
    assert "delivery worker" in worker.log_text()
