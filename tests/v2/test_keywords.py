"""v2 keywords of phone numbers and pools through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_KEYWORDS_PER_PHONE_NUMBER, V2_KEYWORDS_PER_POOL
from tests.support.errors import error_of
from tests.v2.identity_support import request_number


def _words(v2: Any, identity: str, **params: Any) -> dict[str, tuple[str, str]]:
    found = v2.describe_keywords(OriginationIdentity=identity, **params)["Keywords"]
    return {item["Keyword"]: (item["KeywordAction"], item["KeywordMessage"]) for item in found}


def test_every_number_has_help_and_stop(v2: Any) -> None:
    number = request_number(v2)
    answer = v2.describe_keywords(OriginationIdentity=number["PhoneNumberId"])
    assert (answer["OriginationIdentity"], answer["OriginationIdentityArn"]) == (
        number["PhoneNumberId"],
        number["PhoneNumberArn"],
    )
    words = _words(v2, number["PhoneNumberId"])
    assert {word: action for word, (action, _) in words.items()} == {
        "HELP": "AUTOMATIC_RESPONSE",
        "STOP": "OPT_OUT",
    }


def test_put_creates_and_updates_case_insensitively(v2: Any) -> None:
    number = request_number(v2)
    answer = v2.put_keyword(
        OriginationIdentity=number["PhoneNumberArn"], Keyword="price", KeywordMessage="See example.com"
    )
    assert answer == {
        "OriginationIdentityArn": number["PhoneNumberArn"],
        "OriginationIdentity": number["PhoneNumberId"],
        "Keyword": "PRICE",
        "KeywordMessage": "See example.com",
        "KeywordAction": "AUTOMATIC_RESPONSE",
        "ResponseMetadata": answer["ResponseMetadata"],
    }
    v2.put_keyword(
        OriginationIdentity=number["PhoneNumberId"],
        Keyword="Price",
        KeywordMessage="New",
        KeywordAction="OPT_IN",
    )
    assert _words(v2, number["PhoneNumberId"])["PRICE"] == ("OPT_IN", "New")
    # An update without an action keeps the one it had.
    v2.put_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="PRICE", KeywordMessage="Newer")
    assert _words(v2, number["PhoneNumberId"])["PRICE"] == ("OPT_IN", "Newer")


def test_number_named_by_digits(v2: Any) -> None:
    number = request_number(v2)
    v2.put_keyword(
        OriginationIdentity=number["PhoneNumber"].lstrip("+"), Keyword="HI", KeywordMessage="Hello"
    )
    assert "HI" in _words(v2, number["PhoneNumberId"])


def test_mandatory_keywords(v2: Any) -> None:
    number = request_number(v2)
    changed = v2.put_keyword(
        OriginationIdentity=number["PhoneNumberId"], Keyword="help", KeywordMessage="Call 555-0100"
    )
    assert (changed["KeywordAction"], changed["KeywordMessage"]) == ("AUTOMATIC_RESPONSE", "Call 555-0100")
    assert _words(v2, number["PhoneNumberId"])["HELP"] == ("AUTOMATIC_RESPONSE", "Call 555-0100")
    with pytest.raises(ClientError) as info:
        v2.put_keyword(
            OriginationIdentity=number["PhoneNumberId"],
            Keyword="STOP",
            KeywordMessage="x",
            KeywordAction="OPT_IN",
        )
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "KEYWORD_MISMATCH",
        "ResourceType": "keyword",
        "ResourceId": "STOP",
    }
    with pytest.raises(ClientError) as info:
        v2.delete_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="STOP")
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_DELETION_NOT_ALLOWED",
        "ResourceType": "keyword",
        "ResourceId": "STOP",
    }


def test_describe_named_keywords_filters_and_pages(v2: Any) -> None:
    number = request_number(v2)
    for word in ("ALPHA", "BETA", "GAMMA"):
        v2.put_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword=word, KeywordMessage=word.lower())
    v2.put_keyword(
        OriginationIdentity=number["PhoneNumberId"],
        Keyword="JOIN",
        KeywordMessage="in",
        KeywordAction="OPT_IN",
    )
    assert set(_words(v2, number["PhoneNumberId"], Keywords=["beta", "HELP"])) == {"BETA", "HELP"}
    with pytest.raises(ClientError) as info:
        v2.describe_keywords(OriginationIdentity=number["PhoneNumberId"], Keywords=["NOPE"])
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "keyword",
        "ResourceId": "NOPE",
    }
    opt_in = [{"Name": "keyword-action", "Values": ["OPT_IN", "OPT_OUT"]}]
    assert set(_words(v2, number["PhoneNumberId"], Filters=opt_in)) == {"JOIN", "STOP"}
    pages = list(
        v2.get_paginator("describe_keywords").paginate(
            OriginationIdentity=number["PhoneNumberId"], PaginationConfig={"PageSize": 4}
        )
    )
    assert [len(page["Keywords"]) for page in pages] == [4, 2]


def test_delete(v2: Any) -> None:
    number = request_number(v2)
    v2.put_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="GONE", KeywordMessage="bye")
    deleted = v2.delete_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="gone")
    assert (deleted["Keyword"], deleted["KeywordMessage"]) == ("GONE", "bye")
    assert "GONE" not in _words(v2, number["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.delete_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="GONE")
    assert error_of(info)["ResourceType"] == "keyword"


def test_pool_keywords(v2: Any) -> None:
    number = request_number(v2)
    pool = v2.create_pool(OriginationIdentity=number["PhoneNumberId"], MessageType="TRANSACTIONAL")
    answer = v2.put_keyword(OriginationIdentity=pool["PoolArn"], Keyword="INFO", KeywordMessage="pool info")
    assert (answer["OriginationIdentity"], answer["OriginationIdentityArn"]) == (
        pool["PoolId"],
        pool["PoolArn"],
    )
    assert "INFO" in _words(v2, pool["PoolId"])
    assert "INFO" not in _words(v2, number["PhoneNumberId"])


def test_unknown_identity(v2: Any) -> None:
    for value, resource_type in (
        ("phone-00000000000000000000000000000000", "phone-number"),
        ("pool-00000000000000000000000000000000", "pool"),
    ):
        with pytest.raises(ClientError) as info:
            v2.describe_keywords(OriginationIdentity=value)
        assert error_of(info) == {
            "Code": "ResourceNotFoundException",
            "Status": 400,
            "ResourceType": resource_type,
            "ResourceId": value,
        }


def test_keywords_go_with_a_released_number(v2: Any) -> None:
    number = request_number(v2)
    v2.put_keyword(OriginationIdentity=number["PhoneNumberId"], Keyword="OLD", KeywordMessage="old")
    v2.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    with pytest.raises(ClientError) as info:
        v2.describe_keywords(OriginationIdentity=number["PhoneNumberId"])
    assert error_of(info)["ResourceType"] == "phone-number"


@pytest.mark.parametrize("target", ["phone", "pool"])
def test_keyword_quotas(v2: Any, target: str) -> None:
    number = request_number(v2)
    identity = number["PhoneNumberId"]
    limit, reason = V2_KEYWORDS_PER_PHONE_NUMBER, "KEYWORDS_PER_PHONE_NUMBER"
    if target == "pool":
        identity = v2.create_pool(OriginationIdentity=identity, MessageType="TRANSACTIONAL")["PoolId"]
        limit, reason = V2_KEYWORDS_PER_POOL, "KEYWORDS_PER_POOL"
    for index in range(limit):
        v2.put_keyword(OriginationIdentity=identity, Keyword=f"WORD{index}", KeywordMessage="m")
    # Changing an existing keyword or a mandatory one is still allowed at the limit.
    v2.put_keyword(OriginationIdentity=identity, Keyword="WORD0", KeywordMessage="changed")
    v2.put_keyword(OriginationIdentity=identity, Keyword="HELP", KeywordMessage="changed")
    with pytest.raises(ClientError) as info:
        v2.put_keyword(OriginationIdentity=identity, Keyword="EXTRA", KeywordMessage="m")
    assert error_of(info) == {"Code": "ServiceQuotaExceededException", "Status": 400, "Reason": reason}
