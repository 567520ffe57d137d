"""Seeded origination identities: `smsvoice serve --seed-file` and `POST /_smsvoice/identities`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.process import SMSVOICE
from tests.support.clients import client, new_account
from tests.support.errors import error_of

NUMBER = "+12065550123"
TOLL_FREE = "+18885550100"
GB_NUMBER = "+447400123456"
OPTED_OUT = "+14255550199"


def _seed(account: str, **sections: Any) -> dict[str, Any]:
    return {"Account": account, "Region": "us-east-1", **sections}


def _post(endpoint: str, document: Any) -> httpx.Response:
    return httpx.post(f"{endpoint}/_smsvoice/identities", json=document, timeout=10)


def _full_seed(account: str) -> dict[str, Any]:
    return _seed(
        account,
        OptOutLists=[
            {
                "OptOutListName": "shop",
                "OptedOutNumbers": [OPTED_OUT, {"OptedOutNumber": "+14255550142", "EndUserOptedOut": True}],
            }
        ],
        PhoneNumbers=[
            {
                "PhoneNumber": NUMBER,
                "NumberCapabilities": ["SMS", "VOICE"],
                "OptOutListName": "shop",
                "Tags": [{"Key": "app", "Value": "orders"}],
                "Keywords": [{"Keyword": "ORDER", "KeywordMessage": "Your orders: example.com"}],
            },
            {"PhoneNumber": TOLL_FREE, "NumberType": "TOLL_FREE", "PhoneNumberId": "phone-mytollfree"},
            {"PhoneNumber": "12345", "NumberType": "SHORT_CODE", "IsoCountryCode": "US"},
        ],
        SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "GB", "Registered": True}],
        Pools=[
            {
                "PoolId": "pool-orders",
                "OriginationIdentities": [NUMBER, {"SenderId": "ACME", "IsoCountryCode": "GB"}],
                "DeletionProtectionEnabled": True,
            }
        ],
    )


def test_post_provisions_identities_the_api_then_serves(endpoint: str) -> None:
    account = new_account()
    answer = _post(endpoint, _full_seed(account))
    assert answer.status_code == 200, answer.text
    result = answer.json()["Results"][0]
    assert (result["Account"], result["Region"], result["Existing"]) == (account, "us-east-1", [])
    assert len(result["Created"]) == 6  # list, three numbers, sender ID, pool
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    numbers = {item["PhoneNumber"]: item for item in v2.describe_phone_numbers()["PhoneNumbers"]}
    assert set(numbers) == {NUMBER, TOLL_FREE, "12345"}
    seeded = numbers[NUMBER]
    assert (seeded["IsoCountryCode"], seeded["NumberType"], seeded["Status"], seeded["OptOutListName"]) == (
        "US",
        "LONG_CODE",
        "ACTIVE",
        "shop",
    )
    assert seeded["NumberCapabilities"] == ["SMS", "VOICE"]
    assert seeded["PoolId"] == "pool-orders"
    assert numbers[TOLL_FREE]["PhoneNumberId"] == "phone-mytollfree"
    assert numbers["12345"]["NumberType"] == "SHORT_CODE"
    assert v2.list_tags_for_resource(ResourceArn=seeded["PhoneNumberArn"])["Tags"] == [
        {"Key": "app", "Value": "orders"}
    ]
    words = v2.describe_keywords(OriginationIdentity=seeded["PhoneNumberId"])["Keywords"]
    assert "ORDER" in {word["Keyword"] for word in words}
    assert v2.describe_sender_ids()["SenderIds"][0]["Registered"] is True
    pool = v2.describe_pools(PoolIds=["pool-orders"])["Pools"][0]
    assert (pool["DeletionProtectionEnabled"], pool["OptOutListName"]) == (True, "shop")
    members = v2.list_pool_origination_identities(PoolId="pool-orders")["OriginationIdentities"]
    assert {member["OriginationIdentity"] for member in members} == {seeded["PhoneNumberId"], "ACME"}
    opted = v2.describe_opted_out_numbers(OptOutListName="shop")["OptedOutNumbers"]
    assert {(item["OptedOutNumber"], item["EndUserOptedOut"]) for item in opted} == {
        (OPTED_OUT, False),
        ("+14255550142", True),
    }
    # The app's code names its real number and it works like a requested one.
    assert v2.release_phone_number(PhoneNumberId="phone-mytollfree")["PhoneNumber"] == TOLL_FREE


def test_post_again_changes_nothing(endpoint: str) -> None:
    account = new_account()
    first = _post(endpoint, _full_seed(account)).json()["Results"][0]
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    number_id = next(
        item for item in v2.describe_phone_numbers()["PhoneNumbers"] if item["PhoneNumber"] == NUMBER
    )["PhoneNumberId"]
    v2.update_phone_number(PhoneNumberId=number_id, DeletionProtectionEnabled=True)
    v2.delete_opted_out_number(OptOutListName="shop", OptedOutNumber=OPTED_OUT)
    second = _post(endpoint, _full_seed(account)).json()["Results"][0]
    assert second["Created"] == []
    assert sorted(second["Existing"]) == sorted(first["Created"])
    numbers = v2.describe_phone_numbers()["PhoneNumbers"]
    assert len(numbers) == 3
    # What the API changed stays; opted-out numbers of the seed come back.
    assert (
        next(item for item in numbers if item["PhoneNumberId"] == number_id)["DeletionProtectionEnabled"]
        is True
    )
    opted = v2.describe_opted_out_numbers(OptOutListName="shop", OptedOutNumbers=[OPTED_OUT])[
        "OptedOutNumbers"
    ]
    assert [item["OptedOutNumber"] for item in opted] == [OPTED_OUT]


def test_seed_ids_are_stable_across_stores(endpoint: str) -> None:
    first, second = new_account(), new_account()
    assert _post(endpoint, _seed(first, PhoneNumbers=[{"PhoneNumber": NUMBER}])).status_code == 200
    again = _post(endpoint, [_seed(first, PhoneNumbers=[{"PhoneNumber": NUMBER}])]).json()["Results"][0]
    assert again["Created"] == []
    other = _post(endpoint, _seed(second, PhoneNumbers=[{"PhoneNumber": NUMBER}])).json()["Results"][0]
    # Same account/region/number -> same id; another account gets its own.
    assert other["Created"][0].rsplit("/", 1)[1] != again["Existing"][0].rsplit("/", 1)[1]


def test_seeded_number_is_a_real_identity_of_the_account(endpoint: str) -> None:
    account = new_account()
    _post(endpoint, _seed(account, PhoneNumbers=[{"PhoneNumber": GB_NUMBER}]))
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    pool = v2.create_pool(OriginationIdentity=GB_NUMBER.lstrip("+"), MessageType="TRANSACTIONAL")
    members = v2.list_pool_origination_identities(PoolId=pool["PoolId"])["OriginationIdentities"]
    assert [(member["PhoneNumber"], member["IsoCountryCode"]) for member in members] == [(GB_NUMBER, "GB")]
    # Another account does not see it.
    assert (
        client("pinpoint-sms-voice-v2", endpoint, new_account()).describe_phone_numbers()["PhoneNumbers"]
        == []
    )


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"PhoneNumbers": [{"PhoneNumber": "nope"}]}, "PhoneNumbers[0].PhoneNumber"),
        ({"PhoneNumbers": [{"PhoneNumber": NUMBER, "Colour": "red"}]}, "unknown member(s) Colour"),
        ({"PhoneNumbers": [{"PhoneNumber": NUMBER, "MessageType": "LOUD"}]}, "PhoneNumbers[0]: Value 'LOUD'"),
        (
            {"PhoneNumbers": [{"PhoneNumber": "+447400123456", "NumberType": "SIMULATOR"}]},
            "only available in the US",
        ),
        ({"SenderIds": [{"SenderId": "-bad", "IsoCountryCode": "GB"}]}, "SenderIds[0]"),
        ({"Pools": [{"OriginationIdentities": ["+12065550999"]}]}, "ResourceNotFoundException"),
        ({"Pools": [{"OriginationIdentities": []}]}, "OriginationIdentities must list"),
        ({"PhoneNumbers": [{"PhoneNumber": NUMBER, "OptOutListName": "missing"}]}, "Opt-out list missing"),
        ({"Account": "12", "PhoneNumbers": []}, "Account must be 12 digits"),
        ({"Gadgets": []}, "unknown member(s) Gadgets"),
    ],
)
def test_bad_seed_is_refused_and_applies_nothing(
    endpoint: str, document: dict[str, Any], fragment: str
) -> None:
    account = new_account()
    good = {"OptOutLists": [{"OptOutListName": "kept-out"}]}
    answer = _post(endpoint, {"Account": account, **good, **document})
    assert answer.status_code == 400
    assert fragment in answer.json()["error"]
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    assert [item["OptOutListName"] for item in v2.describe_opt_out_lists()["OptOutLists"]] == ["Default"]


def test_malformed_body_is_refused(endpoint: str) -> None:
    answer = httpx.post(f"{endpoint}/_smsvoice/identities", content=b"{not json", timeout=10)
    assert answer.status_code == 400
    assert "JSON" in answer.json()["error"]


def test_get_lists_identities_by_account_and_region(endpoint: str) -> None:
    account = new_account()
    _post(endpoint, _full_seed(account))
    _post(endpoint, _seed(account, PhoneNumbers=[{"PhoneNumber": GB_NUMBER}]) | {"Region": "eu-west-2"})
    listing = httpx.get(f"{endpoint}/_smsvoice/identities", params={"account": account}, timeout=10).json()
    assert {(item["Region"], item["PhoneNumber"]) for item in listing["PhoneNumbers"]} == {
        ("us-east-1", NUMBER),
        ("us-east-1", TOLL_FREE),
        ("us-east-1", "12345"),
        ("eu-west-2", GB_NUMBER),
    }
    assert [item["SenderId"] for item in listing["SenderIds"]] == ["ACME"]
    assert [item["PoolId"] for item in listing["Pools"]] == ["pool-orders"]
    assert all(item["Account"] == account for section in listing.values() for item in section)
    narrowed = httpx.get(
        f"{endpoint}/_smsvoice/identities", params={"account": account, "region": "eu-west-2"}, timeout=10
    ).json()
    assert [item["PhoneNumber"] for item in narrowed["PhoneNumbers"]] == [GB_NUMBER]


def test_seed_file_is_applied_at_every_start(fresh_server: Any, tmp_path: Path) -> None:
    account = new_account()
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(_seed(account, PhoneNumbers=[{"PhoneNumber": NUMBER}])))
    server = fresh_server("--throttling", "off", "--seed-file", str(seed_file))
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    first = v2.describe_phone_numbers()["PhoneNumbers"]
    assert [item["PhoneNumber"] for item in first] == [NUMBER]
    v2.update_phone_number(PhoneNumberId=first[0]["PhoneNumberId"], DeletionProtectionEnabled=True)
    assert server.stop() == 0
    # A second start on the same store, with one more number in the seed.
    seed_file.write_text(
        json.dumps(
            _seed(
                account,
                PhoneNumbers=[{"PhoneNumber": NUMBER}, {"PhoneNumber": TOLL_FREE, "NumberType": "TOLL_FREE"}],
            )
        )
    )
    again = fresh_server("--throttling", "off", "--seed-file", str(seed_file), data_dir=server.data_dir)
    v2 = client("pinpoint-sms-voice-v2", again.endpoint, account)
    numbers = {item["PhoneNumber"]: item for item in v2.describe_phone_numbers()["PhoneNumbers"]}
    assert set(numbers) == {NUMBER, TOLL_FREE}
    assert numbers[NUMBER]["PhoneNumberId"] == first[0]["PhoneNumberId"]
    assert numbers[NUMBER]["DeletionProtectionEnabled"] is True


def test_seed_file_from_the_environment(fresh_server: Any, tmp_path: Path) -> None:
    import os

    account = new_account()
    seed_file = tmp_path / "env-seed.json"
    seed_file.write_text(
        json.dumps([_seed(account, SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "GB"}])])
    )
    server = fresh_server("--throttling", "off", env={**os.environ, "SMSVOICE_SEED_FILE": str(seed_file)})
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    assert [item["SenderId"] for item in v2.describe_sender_ids()["SenderIds"]] == ["ACME"]


def test_bad_seed_file_stops_the_start(tmp_path: Path) -> None:
    seed_file = tmp_path / "bad.json"
    seed_file.write_text(json.dumps({"PhoneNumbers": [{"PhoneNumber": "nope"}]}))
    finished = subprocess.run(
        [
            SMSVOICE,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "data"),
            "--seed-file",
            str(seed_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert (
        "PhoneNumbers[0].PhoneNumber 'nope' is not an E.164 phone number" in finished.stdout + finished.stderr
    )


def test_seeded_sender_id_without_country_policy(endpoint: str) -> None:
    # A seed describes what the user already holds in AWS; the API's RequestSenderId would refuse US.
    account = new_account()
    answer = _post(endpoint, _seed(account, SenderIds=[{"SenderId": "ACME", "IsoCountryCode": "US"}]))
    assert answer.status_code == 200
    v2 = client("pinpoint-sms-voice-v2", endpoint, account)
    with pytest.raises(ClientError) as info:
        v2.request_sender_id(SenderId="OTHER", IsoCountryCode="US")
    assert error_of(info)["Reason"] == "SENDER_ID_NOT_SUPPORTED"
    assert [item["IsoCountryCode"] for item in v2.describe_sender_ids()["SenderIds"]] == ["US"]
