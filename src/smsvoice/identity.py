"""Who is calling: account and region.

With `--auth off` (the default) nothing is verified: the account and region come from the SigV4
credential scope, a 12-digit access key id is taken as the account id (so a test owns an account just
by using a fresh 12-digit key) and any other key maps to the default account. With `--auth sigv4` the
signature is verified (security/sigv4.py) and the account is the one the credentials file gives the key.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from smsvoice.protocol.messages import WireRequest
from smsvoice.security.credentials import Keyring
from smsvoice.security.refusals import AuthRefusal, refusal_status

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


def verify_signature(wire: WireRequest, keyring: Keyring, protocol: str) -> Caller:
    """The caller of a request whose SigV4 signature checks out (else the AuthRefusal AWS answers).

    The skew is measured on the wall clock, not the simulator's clock that tests move forward."""
    # Only `--auth sigv4` verifies: botocore's signer and credentials (security/sigv4.py) stay out of
    # the default start.
    from smsvoice.security.sigv4 import verify

    try:
        signer = verify(
            wire.method,
            wire.raw_path,
            wire.query_string,
            wire.headers,
            wire.body,
            keyring=keyring,
            now=time.time(),
            protocol=protocol,
        )
    except AuthRefusal as refusal:
        refusal.status_override = refusal_status(protocol)
        raise
    return Caller(signer.access_key_id, signer.account, signer.region)
