"""GET /_smsvoice/deliveries and the delivery part of /_smsvoice/health."""

from __future__ import annotations

import httpx

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Outbox, deliveries, entry, unique
from tests.support.clients import new_account


def test_health_says_the_workers_run(delivering_server: ServerProcess) -> None:
    answer = httpx.get(f"{delivering_server.endpoint}/_smsvoice/health", timeout=5)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["delivery"]["running"] is True
    assert body["delivery"]["mode"] == "in-process"


def test_filters_narrow_the_list(delivering_server: ServerProcess, outbox: Outbox) -> None:
    account = new_account()
    missing_topic = f"arn:aws:sns:us-east-1:123456789012:{unique('nowhere')}"
    east = entry("SNS", missing_topic, account=account, region="us-east-1", event_type="TEXT_PENDING")
    west = entry("SNS", missing_topic, account=account, region="us-west-2", event_type="TEXT_DELIVERED")
    other = entry("SNS", missing_topic, account=new_account())
    outbox.add([east, west, other])
    endpoint = delivering_server.endpoint

    mine = deliveries(endpoint, account=account)
    assert {row["message_id"] for row in mine} == {east.message_id, west.message_id}
    assert [row["message_id"] for row in deliveries(endpoint, account=account, region="us-west-2")] == [
        west.message_id
    ]
    [only] = deliveries(endpoint, message_id=east.message_id)
    assert only["event_type"] == "TEXT_PENDING"
    assert only["account"] == account
    assert only["region"] == "us-east-1"
    assert only["destination"]["arn"] == missing_topic
    assert deliveries(endpoint, account=account, status="DELIVERED") == []
    assert {row["status"] for row in deliveries(endpoint, account=account, status="PENDING")} == {"PENDING"}
    assert everything_includes(endpoint, {east.message_id, west.message_id, other.message_id})


def everything_includes(endpoint: str, message_ids: set[str]) -> bool:
    return message_ids <= {row["message_id"] for row in deliveries(endpoint)}


def test_limit_and_after_page_through(delivering_server: ServerProcess, outbox: Outbox) -> None:
    account = new_account()
    rows = [
        entry("SNS", f"arn:aws:sns:us-east-1:123456789012:{unique('p')}", account=account) for _ in range(5)
    ]
    outbox.add(rows)
    endpoint = delivering_server.endpoint
    seen: list[str] = []
    after = "0"
    for _ in range(10):
        answer = httpx.get(
            f"{endpoint}/_smsvoice/deliveries",
            params={"account": account, "limit": "2", "after": after},
            timeout=5,
        ).json()
        seen += [row["message_id"] for row in answer["deliveries"]]
        if answer["next_after"] is None:
            break
        after = str(answer["next_after"])
    assert seen == [row.message_id for row in rows]


def test_bad_filters_are_refused(delivering_server: ServerProcess) -> None:
    for params in ({"status": "LOST"}, {"limit": "0"}, {"limit": "x"}, {"after": "-1"}):
        answer = httpx.get(f"{delivering_server.endpoint}/_smsvoice/deliveries", params=params, timeout=5)
        assert answer.status_code == 400, params
        assert "error" in answer.json()
