"""What a send reads ahead (services/v2/sending.py `read_ahead_of_send`) covers its origination
identity and its configuration set however the request names them: an E.164 number, a PhoneNumberId,
a PoolId, a bare sender ID, an ARN, a set's name or ARN. On PostgreSQL a document not read ahead is a round trip of its
own, which in a batch of sends the event loop waits for; on every backend what the send then
resolves is the right document. A send through a pool reads its members and their numbers ahead, a send
without an identity the account's numbers and sender IDs; a v1 call reads its configuration set ahead."""

from __future__ import annotations

from typing import Any

import pytest

from smsvoice.clock import SystemClock
from smsvoice.config import Settings
from smsvoice.registration_runner import registration_context
from smsvoice.services.v1.configuration_sets import CONFIGURATION_SET as V1_CONFIGURATION_SET
from smsvoice.services.v1.voice import read_ahead_of_send as read_ahead_of_v1_send
from smsvoice.services.v2.configuration_sets import CONFIGURATION_SET, load_configuration_set
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_BY_E164,
    PHONE_NUMBER_TYPE,
    POOL,
    POOL_MEMBER,
    POOL_TYPE,
    SENDER_ID,
    SENDER_ID_TYPE,
    pool_members,
    resolve_identity,
)
from smsvoice.services.v2.sending import read_ahead_of_send
from smsvoice.store import Store, Transaction
from tests.support.store_rows import ACCOUNT, REGION
from tests.support.store_rows import SENT_AT as NOW

NUMBER_ID = "phone-0123456789abcdef0123456789abcdef"
NUMBER = "+18885550100"
POOL_ID = "pool-0123456789abcdef0123456789abcdef"
ARN = f"arn:aws:sms-voice:{REGION}:{ACCOUNT}"


def _seed(store: Store) -> None:
    def seed(tx: Transaction) -> None:
        documents = tx.documents(ACCOUNT, REGION)
        documents.add(PHONE_NUMBER, NUMBER_ID, {"PhoneNumberId": NUMBER_ID, "PhoneNumber": NUMBER})
        documents.add(PHONE_NUMBER_BY_E164, NUMBER, {"PhoneNumberId": NUMBER_ID})
        documents.add(POOL, POOL_ID, {"PoolId": POOL_ID})
        documents.add(CONFIGURATION_SET, "orders", {"ConfigurationSetName": "orders"})

    store.run_sync(seed)


@pytest.mark.parametrize(
    ("identity", "resource_type", "key"),
    [
        (NUMBER, PHONE_NUMBER_TYPE, NUMBER_ID),
        (NUMBER_ID, PHONE_NUMBER_TYPE, NUMBER_ID),
        (f"{ARN}:phone-number/{NUMBER_ID}", PHONE_NUMBER_TYPE, NUMBER_ID),
        (POOL_ID, POOL_TYPE, POOL_ID),
        (f"{ARN}:pool/{POOL_ID}", POOL_TYPE, POOL_ID),
    ],
)
@pytest.mark.parametrize("configuration_set", ["orders", f"{ARN}:configuration-set/orders"])
def test_the_identity_and_the_set_come_with_the_first_round_trip(
    store: Store, round_trips: list[str], identity: str, resource_type: str, key: str, configuration_set: str
) -> None:
    _seed(store)
    params = {
        "DestinationPhoneNumber": "+12065550142",
        "OriginationIdentity": identity,
        "ConfigurationSetName": configuration_set,
        "MessageBody": "hi",
    }
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[Any, Any, int, int]:
        read_ahead_of_send(tx, ACCOUNT, REGION, "SendTextMessage", params, NOW)
        tx.settings.get_text("anything")  # the statement the reads ride with (the gateway's first)
        after_first = len(round_trips)
        context = registration_context(tx, SystemClock(), Settings(), ACCOUNT, REGION, "SendTextMessage")
        found = resolve_identity(context, identity, (PHONE_NUMBER_TYPE, POOL_TYPE))
        configuration = load_configuration_set(context, configuration_set)
        return found, configuration, after_first - before, len(round_trips) - after_first

    found, configuration, first, later = store.run_sync(unit)

    assert (found.resource_type, found.key) == (resource_type, key)
    assert configuration["ConfigurationSetName"] == "orders"
    if not store.is_sqlite:
        assert first == 1, round_trips
        assert later == 0, round_trips[before:]  # nothing read after: no round trip the loop waits for


def test_a_v1_call_reads_its_configuration_set_with_the_first_round_trip(
    store: Store, round_trips: list[str]
) -> None:
    store.run_sync(
        lambda tx: tx.documents(ACCOUNT, REGION).add(V1_CONFIGURATION_SET, "calls", {"Name": "calls"})
    )
    params = {"DestinationPhoneNumber": "+12065550142", "ConfigurationSetName": "calls"}
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[Any, int, int]:
        read_ahead_of_v1_send(tx, ACCOUNT, REGION, "SendVoiceMessage", params, NOW)
        tx.settings.get_text("anything")
        after_first = len(round_trips)
        found = tx.documents(ACCOUNT, REGION).get(V1_CONFIGURATION_SET, "calls")
        return found, after_first - before, len(round_trips) - after_first

    found, first, later = store.run_sync(unit)

    assert found == {"Name": "calls"}
    if not store.is_sqlite:
        assert first == 1, round_trips
        assert later == 0, round_trips[before:]


def _seed_pool(store: Store) -> None:
    _seed(store)

    def members(tx: Transaction) -> None:
        documents = tx.documents(ACCOUNT, REGION)
        member = {"PoolId": POOL_ID, "Type": PHONE_NUMBER_TYPE, "Key": NUMBER_ID}
        documents.add(POOL_MEMBER, f"{POOL_ID}/{NUMBER_ID}", member, parent=POOL_ID)

    store.run_sync(members)


def test_a_send_through_a_pool_reads_its_members_and_their_numbers_with_the_first_round_trip(
    store: Store, round_trips: list[str]
) -> None:
    _seed_pool(store)
    params = {"DestinationPhoneNumber": "+12065550142", "OriginationIdentity": POOL_ID, "MessageBody": "hi"}
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[list[tuple[str, str]], int, int]:
        read_ahead_of_send(tx, ACCOUNT, REGION, "SendTextMessage", params, NOW)
        tx.settings.get_text("anything")
        after_first = len(round_trips)
        context = registration_context(tx, SystemClock(), Settings(), ACCOUNT, REGION, "SendTextMessage")
        members = [(ref.key, str(ref.doc["PhoneNumber"])) for ref in pool_members(context, POOL_ID)]
        return members, after_first - before, len(round_trips) - after_first

    members, first, later = store.run_sync(unit)

    assert members == [(NUMBER_ID, NUMBER)]
    if not store.is_sqlite:
        assert first == 1, round_trips
        assert later == 0, round_trips[before:]


def test_a_listing_read_ahead_is_read_again_after_a_write_of_its_kind(store: Store) -> None:
    _seed_pool(store)
    other = "phone-fedcba9876543210fedcba9876543210"
    params = {"DestinationPhoneNumber": "+12065550142", "OriginationIdentity": POOL_ID, "MessageBody": "hi"}

    def unit(tx: Transaction) -> tuple[list[str], list[str], list[str]]:
        read_ahead_of_send(tx, ACCOUNT, REGION, "SendTextMessage", params, NOW)
        documents = tx.documents(ACCOUNT, REGION)
        first = [key for key, _ in documents.iterate(POOL_MEMBER, parent=POOL_ID)]
        documents.add(PHONE_NUMBER, other, {"PhoneNumberId": other, "PhoneNumber": "+18885550111"})
        member = {"PoolId": POOL_ID, "Type": PHONE_NUMBER_TYPE, "Key": other}
        documents.add(POOL_MEMBER, f"{POOL_ID}/{other}", member, parent=POOL_ID)
        second = [key for key, _ in documents.iterate(POOL_MEMBER, parent=POOL_ID)]
        documents.remove(POOL_MEMBER, f"{POOL_ID}/{NUMBER_ID}")
        third = [key for key, _ in documents.iterate(POOL_MEMBER, parent=POOL_ID)]
        return first, second, third

    first, second, third = store.run_sync(unit)

    assert first == [f"{POOL_ID}/{NUMBER_ID}"]
    assert second == sorted([f"{POOL_ID}/{NUMBER_ID}", f"{POOL_ID}/{other}"])
    assert third == [f"{POOL_ID}/{other}"]


def test_a_send_without_an_identity_lists_the_account_numbers_with_the_first_round_trip(
    store: Store, round_trips: list[str]
) -> None:
    _seed(store)
    params = {"DestinationPhoneNumber": "+12065550142", "MessageBody": "hi"}
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[list[str], list[str], int, int]:
        read_ahead_of_send(tx, ACCOUNT, REGION, "SendTextMessage", params, NOW)
        tx.settings.get_text("anything")
        after_first = len(round_trips)
        documents = tx.documents(ACCOUNT, REGION)
        numbers = [key for key, _ in documents.iterate(PHONE_NUMBER)]
        senders = [key for key, _ in documents.iterate(SENDER_ID)]
        return numbers, senders, after_first - before, len(round_trips) - after_first

    numbers, senders, first, later = store.run_sync(unit)

    assert numbers == [NUMBER_ID]
    assert senders == []
    if not store.is_sqlite:
        assert first == 1, round_trips
        assert later == 0, round_trips[before:]


def test_a_send_from_a_bare_sender_id_finds_it_without_another_round_trip(
    store: Store, round_trips: list[str]
) -> None:
    _seed(store)
    store.run_sync(
        lambda tx: tx.documents(ACCOUNT, REGION).add(
            SENDER_ID, "MYBRAND/GB", {"SenderId": "MYBRAND", "IsoCountryCode": "GB"}
        )
    )
    params = {
        "DestinationPhoneNumber": "+447700900123",
        "OriginationIdentity": "MYBRAND",
        "MessageBody": "hi",
    }
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[Any, int, int]:
        read_ahead_of_send(tx, ACCOUNT, REGION, "SendTextMessage", params, NOW)
        tx.settings.get_text("anything")
        after_first = len(round_trips)
        context = registration_context(tx, SystemClock(), Settings(), ACCOUNT, REGION, "SendTextMessage")
        found = resolve_identity(context, "MYBRAND", (PHONE_NUMBER_TYPE, POOL_TYPE, SENDER_ID_TYPE))
        return found, after_first - before, len(round_trips) - after_first

    found, first, later = store.run_sync(unit)

    assert (found.resource_type, found.key) == (SENDER_ID_TYPE, "MYBRAND/GB")
    if not store.is_sqlite:
        assert first == 1, round_trips
        assert later == 0, round_trips[before:]
