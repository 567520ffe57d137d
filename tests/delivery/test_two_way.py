"""Two-way SMS: a handset's message in (POST /_smsvoice/inbound), keywords, opt-out and opt-in, and
the two-way channel (an SNS topic, read back from an SQS queue on moto's server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, deliveries, unique
from tests.support.clients import client, new_account
from tests.support.errors import error_of
from tests.support.waiting import wait_until

HANDSET = "+12065550142"
OPT_OUT_WORDS = ("ARRET", "CANCEL", "END", "OPT-OUT", "OPTOUT", "QUIT", "REMOVE", "STOP", "TD", "UNSUBSCRIBE")


class Number:
    """A fresh account with one number, and the calls a test makes about it."""

    def __init__(self, server: ServerProcess, number_type: str = "LONG_CODE") -> None:
        self.endpoint = server.endpoint
        self.account = new_account()
        self.v2 = client("pinpoint-sms-voice-v2", server.endpoint, self.account)
        answer = self.v2.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType=number_type,
        )
        self.id = answer["PhoneNumberId"]
        self.e164 = answer["PhoneNumber"]

    def inbound(self, body: str, handset: str = HANDSET) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.endpoint}/_smsvoice/inbound",
            json={"originationNumber": handset, "destinationNumber": self.e164, "messageBody": body},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def message(self, message_id: str) -> dict[str, Any]:
        shown: dict[str, Any] = httpx.get(
            f"{self.endpoint}/_smsvoice/messages/{message_id}", timeout=10
        ).json()
        return shown

    def send(self, body: str = "hello", handset: str = HANDSET) -> str:
        return str(
            self.v2.send_text_message(
                DestinationPhoneNumber=handset, OriginationIdentity=self.id, MessageBody=body
            )["MessageId"]
        )

    def opted_out(self) -> list[dict[str, Any]]:
        numbers: list[dict[str, Any]] = self.v2.describe_opted_out_numbers(OptOutListName="Default")[
            "OptedOutNumbers"
        ]
        return numbers


@pytest.fixture
def number(delivering_server: ServerProcess) -> Number:
    return Number(delivering_server)


def test_stop_opts_the_handset_out_answers_it_and_refuses_the_next_send(number: Number) -> None:
    answer = number.inbound("stop please")
    assert answer["messageKeyword"] == "STOP"
    assert answer["action"] == "OPT_OUT"
    assert answer["account"] == number.account
    response = number.message(answer["responseMessageId"])
    assert response["direction"] == "outbound"
    assert response["origination"] == number.e164
    assert response["destination"] == HANDSET
    assert response["body"] == "You are opted out and will get no more messages from this number."
    assert response["status"] == "DELIVERED"  # a US route: accepted, then the handset's receipt
    assert response["details"]["keyword_response_to"] == answer["inboundMessageId"]
    [entry] = number.opted_out()
    assert entry["OptedOutNumber"] == HANDSET
    assert entry["EndUserOptedOut"] is True
    with pytest.raises(ClientError) as refused:
        number.send()
    assert error_of(refused)["Code"] == "ConflictException"
    assert error_of(refused)["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"


@pytest.mark.parametrize("word", OPT_OUT_WORDS)
def test_every_mandatory_opt_out_word_acts_as_stop(number: Number, word: str) -> None:
    answer = number.inbound(word.lower())
    assert answer["action"] == "OPT_OUT"
    assert answer["messageKeyword"] == word
    assert [entry["OptedOutNumber"] for entry in number.opted_out()] == [HANDSET]


def test_help_answers_and_opts_no_one_out(number: Number) -> None:
    answer = number.inbound("Help")
    assert (answer["messageKeyword"], answer["action"]) == ("HELP", "AUTOMATIC_RESPONSE")
    assert number.message(answer["responseMessageId"])["body"] == (
        "This number sends automated messages. Reply STOP to opt out."
    )
    assert number.opted_out() == []
    number.send()  # still allowed


def test_custom_keywords_match_the_first_word_whatever_its_case(number: Number) -> None:
    number.v2.put_keyword(OriginationIdentity=number.id, Keyword="JOIN", KeywordMessage="Welcome!")
    joined = number.inbound("join now")
    assert (joined["messageKeyword"], joined["action"]) == ("JOIN", "AUTOMATIC_RESPONSE")
    assert number.message(joined["responseMessageId"])["body"] == "Welcome!"
    not_first = number.inbound("please join")
    assert (not_first["messageKeyword"], not_first["action"], not_first["responseMessageId"]) == (
        None,
        "NONE",
        None,
    )


def test_a_custom_opt_out_keyword_and_an_opt_in_keyword(number: Number) -> None:
    number.v2.put_keyword(
        OriginationIdentity=number.id, Keyword="LEAVE", KeywordMessage="Bye.", KeywordAction="OPT_OUT"
    )
    number.v2.put_keyword(
        OriginationIdentity=number.id, Keyword="START", KeywordMessage="Back again.", KeywordAction="OPT_IN"
    )
    left = number.inbound("LEAVE")
    assert left["action"] == "OPT_OUT"
    assert [entry["OptedOutNumber"] for entry in number.opted_out()] == [HANDSET]
    back = number.inbound("start")
    assert back["action"] == "OPT_IN"
    assert number.message(back["responseMessageId"])["body"] == "Back again."
    assert number.opted_out() == []
    sent = number.send("welcome back")
    assert number.message(sent)["status"] == "DELIVERED"


def test_the_two_way_channel_gets_aws_payload_with_the_previous_message(number: Number, aws: Aws) -> None:
    topic, queue = aws.topic_with_queue(unique("two-way"))
    number.v2.update_phone_number(PhoneNumberId=number.id, TwoWayEnabled=True, TwoWayChannelArn=topic)
    previous = number.send("Your order shipped. Reply with questions.")
    answer = number.inbound("Where is it?")
    assert answer["publishedTo"] == topic
    [body] = aws.drain(queue, expected=1)
    assert json.loads(body) == {
        "originationNumber": HANDSET,
        "destinationNumber": number.e164,
        "messageKeyword": f"keyword_{number.account}",
        "messageBody": "Where is it?",
        "inboundMessageId": answer["inboundMessageId"],
        "previousPublishedMessageId": previous,
    }
    # STOP is answered for you by default: it does not reach the channel.
    stopped = number.inbound("STOP")
    assert stopped["publishedTo"] is None
    assert aws.drain(queue, expected=1, timeout=2) == []


def test_self_managed_opt_outs_hand_stop_to_the_channel_and_opt_no_one_out(number: Number, aws: Aws) -> None:
    topic, queue = aws.topic_with_queue(unique("self-managed"))
    number.v2.update_phone_number(
        PhoneNumberId=number.id, TwoWayEnabled=True, TwoWayChannelArn=topic, SelfManagedOptOutsEnabled=True
    )
    answer = number.inbound("STOP")
    assert (answer["action"], answer["responseMessageId"], answer["publishedTo"]) == ("NONE", None, topic)
    [body] = aws.drain(queue, expected=1)
    assert json.loads(body)["messageKeyword"] == "STOP"
    assert json.loads(body)["messageBody"] == "STOP"
    assert number.opted_out() == []
    number.send()  # not opted out: the app decides


def test_both_directions_read_back_in_order(number: Number) -> None:
    first = number.send("Hi there")
    reply = number.inbound("hello back")
    second = number.send("Glad to hear")
    shown = httpx.get(
        f"{number.endpoint}/_smsvoice/conversations",
        params={"number": number.e164, "handset": HANDSET, "account": number.account},
        timeout=10,
    ).json()
    assert [(item["direction"], item["message_id"]) for item in shown["messages"]] == [
        ("outbound", first),
        ("inbound", reply["inboundMessageId"]),
        ("outbound", second),
    ]
    inbound = httpx.get(
        f"{number.endpoint}/_smsvoice/messages",
        params={"direction": "inbound", "account": number.account},
        timeout=10,
    ).json()["messages"]
    assert [(item["body"], item["origination"], item["destination"]) for item in inbound] == [
        ("hello back", HANDSET, number.e164)
    ]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            {"originationNumber": HANDSET, "destinationNumber": "+12065550000", "messageBody": "hi"},
            "no account",
        ),
        (
            {"originationNumber": "not a number", "destinationNumber": "+12065550000", "messageBody": "hi"},
            "originationNumber",
        ),
        ({"originationNumber": HANDSET, "destinationNumber": "12", "messageBody": "hi"}, "destinationNumber"),
        ({"originationNumber": HANDSET, "destinationNumber": "NUMBER", "messageBody": "   "}, "messageBody"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_inbound_requests_are_400_with_a_clear_message(number: Number, body: Any, needle: str) -> None:
    if isinstance(body, dict) and body.get("destinationNumber") == "NUMBER":
        body = {**body, "destinationNumber": number.e164}
    answer = httpx.post(f"{number.endpoint}/_smsvoice/inbound", json=body, timeout=10)
    assert answer.status_code == 400
    assert needle in answer.json()["error"]


def test_an_inbound_body_that_is_not_json_is_400(number: Number) -> None:
    answer = httpx.post(f"{number.endpoint}/_smsvoice/inbound", content=b"STOP", timeout=10)
    assert answer.status_code == 400
    assert "JSON" in answer.json()["error"]


def test_a_pool_s_keywords_and_opt_out_list_apply_to_its_numbers(number: Number) -> None:
    number.v2.create_opt_out_list(OptOutListName="pool-list")
    pool = number.v2.create_pool(
        OriginationIdentity=number.id, IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )["PoolId"]
    number.v2.update_pool(PoolId=pool, OptOutListName="pool-list")
    number.v2.put_keyword(OriginationIdentity=pool, Keyword="DEALS", KeywordMessage="Deals every Friday.")
    deals = number.inbound("deals please")
    assert (deals["messageKeyword"], deals["action"]) == ("DEALS", "AUTOMATIC_RESPONSE")
    assert number.message(deals["responseMessageId"])["body"] == "Deals every Friday."
    number.inbound("STOP")
    on_pool_list = number.v2.describe_opted_out_numbers(OptOutListName="pool-list")["OptedOutNumbers"]
    assert [entry["OptedOutNumber"] for entry in on_pool_list] == [HANDSET]
    assert number.opted_out() == []  # the number's own list is not the one that applies


def _inbound_of(number: Number) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(
        f"{number.endpoint}/_smsvoice/messages",
        params={"direction": "inbound", "account": number.account},
        timeout=10,
    ).json()["messages"]
    return found


def test_a_handset_that_answers_stop_by_itself_closes_the_loop(number: Number) -> None:
    handset = "+12065550177"
    rule = {"destination": handset, "reply": {"body": "STOP", "delay_seconds": 0}}
    created = httpx.post(f"{number.endpoint}/_smsvoice/simulator/rules", json=rule, timeout=10)
    assert created.status_code == 201, created.text
    try:
        sent = number.send("Big sale today", handset=handset)
        wait_until(lambda: len(_inbound_of(number)) >= 1, timeout=10)
        for _ in range(3):  # whatever else fell due is applied before the clock answers
            httpx.post(
                f"{number.endpoint}/_smsvoice/simulator/clock", json={"advance_seconds": 0}, timeout=10
            )
        # One answer: the confirmation of STOP is not answered again (no ping-pong).
        [answer] = _inbound_of(number)
        assert (answer["origination"], answer["destination"], answer["body"]) == (
            handset,
            number.e164,
            "STOP",
        )
        assert answer["action"] == "OPT_OUT"
        assert answer["previous_published_message_id"] == sent
        with pytest.raises(ClientError) as refused:
            number.send("Another sale", handset=handset)
        assert error_of(refused)["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    finally:
        rule_id = created.json()["rules"][0]["id"]
        httpx.delete(f"{number.endpoint}/_smsvoice/simulator/rules", params={"id": rule_id}, timeout=10)


def test_a_delayed_answer_comes_when_the_clock_gets_there(number: Number) -> None:
    handset = "+12065550178"
    rule = {"destination": handset, "reply": [{"body": "who is this?", "delay_seconds": 600}]}
    created = httpx.post(f"{number.endpoint}/_smsvoice/simulator/rules", json=rule, timeout=10)
    assert created.status_code == 201, created.text
    try:
        number.send("Hello", handset=handset)
        assert _inbound_of(number) == []
        moved = httpx.post(
            f"{number.endpoint}/_smsvoice/simulator/clock", json={"advance_seconds": 601}, timeout=10
        )
        assert moved.status_code == 200
        wait_until(lambda: len(_inbound_of(number)) == 1, timeout=10)
        [answer] = _inbound_of(number)
        assert (answer["body"], answer["action"]) == ("who is this?", "NONE")
    finally:
        rule_id = created.json()["rules"][0]["id"]
        httpx.delete(f"{number.endpoint}/_smsvoice/simulator/rules", params={"id": rule_id}, timeout=10)


def test_a_reply_rule_that_is_not_well_formed_is_refused(number: Number) -> None:
    answer = httpx.post(
        f"{number.endpoint}/_smsvoice/simulator/rules",
        json={"destination": "+12065550179", "reply": {"text": "STOP"}},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "reply" in answer.json()["error"]


def test_on_a_us_toll_free_number_only_stop_opts_out_and_the_carrier_answers(
    delivering_server: ServerProcess,
) -> None:
    toll_free = Number(delivering_server, "TOLL_FREE")
    ignored = toll_free.inbound("UNSUBSCRIBE")
    assert (ignored["messageKeyword"], ignored["action"]) == (None, "NONE")
    assert toll_free.opted_out() == []
    stopped = toll_free.inbound("stop")
    assert (stopped["messageKeyword"], stopped["action"]) == ("STOP", "OPT_OUT")
    assert toll_free.message(stopped["responseMessageId"])["body"].startswith(
        'NETWORK MSG: You replied with the word "stop"'
    )
    assert [entry["OptedOutNumber"] for entry in toll_free.opted_out()] == [HANDSET]
    toll_free.v2.put_keyword(
        OriginationIdentity=toll_free.id,
        Keyword="UNSTOP",
        KeywordMessage="Welcome back.",
        KeywordAction="OPT_IN",
    )
    back = toll_free.inbound("unstop")
    assert back["action"] == "OPT_IN"
    assert toll_free.opted_out() == []


def test_an_acknowledged_inbound_message_survives_kill_9_and_still_reaches_the_channel(
    tmp_path: Path, delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    data_dir = tmp_path / "data"
    # Delivery off on the first server: the publication stays in the outbox when it dies.
    first = delivering("--throttling", "off", "--delivery", "off", data_dir=data_dir)
    number = Number(first)
    topic, queue = aws.topic_with_queue(unique("two-way-crash"))
    number.v2.update_phone_number(PhoneNumberId=number.id, TwoWayEnabled=True, TwoWayChannelArn=topic)
    answer = number.inbound("Is anyone there?")
    first.kill()
    second = delivering("--throttling", "off", data_dir=data_dir)
    number.endpoint = second.endpoint
    [kept] = _inbound_of(number)
    assert (kept["message_id"], kept["body"]) == (answer["inboundMessageId"], "Is anyone there?")
    [body] = aws.drain(queue, expected=1)
    assert json.loads(body)["inboundMessageId"] == answer["inboundMessageId"]


def test_the_two_way_channel_role_is_the_one_delivery_uses(number: Number, aws: Aws) -> None:
    topic, queue = aws.topic_with_queue(unique("two-way-role"))
    role = "arn:aws:iam::123456789012:role/sms-two-way"
    number.v2.update_phone_number(
        PhoneNumberId=number.id, TwoWayEnabled=True, TwoWayChannelArn=topic, TwoWayChannelRole=role
    )
    answer = number.inbound("Hello?")
    [body] = aws.drain(queue, expected=1)
    assert json.loads(body)["inboundMessageId"] == answer["inboundMessageId"]
    [row] = deliveries(number.endpoint, message_id=answer["inboundMessageId"])
    assert row["event_type"] == "TWO_WAY_INBOUND"
    assert row["destination"]["arn"] == topic
    assert row["destination"]["iam_role_arn"] == role
    wait_until(
        lambda: deliveries(number.endpoint, message_id=answer["inboundMessageId"])[0]["status"] == "DELIVERED"
    )
