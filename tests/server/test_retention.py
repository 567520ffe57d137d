"""Retention: the oldest messages are pruned by count and by age; owed deliveries never are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from smsvoice.testing.process import ServerProcess
from tests.messaging.support import Inspector, configuration_set, phone_number, sns_destination
from tests.support.clients import client, new_account
from tests.support.waiting import wait_until

DESTINATION = "+12065550142"


def listing(endpoint: str, **query: str) -> dict[str, Any]:
    answer = httpx.get(f"{endpoint}/_smsvoice/messages", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def send(v2: Any, origination: str, count: int, **extra: Any) -> list[str]:
    return [
        str(
            v2.send_text_message(
                DestinationPhoneNumber=DESTINATION,
                OriginationIdentity=origination,
                MessageBody=f"message {index}",
                **extra,
            )["MessageId"]
        )
        for index in range(count)
    ]


def test_messages_beyond_the_newest_n_are_pruned_with_their_records(
    fresh_server: Callable[..., ServerProcess],
) -> None:
    server = fresh_server("--throttling", "off", "--retention-messages", "5", "--retention-days", "0")
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    sent = send(v2, phone_number(v2), 12)

    wait_until(lambda: len(listing(server.endpoint)["messages"]) == 5, timeout=20)
    answer = listing(server.endpoint)
    assert {m["message_id"] for m in answer["messages"]} == set(sent[-5:])  # the newest five are kept
    assert answer["retention"]["keep_messages"] == 5
    assert answer["retention"]["keep_days"] is None
    assert answer["retention"]["pruned"]["messages"] == 7
    gone = httpx.get(f"{server.endpoint}/_smsvoice/messages/{sent[0]}", timeout=10)
    assert gone.status_code == 404
    health = httpx.get(f"{server.endpoint}/_smsvoice/health", timeout=10).json()
    assert health["retention"]["keep_messages"] == 5


def test_messages_older_than_the_age_limit_are_pruned_on_the_simulator_clock(
    fresh_server: Callable[..., ServerProcess],
) -> None:
    server = fresh_server("--throttling", "off", "--retention-messages", "0", "--retention-days", "1")
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    number = phone_number(v2)
    old = send(v2, number, 3)
    Inspector(server.endpoint).advance_clock(2 * 86_400)  # two days later
    new = send(v2, number, 2)

    wait_until(lambda: len(listing(server.endpoint)["messages"]) == 2, timeout=20)
    kept = {m["message_id"] for m in listing(server.endpoint)["messages"]}
    assert kept == set(new)
    assert not kept & set(old)
    assert listing(server.endpoint)["retention"]["pruned"]["messages"] == 3


def test_pruning_a_message_keeps_its_undelivered_outbox_rows(
    fresh_server: Callable[..., ServerProcess],
) -> None:
    # Delivery off: every record stays owed (PENDING) in the outbox.
    server = fresh_server(
        "--throttling", "off", "--delivery", "off", "--retention-messages", "2", "--retention-days", "0"
    )
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    number = phone_number(v2)
    configuration_set(v2, "kept", sns_destination("all", "ALL"))
    sent = send(v2, number, 6, ConfigurationSetName="kept")

    wait_until(lambda: len(listing(server.endpoint)["messages"]) == 2, timeout=20)
    rows = httpx.get(
        f"{server.endpoint}/_smsvoice/deliveries", params={"account": account}, timeout=10
    ).json()
    owed = {row["message_id"] for row in rows["deliveries"] if row["status"] == "PENDING"}
    assert owed == set(sent)  # the pruned messages' records are still owed to their destination
