"""A local Firehose: answers boto3's `PutRecord` and `PutRecordBatch` (JSON 1.1), accepts every record, notes arrivals.

It costs next to nothing, so that a delivery benchmark measures smsvoice's own delivery path.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from smsvoice.testing.process import LOOPBACK

_BATCH = "Firehose_20150804.PutRecordBatch"
_SINGLE = "Firehose_20150804.PutRecord"


class SinkState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records = 0
        self.calls = 0
        self.arrivals: dict[str, list[float]] = {}  # messageId -> arrival times of its records


class _FirehoseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as boto3's connection pool expects
    # Headers and body go out in two writes; without this, Nagle's algorithm and delayed ACKs add
    # ~40 ms to every answer.
    disable_nagle_algorithm = True
    state: SinkState

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target")
        if target not in (_BATCH, _SINGLE):
            self._answer(400, {"__type": "UnknownOperationException", "message": "only PutRecord(Batch)"})
            return
        now = time.time()
        request = json.loads(body)
        records = request["Records"] if target == _BATCH else [request["Record"]]
        ids = []
        for record in records:
            text = base64.b64decode(record["Data"])
            ids.append(json.loads(text).get("messageId", ""))
        with self.state.lock:
            self.state.calls += 1
            self.state.records += len(records)
            for message_id in ids:
                self.state.arrivals.setdefault(message_id, []).append(now)
        if target == _SINGLE:
            self._answer(200, {"RecordId": "0", "Encrypted": False})
            return
        self._answer(
            200,
            {
                "FailedPutCount": 0,
                "Encrypted": False,
                "RequestResponses": [{"RecordId": str(index)} for index in range(len(records))],
            },
        )

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@contextlib.contextmanager
def local_sink() -> Iterator[tuple[str, SinkState]]:
    state = SinkState()
    handler = type("Handler", (_FirehoseHandler,), {"state": state})
    server = ThreadingHTTPServer((LOOPBACK, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
