"""What the web inbox reads, as JSON: the messages' search and order, the list of conversations,
the resources per account and Region, the change stream, and `/` redirecting a browser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.clients import client

HANDSET = "+12065550142"


def _messages(endpoint: str, **params: Any) -> list[dict[str, Any]]:
    answer = httpx.get(f"{endpoint}/_smsvoice/messages", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["messages"]
    return found


def _number(v2: Any) -> str:
    answer = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="LONG_CODE"
    )
    return str(answer["PhoneNumber"])


def test_search_by_text_number_configuration_set_and_time_newest_first(
    endpoint: str, account: str, v2: Any
) -> None:
    number = _number(v2)
    v2.create_configuration_set(ConfigurationSetName="orders")
    first = v2.send_text_message(
        DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody="Your Parcel is out"
    )["MessageId"]
    second = v2.send_text_message(
        DestinationPhoneNumber="+12065550143",
        OriginationIdentity=number,
        MessageBody="Code 1234",
        ConfigurationSetName="orders",
    )["MessageId"]

    newest = _messages(endpoint, account=account, order="newest")
    assert [item["message_id"] for item in newest] == [second, first]
    assert [item["message_id"] for item in _messages(endpoint, account=account)] == [first, second]
    assert [item["message_id"] for item in _messages(endpoint, account=account, q="parcel")] == [first]
    assert [item["message_id"] for item in _messages(endpoint, account=account, number="12065550143")] == [
        second
    ]
    # `number` matches the sending number as well as the destination.
    assert len(_messages(endpoint, account=account, number=number)) == 2
    assert [
        item["message_id"] for item in _messages(endpoint, account=account, configuration_set="orders")
    ] == [second]
    requested = newest[0]["requested_at"]
    assert _messages(endpoint, account=account, since=requested + 3600) == []
    assert len(_messages(endpoint, account=account, until=requested + 3600)) == 2
    # A search reads the documents but still pages.
    assert [item["message_id"] for item in _messages(endpoint, account=account, q="o", limit=1)] == [first]
    assert [
        item["message_id"] for item in _messages(endpoint, account=account, q="o", limit=1, offset=1)
    ] == [second]


def test_a_text_message_shows_how_its_parts_divide_the_body(endpoint: str, account: str, v2: Any) -> None:
    number = _number(v2)
    body = "x" * 200  # GSM: two parts of at most 153 characters
    message_id = v2.send_text_message(
        DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody=body
    )["MessageId"]
    shown = httpx.get(f"{endpoint}/_smsvoice/messages/{message_id}", timeout=10).json()
    assert shown["parts"] == 2
    assert shown["part_texts"] == ["x" * 153, "x" * 47]


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"order": "sideways"}, "order must be oldest or newest"),
        ({"since": "yesterday"}, "since must be a time in seconds since the epoch"),
        ({"until": "soon"}, "until must be a time in seconds since the epoch"),
    ],
)
def test_bad_search_parameters_are_400_with_the_reason(
    endpoint: str, params: dict[str, str], complaint: str
) -> None:
    answer = httpx.get(f"{endpoint}/_smsvoice/messages", params=params, timeout=10)
    assert answer.status_code == 400
    assert answer.json() == {"error": complaint}


def test_conversations_are_listed_per_pair_of_numbers_latest_first(
    endpoint: str, account: str, v2: Any
) -> None:
    number = _number(v2)
    v2.send_text_message(DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody="first")
    v2.send_text_message(
        DestinationPhoneNumber="+12065550177", OriginationIdentity=number, MessageBody="other"
    )
    answer = httpx.post(
        f"{endpoint}/_smsvoice/inbound",
        json={"originationNumber": HANDSET, "destinationNumber": number, "messageBody": "thanks"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text

    threads = httpx.get(f"{endpoint}/_smsvoice/conversations", params={"account": account}, timeout=10).json()
    assert [
        (item["number"], item["handset"], item["count"], item["last_direction"], item["last_body"])
        for item in threads["conversations"]
    ] == [(number, HANDSET, 2, "inbound", "thanks"), (number, "+12065550177", 1, "outbound", "other")]
    assert {item["account"] for item in threads["conversations"]} == {account}
    half = httpx.get(f"{endpoint}/_smsvoice/conversations", params={"number": number}, timeout=10)
    assert half.status_code == 400
    assert "give both number" in half.json()["error"]


def test_resources_are_grouped_by_account_and_region(endpoint: str, account: str, v2: Any) -> None:
    number = _number(v2)
    v2.create_configuration_set(ConfigurationSetName="alerts")
    v2.create_event_destination(
        ConfigurationSetName="alerts",
        EventDestinationName="to-sns",
        MatchingEventTypes=["TEXT_ALL"],
        SnsDestination={"TopicArn": f"arn:aws:sns:us-east-1:{account}:events"},
    )
    v2.create_opt_out_list(OptOutListName="marketing")
    v2.put_opted_out_number(OptOutListName="marketing", OptedOutNumber=HANDSET)
    v1 = client("pinpoint-sms-voice", endpoint, account)
    v1.create_configuration_set(ConfigurationSetName="calls")
    other_region = client("pinpoint-sms-voice-v2", endpoint, account, region="eu-west-1")
    other_region.create_configuration_set(ConfigurationSetName="europe")

    answer = httpx.get(f"{endpoint}/_smsvoice/resources", params={"account": account}, timeout=10)
    assert answer.status_code == 200
    groups = answer.json()["resources"]
    assert [(group["account"], group["region"]) for group in groups] == [
        (account, "eu-west-1"),
        (account, "us-east-1"),
    ]
    home = groups[1]
    (alerts,) = home["ConfigurationSets"]
    assert alerts["ConfigurationSetName"] == "alerts"
    assert [item["EventDestinationName"] for item in alerts["EventDestinations"]] == ["to-sns"]
    assert [item["Name"] for item in home["V1ConfigurationSets"]] == ["calls"]
    assert [item["PhoneNumber"] for item in home["PhoneNumbers"]] == [number]
    lists = {item["OptOutListName"]: item for item in home["OptOutLists"]}
    assert [entry["OptedOutNumber"] for entry in lists["marketing"]["OptedOutNumbers"]] == [HANDSET]
    only_europe = httpx.get(
        f"{endpoint}/_smsvoice/resources", params={"account": account, "region": "eu-west-1"}, timeout=10
    ).json()["resources"]
    assert [group["ConfigurationSets"][0]["ConfigurationSetName"] for group in only_europe] == ["europe"]


def _read_events(lines: Iterator[str], wanted: str, deadline: float) -> list[str]:
    """The stream's lines up to and including the `event: wanted` line's data."""
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if len(seen) >= 2 and seen[-2] == f"event: {wanted}":
            return seen
        assert time.monotonic() < deadline, f"no {wanted} event in {seen}"
    raise AssertionError(f"the stream ended before a {wanted} event: {seen}")


def test_the_change_stream_says_ready_then_changed_after_a_send(endpoint: str, v2: Any) -> None:
    number = _number(v2)
    timeout = httpx.Timeout(10.0)
    with httpx.stream(
        "GET", f"{endpoint}/_smsvoice/changes", params={"max_seconds": 30}, timeout=timeout
    ) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert _read_events(lines, "ready", time.monotonic() + 10)[-1].startswith("data: {")
        v2.send_text_message(DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody="hi")
        changed = _read_events(lines, "changed", time.monotonic() + 10)
        assert changed[-1].startswith('data: {"version":')


def test_the_change_stream_ends_after_max_seconds(endpoint: str) -> None:
    started = time.monotonic()
    with httpx.stream(
        "GET", f"{endpoint}/_smsvoice/changes", params={"max_seconds": 0.5}, timeout=10
    ) as stream:
        text = "".join(stream.iter_text())
    assert "event: ready" in text
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("value", ["0", "-1", "soon", "3601"])
def test_the_change_stream_refuses_a_bad_max_seconds(endpoint: str, value: str) -> None:
    answer = httpx.get(f"{endpoint}/_smsvoice/changes", params={"max_seconds": value}, timeout=10)
    assert answer.status_code == 400
    assert "max_seconds" in answer.json()["error"]


def test_a_browser_opening_the_server_is_sent_to_the_inbox(endpoint: str, v2: Any) -> None:
    browser = httpx.get(f"{endpoint}/", headers={"Accept": "text/html,application/xhtml+xml"}, timeout=10)
    assert browser.status_code == 303
    assert browser.headers["location"] == "/_smsvoice/ui/"
    page = httpx.get(f"{endpoint}/_smsvoice/ui/", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'data-api="/_smsvoice"' in page.text
    # JSON callers of `/` keep the AWS-shaped answer, and AWS clients are not redirected.
    plain = httpx.get(f"{endpoint}/", headers={"Accept": "application/json"}, timeout=10)
    assert plain.status_code != 303
    assert "__type" in plain.json()
    assert v2.describe_account_attributes()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_pages_assets_ship_in_the_package(endpoint: str) -> None:
    for name, kind in (("app.js", "javascript"), ("inbox.js", "javascript"), ("app.css", "text/css")):
        answer = httpx.get(f"{endpoint}/_smsvoice/ui/static/{name}", timeout=10)
        assert answer.status_code == 200, name
        assert kind in answer.headers["content-type"]
    for path in ("", "conversations", "simulator", "resources", "messages/some-id"):
        answer = httpx.get(f"{endpoint}/_smsvoice/ui/{path}", timeout=10)
        assert answer.status_code == 200, path
        assert "<script" in answer.text


def test_received_messages_are_searched_by_number_text_and_time(endpoint: str, account: str, v2: Any) -> None:
    number = _number(v2)
    for handset, body in ((HANDSET, "Yes please"), ("+12065550188", "no THANKS"), (HANDSET, "thanks!")):
        answer = httpx.post(
            f"{endpoint}/_smsvoice/inbound",
            json={"originationNumber": handset, "destinationNumber": number, "messageBody": body},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text

    def bodies(**params: Any) -> list[str]:
        return [item["body"] for item in _messages(endpoint, account=account, direction="inbound", **params)]

    assert bodies(order="newest") == ["thanks!", "no THANKS", "Yes please"]
    assert bodies(q="thanks") == ["no THANKS", "thanks!"]
    assert bodies(q="thanks", limit=1, offset=1) == ["thanks!"]
    assert bodies(number="+12065550188") == ["no THANKS"]
    assert bodies(number=number) == ["Yes please", "no THANKS", "thanks!"]
    received = _messages(endpoint, account=account, direction="inbound")[0]["received_at"]
    assert bodies(since=received + 3600) == []
    assert bodies(until=received + 3600) == ["Yes please", "no THANKS", "thanks!"]


def test_both_directions_in_one_list_newest_first(endpoint: str, account: str, v2: Any) -> None:
    number = _number(v2)
    first = v2.send_text_message(DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody="a")[
        "MessageId"
    ]
    answer = httpx.post(
        f"{endpoint}/_smsvoice/inbound",
        json={"originationNumber": HANDSET, "destinationNumber": number, "messageBody": "b"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    last = v2.send_text_message(DestinationPhoneNumber=HANDSET, OriginationIdentity=number, MessageBody="c")[
        "MessageId"
    ]

    both = _messages(endpoint, account=account, direction="all", order="newest")
    assert [(item["direction"], item["body"]) for item in both] == [
        ("outbound", "c"),
        ("inbound", "b"),
        ("outbound", "a"),
    ]
    assert [item["body"] for item in _messages(endpoint, account=account, direction="all")] == ["a", "b", "c"]
    paged = _messages(endpoint, account=account, direction="all", order="newest", limit=1, offset=1)
    assert [item["body"] for item in paged] == ["b"]
    # A filter only sent messages answer to leaves the received out.
    assert [
        item["message_id"]
        for item in _messages(endpoint, account=account, direction="all", status="DELIVERED")
    ] == [
        first,
        last,
    ]
    refused = httpx.get(
        f"{endpoint}/_smsvoice/messages", params={"direction": "all", "offset": 20_000}, timeout=10
    )
    assert refused.status_code == 400
    assert refused.json() == {"error": "with direction=all, offset + limit must be at most 20000"}
    wrong = httpx.get(f"{endpoint}/_smsvoice/messages", params={"direction": "sideways"}, timeout=10)
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "direction must be outbound, inbound or all"}
