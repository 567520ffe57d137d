"""Quotas and names hold across nodes: concurrent creates on two nodes of one store."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.messaging.support import phone_number
from tests.multinode.bugs import DEFAULT_LIST_RACE, PUT_KEYWORD_RACE
from tests.multinode.conftest import Nodes
from tests.multinode.support import every_page, summary, together, v2_clients
from tests.support.clients import new_account

CONFLICT = ("ConflictException", "RESOURCE_ALREADY_EXISTS")


def test_the_configuration_set_quota_holds_across_nodes(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    calls = [
        partial((a, b)[index % 2].create_configuration_set, ConfigurationSetName=f"set-{index:02d}")
        for index in range(40)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {
        ("OK", None): 25,
        ("ServiceQuotaExceededException", "CONFIGURATION_SETS_PER_ACCOUNT"): 15,
    }
    assert {outcome.status for outcome in outcomes if not outcome.ok} == {400}
    created = {outcome.answer["ConfigurationSetName"] for outcome in outcomes if outcome.answer}
    for client in (a, b):
        listed = every_page(client.describe_configuration_sets, "ConfigurationSets")
        assert sorted(item["ConfigurationSetName"] for item in listed) == sorted(created)
    # Both nodes took part: the quota is the store's, not a node's.
    assert {index % 2 for index, outcome in enumerate(outcomes) if outcome.ok} == {0, 1}


def test_a_configuration_set_name_is_taken_once_across_nodes(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    calls = [
        partial((a, b)[index % 2].create_configuration_set, ConfigurationSetName="shared")
        for index in range(10)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 1, CONFLICT: 9}
    for client in (a, b):
        listed = every_page(client.describe_configuration_sets, "ConfigurationSets")
        assert [item["ConfigurationSetName"] for item in listed] == ["shared"]


@DEFAULT_LIST_RACE
def test_an_opt_out_list_name_is_taken_once_across_nodes(nodes: Nodes) -> None:
    # A fresh account: its "Default" list does not exist yet, so every call also races to make it.
    a, b = v2_clients(nodes.endpoints, new_account())
    calls = [partial((a, b)[index % 2].create_opt_out_list, OptOutListName="shared") for index in range(10)]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 1, CONFLICT: 9}
    for client in (a, b):
        listed = every_page(client.describe_opt_out_lists, "OptOutLists")
        assert sorted(item["OptOutListName"] for item in listed) == ["Default", "shared"]


@PUT_KEYWORD_RACE
def test_a_keyword_put_on_two_nodes_at_once_is_one_keyword(nodes: Nodes) -> None:
    # PutKeyword on an existing keyword replaces its message (services/v2/keywords.py): the calls all
    # succeed, and the keyword is there once, with one of the messages.
    a, b = v2_clients(nodes.endpoints, new_account())
    phone_number(a)
    [number] = a.describe_phone_numbers()["PhoneNumbers"]
    number_id = number["PhoneNumberId"]
    messages = [f"Welcome aboard, reply {index}" for index in range(10)]
    calls = [
        partial(
            (a, b)[index % 2].put_keyword,
            OriginationIdentity=number_id,
            Keyword="join",
            KeywordMessage=message,
        )
        for index, message in enumerate(messages)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 10}
    answers: list[dict[str, Any]] = [outcome.answer for outcome in outcomes if outcome.answer]
    assert {answer["Keyword"] for answer in answers} == {"JOIN"}
    assert {answer["KeywordAction"] for answer in answers} == {"AUTOMATIC_RESPONSE"}
    assert {answer["OriginationIdentity"] for answer in answers} == {number_id}
    for client in (a, b):
        keywords = every_page(client.describe_keywords, "Keywords", OriginationIdentity=number_id)
        assert sorted(item["Keyword"] for item in keywords) == ["HELP", "JOIN", "STOP"]
        [join] = [item for item in keywords if item["Keyword"] == "JOIN"]
        assert join["KeywordMessage"] in messages
        assert join["KeywordAction"] == "AUTOMATIC_RESPONSE"
