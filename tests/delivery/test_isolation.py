"""One failing destination never delays the others."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import MOTO_ACCOUNT, Aws, Outbox, deliveries, entry, unique, wait_for_status


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An HTTP endpoint that accepts connections and never answers (an AWS region having a bad day)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for connection in held:
        connection.close()
    listener.close()


def test_a_hanging_destination_does_not_hold_up_the_others(
    delivering: Callable[..., ServerProcess], silent_endpoint: str, aws: Aws
) -> None:
    # SNS calls go to an endpoint that never answers; Logs and Firehose calls go to moto's server.
    server = delivering(env={"AWS_ENDPOINT_URL_SNS": silent_endpoint})
    role = f"arn:aws:iam::{MOTO_ACCOUNT}:role/sms-voice"
    stuck = [entry("SNS", f"arn:aws:sns:us-east-1:{MOTO_ACCOUNT}:{unique('slow')}") for _ in range(60)]
    name = unique("/sms/flowing")
    group_arn = aws.log_group(name)
    stream_arn, bucket = aws.firehose_to_bucket(unique("flowing"))
    flowing = [entry("CLOUDWATCH_LOGS", group_arn, role=role) for _ in range(20)]
    flowing += [entry("FIREHOSE", stream_arn, role=role) for _ in range(20)]
    writer = Outbox(server.data_dir)
    try:
        writer.add(stuck)
        writer.add(flowing)

        wait_for_status(server.endpoint, [row.message_id for row in flowing], "DELIVERED", timeout=30)

        # The SNS rows are still inside their first call: claimed, not yet attempted to an end.
        states = [deliveries(server.endpoint, message_id=row.message_id)[0] for row in stuck]
        assert all(state["status"] == "PENDING" and state["attempts"] == 0 for state in states), [
            (state["status"], state["attempts"], state["last_error"]) for state in states[:3]
        ]
        assert any(state["claimed_by"] for state in states)
        assert len(aws.log_events(name)) == 20
        assert aws.bucket_text(bucket).count('"eventType"') == 20  # one bare record per PutRecord
    finally:
        writer.close()
