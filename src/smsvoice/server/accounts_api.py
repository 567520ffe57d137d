"""The sandbox switch of the inspection API: an account's tier in one Region.

`GET /_smsvoice/accounts/{account}/regions/{region}/tier` answers `{"account", "region", "tier"}`;
`PUT` of the same path with `{"tier": "SANDBOX"}` or `{"tier": "PRODUCTION"}` moves the account.
AWS moves accounts out of the sandbox through a support case; this is the emulator's stand-in.
"""

from __future__ import annotations

import re

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.server.problems import problem as _problem
from smsvoice.services.v2.account import TIERS, set_account_tier, tier_of
from smsvoice.store import Transaction

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def account_routes() -> list[Route]:
    return [Route("/accounts/{account}/regions/{region}/tier", account_tier, methods=["GET", "PUT"])]


def scope_problem(account: str, region: str) -> JSONResponse | None:
    """The 400 answer for a path's account or Region that is not one, else None."""
    if not _ACCOUNT.fullmatch(account):
        return _problem(400, f"account must be 12 digits, not {account!r}")
    if not _REGION.fullmatch(region):
        return _problem(400, f"region {region!r} is not a Region name such as us-east-1")
    return None


async def account_tier(request: Request) -> JSONResponse:
    account = request.path_params["account"]
    region = request.path_params["region"]
    refused = scope_problem(account, region)
    if refused is not None:
        return refused
    store = request.app.state.store
    if request.method == "PUT":
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return _problem(400, 'the body must be JSON such as {"tier": "SANDBOX"}')
        tier = body.get("tier") if isinstance(body, dict) else None
        if tier not in TIERS:
            return _problem(400, f"tier must be one of {', '.join(TIERS)}")

        def change(tx: Transaction) -> None:
            set_account_tier(tx.documents(account, region), tier)

        await store.run(change)

    def read(tx: Transaction) -> str:
        return tier_of(tx.documents(account, region))

    current = await store.run(read)
    return JSONResponse({"account": account, "region": region, "tier": current})
