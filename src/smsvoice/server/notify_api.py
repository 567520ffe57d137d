"""The tier upgrade of a Notify configuration, in the inspection API (ours, not AWS's).

    PUT /_smsvoice/accounts/{account}/regions/{region}/notify-configurations/{id}/tier-upgrade
        {"tier_upgrade_status": "PENDING_UPGRADE" | "ADVANCED" | "REJECTED" | "BASIC"}

answers the configuration (NotifyConfigurationInformation members). ADVANCED moves the Tier to
ADVANCED; the other statuses leave it on BASIC. AWS upgrades a configuration after its own "tier
upgrade verification" (user guide, notify-tiers.html), which no API operation starts; this is the
emulator's stand-in.
"""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.server.accounts_api import scope_problem
from smsvoice.server.problems import problem
from smsvoice.services.v2.notify_configurations import TIER_OF_UPGRADE_STATUS, set_tier_upgrade_status
from smsvoice.store import Document, Transaction


def notify_routes() -> list[Route]:
    path = "/accounts/{account}/regions/{region}/notify-configurations/{configuration_id}/tier-upgrade"
    return [Route(path, tier_upgrade, methods=["PUT"])]


async def tier_upgrade(request: Request) -> JSONResponse:
    account = request.path_params["account"]
    region = request.path_params["region"]
    refused = scope_problem(account, region)
    if refused is not None:
        return refused
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return problem(400, 'the body must be JSON such as {"tier_upgrade_status": "ADVANCED"}')
    status = body.get("tier_upgrade_status") if isinstance(body, dict) else None
    if status not in TIER_OF_UPGRADE_STATUS:
        return problem(400, f"tier_upgrade_status must be one of {', '.join(TIER_OF_UPGRADE_STATUS)}")
    config_id = request.path_params["configuration_id"]

    def change(tx: Transaction) -> Document | None:
        return set_tier_upgrade_status(tx.documents(account, region), config_id, status)

    found = await request.app.state.store.run(change)
    if found is None:
        return problem(404, f"no notify configuration {config_id} in account {account}, Region {region}")
    return JSONResponse(found)
