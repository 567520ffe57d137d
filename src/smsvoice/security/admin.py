"""Who may use /_smsvoice/ (the inspection API, the simulator's controls, the web inbox).

With an admin token, every route but `GET /_smsvoice/health` and the web inbox's pages (which hold no
data) needs `Authorization: Bearer TOKEN`; a
GET may carry it as the query parameter `token` instead, for what cannot set headers (a browser's
EventSource). Without a token the routes are open under `--auth off` (a laptop), and closed under
`--auth sigv4` (a shared server must not leave its admin surface open by omission).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import parse_qs

from smsvoice.config import Settings

HEALTH_PATH = "/_smsvoice/health"
# The web inbox's pages and their scripts hold no data (they read it through the API, with the token
# the page asks for), so a browser can load them to ask for the token.
UI_PATH = "/_smsvoice/ui"
TOKEN_PARAMETER = "token"


@dataclass(frozen=True, slots=True)
class AdminRefusal:
    status: int
    message: str


class AdminGuard:
    def __init__(self, settings: Settings) -> None:
        self._token = settings.admin_token.encode()
        self._closed = not self._token and settings.auth == "sigv4"

    def check(
        self, method: str, path: str, query_string: bytes, authorization: bytes | None
    ) -> AdminRefusal | None:
        """None when the request may go on, else why not."""
        if method == "GET" and path == HEALTH_PATH:
            return None
        if self._closed:
            return AdminRefusal(
                403, "the /_smsvoice/ API is disabled: the server runs --auth sigv4 without --admin-token"
            )
        if not self._token:
            return None
        if method in ("GET", "HEAD") and (path == UI_PATH or path.startswith(UI_PATH + "/")):
            return None
        offered = _bearer(authorization)  # the header's raw bytes
        if offered is None and method == "GET":
            values = parse_qs(query_string.decode("latin-1")).get(TOKEN_PARAMETER)
            offered = values[0].encode() if values else None
        if offered is None:
            return AdminRefusal(401, "this route needs the admin token: Authorization: Bearer <token>")
        if not hmac.compare_digest(offered, self._token):
            return AdminRefusal(403, "the admin token is not right")
        return None


def _bearer(authorization: bytes | None) -> bytes | None:
    if authorization is None:
        return None
    scheme, _, credentials = authorization.strip().partition(b" ")
    if scheme.lower() != b"bearer" or not credentials.strip():
        return None
    return credentials.strip()
