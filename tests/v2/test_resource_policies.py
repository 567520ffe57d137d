"""Resource policies on shareable resources through boto3 against a live server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sms-voice:*"}],
    }
)


def _error(info: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    response = info.value.response
    return {"Code": response["Error"]["Code"], **{k: response.get(k) for k in ("Reason", "ResourceType")}}


def test_put_get_replace_delete_on_a_pool(v2: Any) -> None:
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )
    pool_arn = v2.create_pool(
        OriginationIdentity=number["PhoneNumberId"], IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )["PoolArn"]
    assert v2.get_resource_policy(ResourceArn=pool_arn).get("Policy") is None

    put = v2.put_resource_policy(ResourceArn=pool_arn, Policy=POLICY)
    assert (put["ResourceArn"], put["Policy"]) == (pool_arn, POLICY)
    got = v2.get_resource_policy(ResourceArn=pool_arn)
    assert got["Policy"] == POLICY
    assert got["CreatedTimestamp"] == put["CreatedTimestamp"]

    replacement = json.dumps({"Version": "2012-10-17", "Statement": []})
    assert v2.put_resource_policy(ResourceArn=pool_arn, Policy=replacement)["Policy"] == replacement
    deleted = v2.delete_resource_policy(ResourceArn=pool_arn)
    assert deleted["Policy"] == replacement
    assert v2.get_resource_policy(ResourceArn=pool_arn).get("Policy") is None


def test_policies_on_numbers_sender_ids_and_opt_out_lists(v2: Any) -> None:
    number_arn = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumberArn"]
    sender_arn = v2.request_sender_id(SenderId="MYBRAND", IsoCountryCode="GB")["SenderIdArn"]
    list_arn = v2.create_opt_out_list(OptOutListName="shared")["OptOutListArn"]
    for arn in (number_arn, sender_arn, list_arn):
        v2.put_resource_policy(ResourceArn=arn, Policy=POLICY)
        assert v2.get_resource_policy(ResourceArn=arn)["Policy"] == POLICY


def test_a_deleted_resource_takes_its_policy_with_it(v2: Any) -> None:
    list_arn = v2.create_opt_out_list(OptOutListName="short-lived")["OptOutListArn"]
    v2.put_resource_policy(ResourceArn=list_arn, Policy=POLICY)
    v2.delete_opt_out_list(OptOutListName="short-lived")
    v2.create_opt_out_list(OptOutListName="short-lived")
    assert v2.get_resource_policy(ResourceArn=list_arn).get("Policy") is None


def test_unknown_unshareable_and_bad_policies_are_refused(v2: Any, account: str) -> None:
    ghost = f"arn:aws:sms-voice:us-east-1:{account}:pool/pool-00000000000000000000000000000000"
    with pytest.raises(ClientError) as info:
        v2.put_resource_policy(ResourceArn=ghost, Policy=POLICY)
    assert _error(info) == {"Code": "ResourceNotFoundException", "Reason": None, "ResourceType": "pool"}

    set_arn = v2.create_configuration_set(ConfigurationSetName="not-shared")["ConfigurationSetArn"]
    with pytest.raises(ClientError) as info:
        v2.put_resource_policy(ResourceArn=set_arn, Policy=POLICY)
    assert _error(info)["Reason"] == "INVALID_PARAMETER"

    list_arn = v2.create_opt_out_list(OptOutListName="strict")["OptOutListArn"]
    with pytest.raises(ClientError) as info:
        v2.put_resource_policy(ResourceArn=list_arn, Policy="{not json")
    assert _error(info) == {
        "Code": "ValidationException",
        "Reason": "INVALID_PARAMETER",
        "ResourceType": None,
    }
    assert v2.get_resource_policy(ResourceArn=list_arn).get("Policy") is None
