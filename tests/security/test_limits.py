"""Limits that protect the server: requests in flight per client address, and deadlines for slow
clients (the request head, then the body)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import httpx

from tests.support.waiting import wait_until

V2_HEADERS = {
    "X-Amz-Target": "PinpointSMSVoiceV2.DescribeConfigurationSets",
    "Content-Type": "application/x-amz-json-1.0",
}


def _address(endpoint: str) -> tuple[str, int]:
    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


@contextlib.contextmanager
def half_sent_requests(endpoint: str, count: int) -> Iterator[list[socket.socket]]:
    """`count` requests whose head arrived but whose body never finishes: each holds a slot."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(_address(endpoint), timeout=10)
            sock.sendall(
                b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                b"X-Amz-Target: PinpointSMSVoiceV2.DescribeConfigurationSets\r\nContent-Length: 100\r\n\r\n{"
            )
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def _v2(endpoint: str) -> httpx.Response:
    return httpx.post(f"{endpoint}/", headers=V2_HEADERS, content=b"{}", timeout=10)


def test_a_client_over_its_cap_of_requests_in_flight_gets_429(fresh_server: Any) -> None:
    process = fresh_server("--max-client-requests", "2", "--throttling", "off")
    with half_sent_requests(process.endpoint, 2):
        wait_until(lambda: _v2(process.endpoint).status_code == 429)
        v2 = _v2(process.endpoint)
        assert (v2.status_code, v2.json()["__type"]) == (429, "ThrottlingException")
        assert v2.headers["retry-after"] == "1"
        assert "in flight" in v2.json()["Message"]
        v1 = httpx.get(f"{process.endpoint}/v1/sms-voice/configuration-sets", timeout=10)
        assert (v1.status_code, v1.headers["x-amzn-errortype"]) == (429, "TooManyRequestsException")
        admin = httpx.get(f"{process.endpoint}/_smsvoice/messages", timeout=10)
        assert admin.status_code == 429
    # The slots come back when those requests end.
    wait_until(lambda: _v2(process.endpoint).status_code == 200)


def test_slow_clients_are_cut_off_and_nothing_runs_on_half_a_body(fresh_server: Any) -> None:
    process = fresh_server("--request-read-timeout", "1", "--throttling", "off")
    # A request head that never ends: the connection is closed.
    with socket.create_connection(_address(process.endpoint), timeout=20) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert sock.recv(1024) == b""
    # A body that never ends: the same, and the operation never runs.
    create = b'{"ConfigurationSetName": "half"}'
    with socket.create_connection(_address(process.endpoint), timeout=20) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: PinpointSMSVoiceV2.CreateConfigurationSet\r\n"
            + f"Content-Length: {len(create) + 10}\r\n\r\n".encode()
            + create
        )
        assert sock.recv(1024) == b""
    listed = httpx.post(f"{process.endpoint}/", headers=V2_HEADERS, content=b"{}", timeout=10).json()[
        "ConfigurationSets"
    ]
    assert listed == []


def test_a_request_head_over_64_kib_is_refused(fresh_server: Any) -> None:
    process = fresh_server()
    health = b"GET /_smsvoice/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Padding: "
    for size, status in ((8 * 1024, b"200"), (200 * 1024, b"431")):
        with socket.create_connection(_address(process.endpoint), timeout=20) as sock:
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                sock.sendall(health + b"a" * size + b"\r\n\r\n")
            assert sock.recv(1024).split(b" ")[1] == status
