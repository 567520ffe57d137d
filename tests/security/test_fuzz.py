"""Malformed signatures of every kind get one of AWS's four refusals: never a 500, never served."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import SecureServer
from tests.security.signing import now

REFUSALS = {
    "MissingAuthenticationTokenException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
}
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
PIECES = st.sampled_from(
    [
        "AKIAABCDEFGHIJKLMNOP",
        "20260101",
        "us-east-1",
        "sms-voice",
        "aws4_request",
        "host",
        "x-amz-date",
        "",
        "/",
        ";",
        "=",
        ",",
        " ",
        "0" * 64,
    ]
)
FRAGMENT = st.one_of(PRINTABLE, st.lists(PIECES, max_size=8).map("".join))
PARAMETER = st.tuples(st.sampled_from(["Credential", "SignedHeaders", "Signature", "Other", ""]), FRAGMENT)
STRUCTURED = st.tuples(
    st.sampled_from(["AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "aws4-hmac-sha256", "AWS", "Bearer", ""]),
    st.lists(PARAMETER, max_size=5),
    st.sampled_from([", ", ",", " "]),
).map(lambda parts: parts[0] + " " + parts[2].join(f"{name}={value}" for name, value in parts[1]))
AUTHORIZATION = st.one_of(PRINTABLE, STRUCTURED)
AMZ_DATE = st.one_of(st.just(now().strftime("%Y%m%dT%H%M%SZ")), st.just("20260101T000000Z"), PRINTABLE)


HTTP_DATE = st.one_of(
    st.just("Tue, 01 Dec 2026 10:00:00 GMT"),
    st.just("Mon, 01 Jan 0001 00:00:00 GMT"),
    st.just("Fri, 31 Dec 9999 23:59:59 -2359"),
    PRINTABLE,
)


@FUZZ
@given(
    authorization=AUTHORIZATION,
    amz_date=st.one_of(st.none(), AMZ_DATE),
    date=st.one_of(st.none(), HTTP_DATE),
    token=st.one_of(st.none(), PRINTABLE),
)
def test_malformed_authorization_headers_are_refused_on_v2(
    secure: SecureServer, authorization: str, amz_date: str | None, date: str | None, token: str | None
) -> None:
    headers = {
        "X-Amz-Target": "PinpointSMSVoiceV2.DescribeConfigurationSets",
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": authorization,
    }
    if amz_date is not None:
        headers["X-Amz-Date"] = amz_date
    if date is not None:
        headers["Date"] = date
    if token is not None:
        headers["X-Amz-Security-Token"] = token
    # HTTP itself has no header values with whitespace at either end.
    headers = {name: value.strip() for name, value in headers.items()}
    answer = httpx.post(f"{secure.endpoint}/", headers=headers, content=b"{}", timeout=10)
    assert answer.status_code == 400, answer.text
    assert answer.json()["__type"] in REFUSALS


QUERY_NAMES = st.sampled_from(
    [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "PageSize",
    ]
)


@FUZZ
@given(
    parameters=st.lists(
        st.tuples(
            QUERY_NAMES, st.one_of(FRAGMENT, st.text(st.characters(exclude_categories=["Cs"]), max_size=12))
        ),
        min_size=1,
        max_size=8,
    )
)
def test_malformed_presigned_queries_are_refused_on_v1(
    secure: SecureServer, parameters: list[tuple[str, str]]
) -> None:
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters)
    answer = httpx.get(f"{secure.endpoint}/v1/sms-voice/configuration-sets?{query}", timeout=10)
    assert answer.status_code in (400, 403), answer.text
    assert answer.headers.get("x-amzn-errortype") in REFUSALS | {"BadRequestException"}
