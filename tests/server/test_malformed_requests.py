"""Malformed input over raw HTTP: always an AWS-shaped 4xx with a request id, never a 500 or a hang."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

V2_HEADERS = {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "PinpointSMSVoiceV2.CreateConfigurationSet",
    "authorization": "AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/sms-voice/aws4_request, "
    "SignedHeaders=host, Signature=00",
}


def _post_v2(endpoint: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(endpoint + "/", content=body, headers={**V2_HEADERS, **headers}, timeout=10)


def _v2_error(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["x-amzn-requestid"]
    payload: dict[str, Any] = response.json()
    return payload


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe\xfa", b'{"ConfigurationSetName": "a\xff"}', b"{" * 5000],
    ids=["syntax", "array", "string", "binary", "bad-utf8", "deep"],
)
def test_v2_unparseable_bodies_are_validation_errors(endpoint: str, body: bytes) -> None:
    response = _post_v2(endpoint, body)
    assert response.status_code == 400
    payload = _v2_error(response)
    assert payload["__type"] == "ValidationException"
    assert payload["Reason"] == "CANNOT_PARSE"


def test_v2_wrong_types_list_every_field(endpoint: str) -> None:
    response = _post_v2(endpoint, b'{"ConfigurationSetName": 7, "Tags": "x", "ClientToken": ""}')
    payload = _v2_error(response)
    assert response.status_code == 400
    assert payload["Reason"] == "FIELD_VALIDATION_FAILED"
    assert {field["Name"] for field in payload["Fields"]} == {"ConfigurationSetName", "Tags", "ClientToken"}


def test_v2_unknown_operation(endpoint: str) -> None:
    response = _post_v2(endpoint, b"{}", **{"x-amz-target": "PinpointSMSVoiceV2.LaunchRocket"})
    assert response.status_code == 400
    assert _v2_error(response)["__type"] == "UnknownOperationException"


def test_request_without_any_service_is_unknown_operation(endpoint: str) -> None:
    response = httpx.post(endpoint + "/", content=b"{}", timeout=10)
    assert response.status_code == 404
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert response.headers["x-amzn-requestid"]


def test_v1_unknown_path_and_method(endpoint: str) -> None:
    for method, path in (
        ("GET", "/v1/sms-voice/nothing-here"),
        ("PATCH", "/v1/sms-voice/configuration-sets"),
    ):
        response = httpx.request(method, endpoint + path, timeout=10)
        assert response.status_code == 404
        assert response.headers["x-amzn-errortype"] == "UnknownOperationException"
        assert "Message" in response.json()


def test_v1_malformed_json_is_bad_request(endpoint: str) -> None:
    response = httpx.post(endpoint + "/v1/sms-voice/configuration-sets", content=b"{oops", timeout=10)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "BadRequestException"
    assert response.json()["Message"]


def test_v1_wrong_types_are_bad_requests(endpoint: str) -> None:
    response = httpx.post(
        endpoint + "/v1/sms-voice/configuration-sets/x/event-destinations",
        json={
            "EventDestinationName": "d",
            "EventDestination": {"Enabled": "yes", "MatchingEventTypes": "BUSY"},
        },
        timeout=10,
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "BadRequestException"
    assert "Enabled" in response.json()["Message"]


def test_oversized_body_is_refused_before_it_is_read(endpoint: str) -> None:
    big = b'{"ConfigurationSetName": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    response = _post_v2(endpoint, big)
    assert response.status_code == 400
    assert _v2_error(response)["Reason"] == "MAXIMUM_SIZE_EXCEEDED"
    v1 = httpx.post(endpoint + "/v1/sms-voice/configuration-sets", content=big, timeout=10)
    assert v1.status_code == 400
    assert v1.headers["x-amzn-errortype"] == "BadRequestException"


def test_options_on_v1_resources_answers_cors(endpoint: str) -> None:
    for path in (
        "/v1/sms-voice/configuration-sets",
        "/v1/sms-voice/configuration-sets/any/event-destinations",
        "/v1/sms-voice/configuration-sets/any/event-destinations/dest",
        "/v1/sms-voice/voice/message",
    ):
        response = httpx.options(
            endpoint + path,
            headers={"origin": "http://localhost:3000", "access-control-request-method": "PUT"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert "PUT" in response.headers["access-control-allow-methods"]
        assert "x-amz-target" in response.headers["access-control-allow-headers"]
    assert httpx.options(endpoint + "/v1/sms-voice/elsewhere", timeout=10).status_code == 404


def test_every_response_has_a_request_id(endpoint: str) -> None:
    ok = httpx.get(endpoint + "/v1/sms-voice/configuration-sets", timeout=10)
    assert ok.status_code == 200
    assert len(ok.headers["x-amzn-requestid"]) == 36
    assert ok.headers["access-control-allow-origin"] == "*"
