"""`GET /_smsvoice/messages?wait_seconds=N`, the long-poll behind `wait_for_message`, over real HTTP.

A wait that does not wake is caught without timing asserts: the waits ask for far longer
(WAIT_SECONDS) than the HTTP client gives the answer (CLIENT_TIMEOUT), so only a wake ends them
in time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from smsvoice.testing import SmsvoiceAccount, SmsvoiceClient
from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import ServerProcess

T = TypeVar("T")

SENDER = "+12065550123"
HANDSET = "+12065550142"
OTHER_HANDSET = "+12065550143"
WAIT_SECONDS = 60
CLIENT_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of this module's own: its tests move the simulator clock."""
    process = ServerProcess(
        tmp_path_factory.mktemp("smsvoice-long-poll"), "--throttling", "off", env=LOOPBACK_AWS
    ).start()
    yield process
    process.stop()


@pytest.fixture
def handle(server: ServerProcess) -> SmsvoiceAccount:
    account = SmsvoiceClient(server.endpoint, timeout=CLIENT_TIMEOUT).account_handle()
    account.add_phone_number(SENDER)
    return account


def _send(account: SmsvoiceAccount, destination: str, body: str) -> str:
    sms = account.client("pinpoint-sms-voice-v2")
    sent = sms.send_text_message(
        DestinationPhoneNumber=destination, OriginationIdentity=SENDER, MessageBody=body
    )
    return str(sent["MessageId"])


def _wait(endpoint: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{endpoint}/_smsvoice/messages", params=params, timeout=CLIENT_TIMEOUT)


def _in_background(call: Callable[[], T]) -> Future[T]:
    """`call` on another thread, given a moment to reach the server and start waiting."""
    pool = ThreadPoolExecutor(max_workers=1)
    waiting = pool.submit(call)
    pool.shutdown(wait=False)
    # Not an assertion: whichever comes first, the wait or the change, the answer must hold it.
    time.sleep(0.3)
    return waiting


def test_a_waiting_list_answers_when_a_message_is_sent_later(handle: SmsvoiceAccount) -> None:
    waiting = _in_background(
        lambda: _wait(handle.endpoint, account=handle.account, destination=HANDSET, wait_seconds=WAIT_SECONDS)
    )
    message_id = _send(handle, HANDSET, "Your code is 123456")
    answer = waiting.result(timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 200, answer.text
    listed = answer.json()["messages"]
    assert [(m["message_id"], m["body"]) for m in listed] == [(message_id, "Your code is 123456")]


def test_a_message_that_does_not_match_does_not_end_the_wait(handle: SmsvoiceAccount) -> None:
    waiting = _in_background(
        lambda: _wait(handle.endpoint, account=handle.account, destination=HANDSET, wait_seconds=2)
    )
    _send(handle, OTHER_HANDSET, "not for the waiting list")
    answer = waiting.result(timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.json()["messages"] == []
    assert "retention" in answer.json()


def test_a_wait_with_nothing_to_find_answers_the_empty_list_at_its_deadline(handle: SmsvoiceAccount) -> None:
    answer = _wait(handle.endpoint, account=handle.account, wait_seconds=0.2)
    assert answer.status_code == 200, answer.text
    assert answer.json()["messages"] == []


def test_a_wait_answers_at_once_when_a_message_already_matches(handle: SmsvoiceAccount) -> None:
    message_id = _send(handle, HANDSET, "already there")
    answer = _wait(handle.endpoint, account=handle.account, destination=HANDSET, wait_seconds=WAIT_SECONDS)
    assert answer.status_code == 200, answer.text
    assert [m["message_id"] for m in answer.json()["messages"]] == [message_id]


@pytest.mark.parametrize("value", ["-1", "60.5", "soon", "nan", "inf"])
def test_a_bad_wait_is_refused_naming_the_parameter(server: ServerProcess, value: str) -> None:
    answer = _wait(server.endpoint, wait_seconds=value)
    assert answer.status_code == 400
    assert answer.json()["error"] == "wait_seconds must be a number of seconds from 0 to 60"


def test_a_wait_for_a_status_answers_when_a_timed_transition_reaches_it(handle: SmsvoiceAccount) -> None:
    handle.rules.add(
        {"destination": HANDSET, "outcome": "DELIVERED", "path": ["QUEUED"], "delay_seconds": 3600}
    )
    message_id = _send(handle, HANDSET, "Parcel due")
    assert handle.message(message_id)["status"] == "ACCEPTED"
    waiting = _in_background(
        lambda: _wait(
            handle.endpoint,
            account=handle.account,
            destination=HANDSET,
            status="DELIVERED",
            wait_seconds=WAIT_SECONDS,
        )
    )
    assert handle.advance(3600)["applied"] >= 1
    answer = waiting.result(timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert [(m["message_id"], m["status"]) for m in answer.json()["messages"]] == [(message_id, "DELIVERED")]


def test_each_clock_move_counts_what_it_applied_while_the_background_round_runs(
    handle: SmsvoiceAccount,
) -> None:
    # A move wakes no other round of the node: on PostgreSQL a round skips the messages another
    # round holds, so a background round started by the move took them and the move counted none.
    handle.rules.add({"destination": HANDSET, "outcome": "DELIVERED", "path": [], "delay_seconds": 60})
    for attempt in range(8):
        message_id = _send(handle, HANDSET, f"move {attempt}")
        assert handle.message(message_id)["status"] == "ACCEPTED"
        assert handle.advance(60)["applied"] >= 1, attempt
        assert handle.message(message_id)["status"] == "DELIVERED"


def test_wait_for_message_with_a_filter_the_server_does_not_apply(handle: SmsvoiceAccount) -> None:
    _send(handle, HANDSET, "first")
    waiting = _in_background(lambda: handle.wait_for_message(timeout=WAIT_SECONDS, body="second"))
    message_id = _send(handle, HANDSET, "second")
    found = waiting.result(timeout=CLIENT_TIMEOUT)
    assert (found["message_id"], found["body"]) == (message_id, "second")
    with pytest.raises(AssertionError) as waited:
        handle.wait_for_message(timeout=0.3, body="third")
    assert f"no message of account {handle.account} (us-east-1) matching body='third' within 0.3s" in str(
        waited.value
    )
    assert f"{HANDSET} DELIVERED 'second'" in str(waited.value)


def test_wait_for_message_waits_for_a_send_on_another_thread(handle: SmsvoiceAccount) -> None:
    threading.Timer(0.3, _send, args=(handle, HANDSET, "later")).start()
    found = handle.wait_for_message(timeout=WAIT_SECONDS, destination=HANDSET)
    assert found["body"] == "later"


def test_a_wait_on_one_node_answers_a_send_on_another_sharing_the_store(
    tmp_path: Path, fresh_server: Any
) -> None:
    data_dir = tmp_path / "shared"
    first = fresh_server("--throttling", "off", data_dir=data_dir)
    second = fresh_server("--throttling", "off", data_dir=data_dir)
    on_second = SmsvoiceClient(second.endpoint, timeout=CLIENT_TIMEOUT).account_handle()
    on_second.add_phone_number(SENDER)
    waiting = _in_background(
        lambda: _wait(
            first.endpoint, account=on_second.account, destination=HANDSET, wait_seconds=WAIT_SECONDS
        )
    )
    message_id = _send(on_second, HANDSET, "sent on the other node")
    answer = waiting.result(timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert [m["message_id"] for m in answer.json()["messages"]] == [message_id]
