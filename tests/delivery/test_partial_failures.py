"""A PutRecordBatch answer that fails some records (`--firehose-framing ndjson-batch`): only those are
tried again."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Outbox, deliveries, entry, wait_for_status


class FlakyFirehose:
    """A Firehose endpoint that fails every other record of its first call with ServiceUnavailable."""

    def __init__(self) -> None:
        self.calls = 0
        self.accepted: list[str] = []
        self.lock = threading.Lock()


@pytest.fixture
def flaky_firehose() -> Iterator[tuple[str, FlakyFirehose]]:
    state = FlakyFirehose()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.calls += 1
                first = state.calls == 1
                answers: list[dict[str, Any]] = []
                for position, record in enumerate(body["Records"]):
                    if first and position % 2 == 1:
                        answers.append(
                            {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}
                        )
                    else:
                        state.accepted.append(base64.b64decode(record["Data"]).decode())
                        answers.append({"RecordId": f"r{position}"})
            failed = sum(1 for answer in answers if "ErrorCode" in answer)
            data = json.dumps(
                {"FailedPutCount": failed, "Encrypted": False, "RequestResponses": answers}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


def test_only_the_failed_records_are_retried(
    delivering: Callable[..., ServerProcess], flaky_firehose: tuple[str, FlakyFirehose]
) -> None:
    endpoint, state = flaky_firehose
    server = delivering(
        "--delivery-assume-role",
        "off",
        "--firehose-framing",
        "ndjson-batch",
        env={"AWS_ENDPOINT_URL_FIREHOSE": endpoint},
    )
    stream = "arn:aws:firehose:us-east-1:123456789012:deliverystream/flaky"
    rows = [entry("FIREHOSE", stream, event_id=index) for index in range(6)]
    writer = Outbox(server.data_dir)
    try:
        writer.add(rows)
        wait_for_status(server.endpoint, [row.message_id for row in rows], "DELIVERED")
    finally:
        writer.close()

    assert sorted(state.accepted) == sorted(row.record + "\n" for row in rows)  # each exactly once
    attempts = {
        row["message_id"]: (row["attempts"], row["last_error"])
        for row in deliveries(server.endpoint)
        if row["destination"]["arn"] == stream
    }
    retried = [value for value in attempts.values() if value[0] == 2]
    assert len(retried) == 3
    assert all("ServiceUnavailableException" in (error or "") for _, error in retried)
    assert sorted(value[0] for value in attempts.values()) == [1, 1, 1, 2, 2, 2]
