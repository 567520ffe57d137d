"""`--auth sigv4`: signed requests pass, every other request gets the refusal AWS gives.

AWS's JSON services answer these refusals with 400 and `__type`; its rest-json services with 403 and
the `x-amzn-ErrorType` header (docs/security.md).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

from tests.security.conftest import SecureServer, client_for, signed_client
from tests.security.signing import QuerySignerAt, credentials, error_code, now, send, signed_v2
from tests.support.errors import error_of

V1 = "pinpoint-sms-voice"
V2 = "pinpoint-sms-voice-v2"
MISMATCH = "The request signature we calculated does not match the signature you provided"


def v1_list(client: Any) -> Any:
    return client.list_configuration_sets()


def v2_list(client: Any) -> Any:
    return client.describe_configuration_sets()


def test_the_right_secret_is_served_on_both_apis_as_the_keys_account(secure: SecureServer) -> None:
    v2 = client_for(secure.alice, V2, secure.endpoint)
    created = v2.create_configuration_set(ConfigurationSetName="signed")
    assert created["ConfigurationSetArn"] == (
        f"arn:aws:sms-voice:us-east-1:{secure.alice.account}:configuration-set/signed"
    )
    v1 = client_for(secure.alice, V1, secure.endpoint)
    v1.create_configuration_set(ConfigurationSetName="signed-voice")
    assert "signed-voice" in v1.list_configuration_sets()["ConfigurationSets"]


@pytest.mark.parametrize(("service", "call", "status"), [(V2, v2_list, 400), (V1, v1_list, 403)])
def test_a_wrong_secret_is_an_invalid_signature(
    secure: SecureServer, service: str, call: Any, status: int
) -> None:
    client = signed_client(service, secure.endpoint, secure.alice.access_key_id, "not-the-secret")
    with pytest.raises(ClientError) as info:
        call(client)
    assert error_of(info) == {"Code": "InvalidSignatureException", "Status": status}
    assert MISMATCH in info.value.response["Error"]["Message"]


@pytest.mark.parametrize(("service", "call", "status"), [(V2, v2_list, 400), (V1, v1_list, 403)])
def test_an_unknown_key_is_an_unrecognized_client(
    secure: SecureServer, service: str, call: Any, status: int
) -> None:
    # A 12-digit key id was an account under --auth off; under sigv4 only the file's keys exist.
    for key_id in ("AKIAUNKNOWNKEY000000", secure.alice.account):
        client = signed_client(service, secure.endpoint, key_id, secure.alice.secret_access_key)
        with pytest.raises(ClientError) as info:
            call(client)
        assert error_of(info) == {"Code": "UnrecognizedClientException", "Status": status}
        assert (
            info.value.response["Error"]["Message"]
            == "The security token included in the request is invalid."
        )


def test_no_signature_is_a_missing_token_shaped_for_each_protocol(secure: SecureServer) -> None:
    v2 = httpx.post(
        f"{secure.endpoint}/",
        headers={
            "X-Amz-Target": "PinpointSMSVoiceV2.DescribeConfigurationSets",
            "Content-Type": "application/x-amz-json-1.0",
        },
        content=b"{}",
    )
    assert v2.status_code == 400
    assert v2.json()["__type"] == "MissingAuthenticationTokenException"
    assert v2.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    v1 = httpx.get(f"{secure.endpoint}/v1/sms-voice/configuration-sets")
    assert v1.status_code == 403
    assert v1.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert v1.json() == {"Message": "Missing Authentication Token"}


@pytest.mark.parametrize(("skew", "words"), [(-16, "Signature expired"), (16, "Signature not yet current")])
def test_a_clock_more_than_15_minutes_off_is_refused(secure: SecureServer, skew: int, words: str) -> None:
    request = signed_v2(
        secure.endpoint, secure.alice, "DescribeConfigurationSets", when=now() + timedelta(minutes=skew)
    )
    answer = send(request)
    assert (answer.status_code, error_code(answer)) == (400, "InvalidSignatureException")
    assert answer.json()["Message"].startswith(words)


def test_a_clock_within_15_minutes_is_served(secure: SecureServer) -> None:
    for skew in (-14, 14):
        answer = send(
            signed_v2(
                secure.endpoint,
                secure.alice,
                "DescribeConfigurationSets",
                when=now() + timedelta(minutes=skew),
            )
        )
        assert answer.status_code == 200, answer.text


def test_a_tampered_body_is_an_invalid_signature_and_changes_nothing(secure: SecureServer) -> None:
    signed = json.dumps({"ConfigurationSetName": "tamper-a"}).encode()
    request = signed_v2(secure.endpoint, secure.bob, "CreateConfigurationSet", signed)
    answer = send(request, body=signed.replace(b"tamper-a", b"tamper-b"))
    assert (answer.status_code, error_code(answer)) == (400, "InvalidSignatureException")
    # A content hash that does not match the body is refused too, signed or not.
    answer = send(request, body=signed.replace(b"tamper-a", b"tamper-b"), x_amz_content_sha256="0" * 64)
    assert (answer.status_code, error_code(answer)) == (400, "InvalidSignatureException")
    names = [
        item["ConfigurationSetName"]
        for item in client_for(secure.bob, V2, secure.endpoint).describe_configuration_sets()[
            "ConfigurationSets"
        ]
    ]
    assert "tamper-b" not in names
    assert send(request).status_code == 200  # the untouched request is served


def test_a_signature_for_another_service_is_refused(secure: SecureServer) -> None:
    answer = send(signed_v2(secure.endpoint, secure.alice, "DescribeConfigurationSets", service="sns"))
    assert (answer.status_code, error_code(answer)) == (400, "InvalidSignatureException")
    assert "sms-voice" in answer.json()["Message"]


def test_a_session_token_is_part_of_what_is_signed(secure: SecureServer) -> None:
    client = client_for(secure.alice, V2, secure.endpoint, token="session-token-from-sts")
    assert "ConfigurationSets" in client.describe_configuration_sets()
    request = signed_v2(
        secure.endpoint, secure.alice, "DescribeConfigurationSets", token="session-token-from-sts"
    )
    assert request.headers["X-Amz-Security-Token"] == "session-token-from-sts"
    answer = send(request, x_amz_security_token="another-token")
    assert (answer.status_code, error_code(answer)) == (400, "InvalidSignatureException")


def test_a_presigned_url_is_served_and_its_query_cannot_be_changed(secure: SecureServer) -> None:
    v1 = client_for(secure.alice, V1, secure.endpoint)
    v1.create_configuration_set(ConfigurationSetName="presigned")
    url = v1.generate_presigned_url("list_configuration_sets", Params={"PageSize": "50"}, ExpiresIn=300)
    assert "X-Amz-Signature=" in url
    answer = httpx.get(url)
    assert answer.status_code == 200, answer.text
    assert "presigned" in answer.json()["ConfigurationSets"]
    changed = httpx.get(url.replace("PageSize=50", "PageSize=49"))
    assert (changed.status_code, error_code(changed)) == (403, "InvalidSignatureException")


def test_an_expired_presigned_url_is_refused(secure: SecureServer) -> None:
    request = AWSRequest(method="GET", url=f"{secure.endpoint}/v1/sms-voice/configuration-sets")
    QuerySignerAt(credentials(secure.alice), now() - timedelta(minutes=10), expires=60).add_auth(request)
    answer = httpx.get(request.url)
    assert (answer.status_code, error_code(answer)) == (403, "InvalidSignatureException")
    assert answer.json()["Message"].startswith("Signature expired")


@pytest.mark.parametrize(
    ("authorization", "words"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-1/sms-voice/aws4_request",
            "'Signature'",
        ),
        ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + "0" * 64, "'Credential'"),
        (
            "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
            "Credential must",
        ),
        ("Bearer abc", "Authorization"),
    ],
)
def test_a_malformed_authorization_header_is_an_incomplete_signature(
    secure: SecureServer, authorization: str, words: str
) -> None:
    answer = httpx.post(
        f"{secure.endpoint}/",
        headers={
            "X-Amz-Target": "PinpointSMSVoiceV2.DescribeConfigurationSets",
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Date": now().strftime("%Y%m%dT%H%M%SZ"),
            "Authorization": authorization,
        },
        content=b"{}",
    )
    assert (answer.status_code, error_code(answer)) == (400, "IncompleteSignatureException")
    assert words in answer.json()["Message"]


def test_one_key_never_reads_another_accounts_resources(secure: SecureServer) -> None:
    alice = client_for(secure.alice, V2, secure.endpoint)
    bob = client_for(secure.bob, V2, secure.endpoint)
    alice.create_configuration_set(ConfigurationSetName="alice-only")
    bob_sees = [
        item["ConfigurationSetName"] for item in bob.describe_configuration_sets()["ConfigurationSets"]
    ]
    assert "alice-only" not in bob_sees
    with pytest.raises(ClientError) as info:
        bob.describe_configuration_sets(ConfigurationSetNames=["alice-only"])
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    arn = f"arn:aws:sms-voice:us-east-1:{secure.alice.account}:configuration-set/alice-only"
    with pytest.raises(ClientError) as info:
        bob.delete_configuration_set(ConfigurationSetName=arn)
    assert error_of(info)["Code"] == "ResourceNotFoundException"
    assert any(
        item["ConfigurationSetName"] == "alice-only"
        for item in alice.describe_configuration_sets()["ConfigurationSets"]
    )


def test_the_server_log_holds_no_secret(secure: SecureServer) -> None:
    with pytest.raises(ClientError) as info:
        signed_client(V2, secure.endpoint, secure.alice.access_key_id, "wrong").describe_configuration_sets()
    assert error_of(info)["Code"] == "InvalidSignatureException"
    log = secure.process.log_text()
    assert secure.alice.secret_access_key not in log
    assert secure.bob.secret_access_key not in log
