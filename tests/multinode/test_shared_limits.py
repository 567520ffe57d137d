"""Quotas and names hold across nodes: concurrent creates on two nodes of one store."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.messaging.support import phone_number
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
    # Each node got 20 of the calls, so both made some of the 25: the quota is the store's, not a node's.
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


def test_an_opt_out_list_name_is_taken_once_across_nodes(nodes: Nodes) -> None:
    a, b = v2_clients(nodes.endpoints, new_account())
    a.describe_opt_out_lists()  # the account's Default list exists first (its own race is below)
    calls = [partial((a, b)[index % 2].create_opt_out_list, OptOutListName="shared") for index in range(10)]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 1, CONFLICT: 9}
    for client in (a, b):
        listed = every_page(client.describe_opt_out_lists, "OptOutLists")
        assert sorted(item["OptOutListName"] for item in listed) == ["Default", "shared"]


def test_the_default_opt_out_list_is_made_once_by_first_uses_on_two_nodes(nodes: Nodes) -> None:
    # A fresh account has no "Default" list until its first use: every call below races to make it.
    a, b = v2_clients(nodes.endpoints, new_account())
    calls = [
        partial((a, b)[index % 2].create_opt_out_list, OptOutListName=f"list-{index}") for index in range(10)
    ]

    outcomes = together(calls)

    assert summary(outcomes) == {("OK", None): 10}
    for client in (a, b):
        listed = every_page(client.describe_opt_out_lists, "OptOutLists")
        assert sorted(item["OptOutListName"] for item in listed) == ["Default"] + [
            f"list-{i}" for i in range(10)
        ]


def put_keyword_on_both_nodes(nodes: Nodes, attempts: int) -> None:
    """`attempts` PutKeyword calls of one keyword at once, alternating between the nodes.

    PutKeyword on an existing keyword replaces its message (services/v2/keywords.py): every call
    succeeds, and the keyword is there once afterwards, with one of the messages."""
    a, b = v2_clients(nodes.endpoints, new_account())
    phone_number(a)
    [number] = a.describe_phone_numbers()["PhoneNumbers"]
    number_id = number["PhoneNumberId"]
    messages = [f"Welcome aboard, reply {index}" for index in range(attempts)]
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

    assert summary(outcomes) == {("OK", None): attempts}
    answers: list[dict[str, Any]] = [outcome.answer for outcome in outcomes if outcome.answer]
    assert {answer["Keyword"] for answer in answers} == {"JOIN"}
    assert {answer["KeywordAction"] for answer in answers} == {"AUTOMATIC_RESPONSE"}
    assert {answer["OriginationIdentity"] for answer in answers} == {number_id}
    assert sorted(answer["KeywordMessage"] for answer in answers) == sorted(messages)
    for client in (a, b):
        keywords = every_page(client.describe_keywords, "Keywords", OriginationIdentity=number_id)
        assert sorted(item["Keyword"] for item in keywords) == ["HELP", "JOIN", "STOP"]
        [join] = [item for item in keywords if item["Keyword"] == "JOIN"]
        assert join["KeywordMessage"] in messages
        assert join["KeywordAction"] == "AUTOMATIC_RESPONSE"


def test_a_keyword_put_on_two_nodes_at_once_is_one_keyword(nodes: Nodes) -> None:
    put_keyword_on_both_nodes(nodes, attempts=4)


def test_ten_puts_of_one_keyword_at_once_all_succeed(nodes: Nodes) -> None:
    put_keyword_on_both_nodes(nodes, attempts=10)
