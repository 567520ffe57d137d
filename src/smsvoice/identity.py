"""Who is calling: account and region from the SigV4 credential scope.

A 12-digit access key id is taken as the account id, so a test can own an account just by using
a fresh 12-digit key; any other key maps to the default account. Signatures are not verified yet:
`verify_signature` is the place for it in the request path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")
_ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class Caller:
    access_key_id: str
    account: str
    region: str


def identify(
    headers: dict[str, str], query_string: str, *, default_account: str, default_region: str
) -> Caller:
    scope = _CREDENTIAL.search(headers.get("authorization", ""))
    if scope is None and "X-Amz-Credential" in query_string:
        credential = parse_qs(query_string).get("X-Amz-Credential", [""])[0]
        scope = _CREDENTIAL.search(f"Credential={credential}")
    if scope is None:
        return Caller("", default_account, default_region)
    key, _date, region, _service = scope.groups()
    account = key if _ACCOUNT_ID.fullmatch(key) else default_account
    return Caller(key, account, region)


def verify_signature(headers: dict[str, str], body: bytes, caller: Caller) -> None:
    """Placeholder for SigV4 verification (a later issue): accepts every request for now."""
    return None
