"""Messages and simulator rules live in the store: what one node accepts or is told, every node knows."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.messaging.support import (
    TOPIC,
    US_DESTINATION,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)
from tests.multinode.conftest import Nodes
from tests.multinode.support import summary, together, v2_clients
from tests.support.clients import new_account

RULED_DESTINATION = "+12065550199"


def send(v2: Any, origination: str, destination: str, configuration: str) -> str:
    answer = v2.send_text_message(
        DestinationPhoneNumber=destination,
        OriginationIdentity=origination,
        MessageBody="Your code is 123456",
        ConfigurationSetName=configuration,
        Context={"user": "42"},
    )
    return str(answer["MessageId"])


def test_a_send_accepted_by_one_node_is_read_through_the_other(nodes: Nodes) -> None:
    account = new_account()
    a, _ = v2_clients(nodes.endpoints, account)
    number = phone_number(a, capabilities=("SMS",))
    configuration_set(a, "events", sns_destination("to-sns", "TEXT_ALL"))

    message_id = send(a, number, US_DESTINATION, "events")

    message = Inspector(nodes.b.endpoint).message(message_id)
    assert message["message_id"] == message_id
    assert message["account"] == account
    assert message["operation"] == "SendTextMessage"
    assert message["status"] == "DELIVERED"  # a US route: accepted, then the handset's receipt
    assert message["is_final"] is True
    assert message["destination"] == US_DESTINATION
    assert message["origination"] == number
    assert message["configuration_set"] == "events"
    event, delivered = message["events"]
    assert (event["event_type"], delivered["event_type"]) == ("TEXT_SUCCESSFUL", "TEXT_DELIVERED")
    record = event["record"]
    assert record["messageId"] == message_id
    assert record["eventType"] == "TEXT_SUCCESSFUL"
    assert record["destinationPhoneNumber"] == US_DESTINATION
    assert record["originationPhoneNumber"] == number
    assert record["context"] == {"user": "42"}
    # The nodes run `--delivery off` and no worker runs: the record waits in the shared outbox.
    [delivery] = event["deliveries"]
    assert delivery["destination_name"] == "to-sns"
    assert delivery["destination_kind"] == "SNS"
    assert delivery["target_arn"] == TOPIC
    assert delivery["status"] == "PENDING"
    assert delivery["attempts"] == 0
    listed = Inspector(nodes.b.endpoint).messages(account=account)
    assert [found["message_id"] for found in listed] == [message_id]
    assert listed[0]["events"][0]["record"] == record


def test_a_rule_posted_on_one_node_shapes_a_send_on_the_other(nodes: Nodes) -> None:
    account = new_account()
    _, b = v2_clients(nodes.endpoints, account)
    number = phone_number(b, capabilities=("SMS",))
    configuration_set(b, "events", sns_destination("to-sns", "TEXT_ALL"))
    [rule] = Inspector(nodes.a.endpoint).add_rules(
        {"id": f"blocked-{account}", "destination": RULED_DESTINATION, "outcome": "BLOCKED"}, account=account
    )
    assert rule["id"] == f"blocked-{account}"
    assert rule in Inspector(nodes.b.endpoint).rules()

    blocked = send(b, number, RULED_DESTINATION, "events")
    untouched = send(b, number, US_DESTINATION, "events")

    for node in (nodes.a, nodes.b):
        inspector = Inspector(node.endpoint)
        message = inspector.message(blocked)
        assert message["status"] == "BLOCKED"
        assert message["event_type"] == "TEXT_BLOCKED"
        assert message["simulation"]["rule"] == f"blocked-{account}"
        assert message["simulation"]["outcome"] == "BLOCKED"
        [record] = inspector.records(blocked)
        assert record["eventType"] == "TEXT_BLOCKED"
        assert record["messageStatus"] == "BLOCKED"
        assert record["isFinal"] is True
        assert inspector.event_types(untouched) == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    Inspector(nodes.b.endpoint).clear_rules(id=f"blocked-{account}")
    assert rule not in Inspector(nodes.a.endpoint).rules()


def _batches(nodes: Nodes) -> list[dict[str, int]] | None:
    """Each node's group-commit counts (store/batches.py), on PostgreSQL; None on SQLite."""
    states = [node.health().json()["batches"] for node in (nodes.a, nodes.b)]
    return None if None in states else states


def test_sends_of_several_accounts_fired_together_on_both_nodes_are_each_stored_once(nodes: Nodes) -> None:
    # On PostgreSQL sends that are ready together share a transaction (store/batches.py); batches on
    # the two nodes, holding several accounts' sends each, must neither deadlock nor lose a send.
    accounts = [new_account() for _ in range(3)]
    calls = []
    for account in accounts:
        a, b = v2_clients(nodes.endpoints, account)
        number = phone_number(a, capabilities=("SMS",))
        configuration_set(a, "events", sns_destination("to-sns", "TEXT_ALL"))
        a.put_opted_out_number(OptOutListName="Default", OptedOutNumber=RULED_DESTINATION)
        for index in range(8):
            for node in (a, b):
                destination = RULED_DESTINATION if index == 3 else US_DESTINATION
                calls.append(partial(send_answer, node, number, destination, "events"))
    before = _batches(nodes)

    outcomes = together(calls)

    assert summary(outcomes) == {
        ("OK", None): 3 * 14,
        ("ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT"): 3 * 2,
    }
    answered = [outcome.answer["MessageId"] for outcome in outcomes if outcome.answer is not None]
    assert len(set(answered)) == len(answered)
    for account in accounts:
        stored = Inspector(nodes.b.endpoint).messages(account=account)
        assert len(stored) == 14
        assert {message["destination"] for message in stored} == {US_DESTINATION}
        assert {message["events"][0]["event_type"] for message in stored} == {"TEXT_SUCCESSFUL"}
    assert {message_id for account in accounts for message_id in _ids(nodes, account)} == set(answered)
    after = _batches(nodes)
    if before is not None and after is not None:  # PostgreSQL
        units, batches = (
            [sum(state[count] for state in states) for states in (before, after)]
            for count in ("units", "batches")
        )
        assert units[1] - units[0] == len(calls)
        assert batches[1] - batches[0] < len(calls)  # some sends shared a transaction
        # No batch was rolled back (by a deadlock, or any database error) to run its units alone.
        assert [state["unitsRunAgain"] for state in after] == [state["unitsRunAgain"] for state in before]


def send_answer(v2: Any, origination: str, destination: str, configuration: str) -> dict[str, Any]:
    return dict(
        v2.send_text_message(
            DestinationPhoneNumber=destination,
            OriginationIdentity=origination,
            MessageBody="Your code is 123456",
            ConfigurationSetName=configuration,
        )
    )


def _ids(nodes: Nodes, account: str) -> set[str]:
    return {message["message_id"] for message in Inspector(nodes.a.endpoint).messages(account=account)}
