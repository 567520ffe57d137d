"""Send-time origination resolution (services/v2/origination.py), called the way the send handlers call it.

These tests run the resolver inside a store transaction on a temporary SQLite file, with identities
provisioned through the seeding code and the API handlers themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from smsvoice.clock import SystemClock
from smsvoice.config import Settings
from smsvoice.protocol.errors import ServiceError
from smsvoice.seeding import apply_seed
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.opt_outs import put_opted_out_number
from smsvoice.services.v2.origination import Origination, is_opted_out, resolve_origination
from smsvoice.store import Store, Transaction, open_store
from smsvoice.testing.stores import store_url

ACCOUNT = "111122223333"
REGION = "us-east-1"
US_NUMBER = "+12065550123"
US_VOICE_NUMBER = "+12065550124"
GB_NUMBER = "+447400123456"
US_SIMULATOR = "+12065550100"
US_SIMULATOR_SUCCESS = "+14254147755"
GB_SIMULATOR_SUCCESS = "+447860019066"
US_DESTINATION = "+14255550199"
GB_DESTINATION = "+447911123456"
FR_DESTINATION = "+33612345678"

T = TypeVar("T")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(store_url(tmp_path / "origination"), upgrade=True)
    yield opened
    opened.close()


def _context(tx: Transaction) -> OperationContext:
    return OperationContext(
        api="v2",
        operation="SendTextMessage",
        account=ACCOUNT,
        region=REGION,
        request_id="test",
        tx=tx,
        clock=SystemClock(),
        settings=Settings(),
    )


def _run(store: Store, work: Callable[[OperationContext], T]) -> T:
    return store.run_sync(lambda tx: work(_context(tx)))


def _seed(store: Store, **sections: Any) -> None:
    block = {"Account": ACCOUNT, "Region": REGION, **sections}
    store.run_sync(lambda tx: apply_seed(tx, [block], Settings(), SystemClock()))


def _resolve(
    store: Store,
    identity: str | None,
    destination: str,
    country: str | None,
    channel: str = "TEXT",
    configuration_set: dict[str, Any] | None = None,
) -> Origination:
    return _run(
        store,
        lambda context: resolve_origination(
            context, identity, destination, country, channel, configuration_set
        ),
    )


def _refusal(
    store: Store, identity: str | None, destination: str, country: str | None, channel: str = "TEXT"
) -> dict[str, Any]:
    with pytest.raises(ServiceError) as info:
        _resolve(store, identity, destination, country, channel)
    return {"Code": info.value.code, **info.value.members}


def _numbers(store: Store) -> None:
    _seed(
        store,
        PhoneNumbers=[
            {"PhoneNumber": US_NUMBER, "NumberCapabilities": ["SMS", "MMS"], "MessageType": "PROMOTIONAL"},
            {"PhoneNumber": US_VOICE_NUMBER, "NumberCapabilities": ["VOICE"], "PhoneNumberId": "phone-voice"},
            {"PhoneNumber": GB_NUMBER, "NumberCapabilities": ["SMS"]},
            {"PhoneNumber": US_SIMULATOR, "NumberType": "SIMULATOR", "NumberCapabilities": ["SMS", "VOICE"]},
        ],
        SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "FR"}],
    )


def test_explicit_number_by_e164_id_and_arn(store: Store) -> None:
    _numbers(store)
    by_number = _resolve(store, US_NUMBER, US_DESTINATION, "US")
    assert by_number.kind == "PHONE_NUMBER"
    assert by_number.identity == US_NUMBER
    assert by_number.iso_country_code == "US"
    assert by_number.number_type == "LONG_CODE"
    assert by_number.opt_out_list_name == "Default"
    assert by_number.message_type == "PROMOTIONAL"
    assert by_number.is_simulator is False
    assert by_number.resource_arn is not None
    assert by_number.resource_arn.startswith(f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:phone-number/phone-")
    # The model's OriginationIdentity pattern has no '+', so digits alone name the number too.
    assert _resolve(store, US_NUMBER[1:], US_DESTINATION, "US") == by_number
    phone_id = by_number.resource_arn.rsplit("/", 1)[1]
    assert _resolve(store, phone_id, US_DESTINATION, "US") == by_number
    assert _resolve(store, by_number.resource_arn, US_DESTINATION, "US") == by_number


def test_unknown_identities_are_not_found_with_their_type(store: Store) -> None:
    _numbers(store)
    assert _refusal(store, "+12065559999", US_DESTINATION, "US")["ResourceType"] == "phone-number"
    assert _refusal(store, "phone-0123456789abcdef0123456789abcdef", US_DESTINATION, "US") == {
        "Code": "ResourceNotFoundException",
        "ResourceType": "phone-number",
        "ResourceId": "phone-0123456789abcdef0123456789abcdef",
    }
    assert (
        _refusal(store, "pool-0123456789abcdef0123456789abcdef", US_DESTINATION, "US")["ResourceType"]
        == "pool"
    )
    assert _refusal(store, "NOSUCH", FR_DESTINATION, "FR")["ResourceType"] == "sender-id"
    other_account = f"arn:aws:sms-voice:{REGION}:999999999999:phone-number/phone-voice"
    assert _refusal(store, other_account, US_DESTINATION, "US")["Code"] == "ResourceNotFoundException"


def test_channel_needs_the_matching_capability(store: Store) -> None:
    _numbers(store)
    assert _resolve(store, US_NUMBER, US_DESTINATION, "US", "MEDIA").identity == US_NUMBER
    assert _refusal(store, US_NUMBER, US_DESTINATION, "US", "VOICE") == {
        "Code": "ValidationException",
        "Reason": "VOICE_CAPABILITY_NOT_AVAILABLE",
    }
    assert _refusal(store, "phone-voice", US_DESTINATION, "US", "TEXT") == {
        "Code": "ValidationException",
        "Reason": "CHANNEL_NOT_ENABLED",
    }
    assert _resolve(store, "phone-voice", US_DESTINATION, "US", "VOICE").identity == US_VOICE_NUMBER
    assert (
        _refusal(store, "ACME", FR_DESTINATION, "FR", "VOICE")["Reason"] == "VOICE_CAPABILITY_NOT_AVAILABLE"
    )
    assert _refusal(store, "ACME", FR_DESTINATION, "FR", "MEDIA")["Reason"] == "CHANNEL_NOT_ENABLED"


def test_sender_id_reaches_its_own_country_only(store: Store) -> None:
    _numbers(store)
    found = _resolve(store, "ACME", FR_DESTINATION, "FR")
    assert (found.kind, found.identity, found.number_type, found.iso_country_code) == (
        "SENDER_ID",
        "ACME",
        None,
        "FR",
    )
    assert found.resource_arn == f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:sender-id/ACME/FR"
    assert _resolve(store, found.resource_arn, FR_DESTINATION, "FR") == found
    assert _refusal(store, "ACME", GB_DESTINATION, "GB") == {
        "Code": "ValidationException",
        "Reason": "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
    }


def test_international_sending_needs_the_switch(store: Store) -> None:
    _numbers(store)
    assert _refusal(store, US_NUMBER, GB_DESTINATION, "GB") == {
        "Code": "ValidationException",
        "Reason": "INTERNATIONAL_SENDING_NOT_SUPPORTED",
    }
    _seed(store, PhoneNumbers=[{"PhoneNumber": "+12065550125", "InternationalSendingEnabled": True}])
    assert _resolve(store, "+12065550125", GB_DESTINATION, "GB").identity == "+12065550125"


def test_simulator_number_sends_only_to_simulator_numbers_of_its_country(store: Store) -> None:
    _numbers(store)
    found = _resolve(store, US_SIMULATOR, US_SIMULATOR_SUCCESS, "US")
    assert (found.is_simulator, found.number_type, found.message_type) == (True, "SIMULATOR", "TRANSACTIONAL")
    assert _resolve(store, US_SIMULATOR, US_SIMULATOR_SUCCESS, "US", "VOICE").is_simulator
    assert _refusal(store, US_SIMULATOR, GB_SIMULATOR_SUCCESS, "GB") == {
        "Code": "ValidationException",
        "Reason": "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
    }
    assert _refusal(store, US_SIMULATOR, US_DESTINATION, "US") == {
        "Code": "ValidationException",
        "Reason": "INVALID_PARAMETER",
    }


def test_without_identity_the_account_identity_that_fits_is_used(store: Store) -> None:
    _numbers(store)
    assert _resolve(store, None, GB_DESTINATION, "GB").identity == GB_NUMBER
    assert _resolve(store, None, US_DESTINATION, "US").identity == US_NUMBER
    assert _resolve(store, None, FR_DESTINATION, "FR").identity == "ACME"
    # A simulator destination prefers the simulator number.
    assert _resolve(store, None, US_SIMULATOR_SUCCESS, "US").identity == US_SIMULATOR
    assert _resolve(store, None, US_DESTINATION, "US", "VOICE").identity == US_VOICE_NUMBER


def test_default_sender_id_only_when_no_identity_fits(store: Store) -> None:
    _numbers(store)
    configuration_set = {"DefaultSenderId": "MYSHOP", "DefaultMessageType": "PROMOTIONAL"}
    found = _resolve(store, None, "+4915112345678", "DE", configuration_set=configuration_set)
    assert found == Origination(
        kind="DEFAULT_SENDER_ID",
        identity="MYSHOP",
        resource_arn=None,
        iso_country_code="DE",
        number_type=None,
        opt_out_list_name="Default",
        message_type="PROMOTIONAL",
        is_simulator=False,
    )
    # An identity of the account that fits wins over the set's default sender ID.
    assert (
        _resolve(store, None, GB_DESTINATION, "GB", configuration_set=configuration_set).identity == GB_NUMBER
    )


def test_nothing_fits_is_conflict(store: Store) -> None:
    assert _refusal(store, None, US_DESTINATION, "US") == {
        "Code": "ConflictException",
        "Reason": "NO_ORIGINATION_IDENTITIES_FOUND",
        "ResourceType": "account",
        "ResourceId": ACCOUNT,
    }


def test_pool_picks_a_member_for_the_destination(store: Store) -> None:
    _seed(
        store,
        OptOutLists=[{"OptOutListName": "shop"}],
        PhoneNumbers=[
            {"PhoneNumber": US_NUMBER, "OptOutListName": "shop"},
            {"PhoneNumber": GB_NUMBER, "OptOutListName": "shop"},
        ],
        SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "FR"}],
        Pools=[
            {
                "PoolId": "pool-shop",
                "OriginationIdentities": [US_NUMBER, GB_NUMBER, {"SenderId": "ACME", "IsoCountryCode": "FR"}],
                "SelfManagedOptOutsEnabled": True,
            }
        ],
    )
    pool_arn = f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:pool/pool-shop"
    to_gb = _resolve(store, "pool-shop", GB_DESTINATION, "GB")
    assert (to_gb.kind, to_gb.identity, to_gb.resource_arn) == ("POOL", GB_NUMBER, pool_arn)
    assert to_gb.opt_out_list_name == "shop"
    assert to_gb.self_managed_opt_outs_enabled is True
    assert to_gb.member_arn is not None and to_gb.member_arn.startswith(
        f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:phone-number/"
    )
    assert _resolve(store, pool_arn, US_DESTINATION, "US").identity == US_NUMBER
    to_fr = _resolve(store, "pool-shop", FR_DESTINATION, "FR")
    assert (to_fr.identity, to_fr.number_type, to_fr.opt_out_list_name) == ("ACME", None, "shop")
    assert _refusal(store, "pool-shop", "+4915112345678", "DE") == {
        "Code": "ConflictException",
        "Reason": "NO_ORIGINATION_IDENTITIES_FOUND",
        "ResourceType": "pool",
        "ResourceId": "pool-shop",
    }


def test_is_opted_out_reads_the_named_list(store: Store) -> None:
    _seed(store, OptOutLists=[{"OptOutListName": "shop", "OptedOutNumbers": [US_DESTINATION]}])
    assert _run(store, lambda context: is_opted_out(context, "shop", US_DESTINATION))
    assert _run(store, lambda context: is_opted_out(context, "shop", US_DESTINATION[1:]))
    assert not _run(store, lambda context: is_opted_out(context, "Default", US_DESTINATION))
    assert not _run(store, lambda context: is_opted_out(context, "gone", US_DESTINATION))
    _run(
        store,
        lambda context: put_opted_out_number(
            context, {"OptOutListName": "Default", "OptedOutNumber": GB_DESTINATION}
        ),
    )
    assert _run(store, lambda context: is_opted_out(context, "Default", GB_DESTINATION))
