"""A ClientToken is remembered in the store: any node answers it again, once."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.multinode.conftest import Nodes
from tests.multinode.support import every_page, summary, together, v2_clients
from tests.support.clients import new_account
from tests.support.errors import error_of

TOKEN_REUSED = {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_REQUEST"}
NUMBER: dict[str, Any] = {
    "IsoCountryCode": "US",
    "MessageType": "TRANSACTIONAL",
    "NumberCapabilities": ["SMS"],
    "NumberType": "TOLL_FREE",
}


def without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def test_a_phone_number_request_repeated_on_another_node_gets_the_first_answer(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    first = without_metadata(a.request_phone_number(**NUMBER, ClientToken="number-token-1"))

    again = without_metadata(b.request_phone_number(**NUMBER, ClientToken="number-token-1"))

    assert again == first
    assert first["PhoneNumberId"].startswith("phone-")
    with pytest.raises(ClientError) as refused:
        b.request_phone_number(
            **{**NUMBER, "NumberCapabilities": ["SMS", "VOICE"]}, ClientToken="number-token-1"
        )
    assert error_of(refused) == TOKEN_REUSED
    for client in (a, b):
        numbers = every_page(client.describe_phone_numbers, "PhoneNumbers")
        assert [number["PhoneNumberId"] for number in numbers] == [first["PhoneNumberId"]]
        assert numbers[0]["PhoneNumber"] == first["PhoneNumber"]
        assert numbers[0]["NumberCapabilities"] == ["SMS"]


def test_a_configuration_set_create_repeated_on_another_node_gets_the_first_answer(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    first = without_metadata(
        a.create_configuration_set(ConfigurationSetName="orders", ClientToken="set-token")
    )

    again = without_metadata(
        b.create_configuration_set(ConfigurationSetName="orders", ClientToken="set-token")
    )

    assert again == first
    with pytest.raises(ClientError) as refused:
        b.create_configuration_set(ConfigurationSetName="invoices", ClientToken="set-token")
    assert error_of(refused) == TOKEN_REUSED
    with pytest.raises(ClientError) as taken:
        b.create_configuration_set(ConfigurationSetName="orders", ClientToken="another-token")
    assert error_of(taken) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_ALREADY_EXISTS",
        "ResourceType": "configuration-set",
        "ResourceId": "orders",
    }
    for client in (a, b):
        listed = every_page(client.describe_configuration_sets, "ConfigurationSets")
        assert [item["ConfigurationSetName"] for item in listed] == ["orders"]


def test_one_phone_number_token_fired_on_both_nodes_at_once_gets_one_answer(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    # The account's Default opt-out list exists first: its creation races apart (test_shared_limits).
    a.describe_opt_out_lists()
    calls = [
        partial((a, b)[index % 2].request_phone_number, **NUMBER, ClientToken="burst-token")
        for index in range(8)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 8}
    answers = [outcome.answer for outcome in outcomes]
    assert all(answer == answers[0] for answer in answers)
    assert answers[0] is not None
    for client in (a, b):
        numbers = every_page(client.describe_phone_numbers, "PhoneNumbers")
        assert [number["PhoneNumberId"] for number in numbers] == [answers[0]["PhoneNumberId"]]


def test_one_configuration_set_token_fired_on_both_nodes_at_once_gets_one_answer(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    calls = [
        partial(
            (a, b)[index % 2].create_configuration_set, ConfigurationSetName="orders", ClientToken="burst"
        )
        for index in range(8)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 8}
    answers = [outcome.answer for outcome in outcomes]
    assert all(answer == answers[0] for answer in answers)
    for client in (a, b):
        listed = every_page(client.describe_configuration_sets, "ConfigurationSets")
        assert [item["ConfigurationSetName"] for item in listed] == ["orders"]
