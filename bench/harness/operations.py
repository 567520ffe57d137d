"""The requests the benchmarks send: method, path, headers, body and the accounts they run in."""

from __future__ import annotations

from dataclasses import dataclass

REGION = "us-east-1"
# The server reads the account from the access key and the region from the credential scope; it does
# not verify signatures (yet), so a well-formed header with a dummy signature is enough.
AUTH_PREFIX = "AWS4-HMAC-SHA256 Credential="
AUTH_SUFFIX = f"/20260101/{REGION}/sms-voice/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
AMZ_DATE = "20260101T000000Z"
# The server enforces AWS's quotas on configuration sets per account and Region (v1: 10,000; v2: 25),
# so the load of creates moves to a fresh account every few requests (``Operation.per_account``).
V1_SETS_QUOTA = 10_000
V2_SETS_QUOTA = 25


def authorization(account: str) -> str:
    return f"{AUTH_PREFIX}{account}{AUTH_SUFFIX}"


@dataclass(frozen=True)
class Operation:
    """One kind of request.

    The body is ``body_prefix + unique token + body_suffix`` (a create), or ``static_body``, or none.
    Creates rotate through fresh accounts, ``per_account`` requests each (per generator thread), to
    stay under the server's ``quota`` of sets per account; the other operations run in ``account``,
    which ``seed`` (a create operation) fills with up to ``--seed`` sets first.
    """

    key: str
    label: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body_prefix: str | None = None
    body_suffix: str = ""
    static_body: str | None = None
    account: str = "111122223333"
    seed: Operation | None = None
    quota: int = V1_SETS_QUOTA

    @property
    def per_account(self) -> int:
        return max(1, min(2000, self.quota - self.quota // 5))

    @property
    def rotates_accounts(self) -> bool:
        return self.body_prefix is not None

    def all_headers(self, account: str | None = None) -> tuple[tuple[str, str], ...]:
        return (("Authorization", authorization(account or self.account)), *self.headers)

    def sample_body(self, token: str) -> bytes | None:
        if self.body_prefix is not None:
            return f"{self.body_prefix}{token}{self.body_suffix}".encode()
        if self.static_body is not None:
            return self.static_body.encode()
        return None


V1_JSON_HEADERS = (("Content-Type", "application/json"), ("X-Amz-Date", AMZ_DATE))
V1_GET_HEADERS = (("X-Amz-Date", AMZ_DATE),)


def v2_headers(target: str) -> tuple[tuple[str, str], ...]:
    """Headers of a v2 (JSON 1.0) call of operation ``target``."""
    return (
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", f"PinpointSMSVoiceV2.{target}"),
        ("X-Amz-Date", AMZ_DATE),
    )


CEILING_LABEL = "ceiling: bare ASGI POST + orjson"
CEILING_POST = Operation(
    key="ceiling",
    label=CEILING_LABEL,
    method="POST",
    path="/v1/sms-voice/configuration-sets",
    headers=V1_JSON_HEADERS,
    body_prefix='{"ConfigurationSetName": "',
    body_suffix='"}',
)
V1_CREATE = Operation(
    key="v1_create",
    label="v1 CreateConfigurationSet",
    method="POST",
    path="/v1/sms-voice/configuration-sets",
    headers=V1_JSON_HEADERS,
    body_prefix='{"ConfigurationSetName": "',
    body_suffix='"}',
)
V1_LIST = Operation(
    key="v1_list",
    label="v1 ListConfigurationSets",
    method="GET",
    path="/v1/sms-voice/configuration-sets?PageSize=20",
    headers=V1_GET_HEADERS,
    account="111122223333",
    seed=V1_CREATE,
)
V2_CREATE = Operation(
    key="v2_create",
    label="v2 CreateConfigurationSet",
    method="POST",
    path="/",
    headers=v2_headers("CreateConfigurationSet"),
    body_prefix='{"ConfigurationSetName":"',
    body_suffix='"}',
    quota=V2_SETS_QUOTA,
)
V2_DESCRIBE = Operation(
    key="v2_describe",
    label="v2 DescribeConfigurationSets",
    method="POST",
    path="/",
    headers=v2_headers("DescribeConfigurationSets"),
    static_body='{"MaxResults": 20}',
    account="444455556666",
    seed=V2_CREATE,
)
CONFIGURATION_SET_OPERATIONS = (V1_CREATE, V1_LIST, V2_CREATE, V2_DESCRIBE)
