"""Seeded origination identities in the inspection API.

`POST /_smsvoice/identities` applies a seed document (the `--seed-file` format, docs/v2-identities.md)
and answers what it created and what already existed. `GET /_smsvoice/identities` lists the phone
numbers, sender IDs, pools and opt-out lists of every account and Region, narrowed by the `account`
and `region` query parameters.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.seeding import SeedError, apply_seed, parse_seed
from smsvoice.server.problems import problem as _problem
from smsvoice.services.v2.identities import PHONE_NUMBER, POOL, SENDER_ID, item
from smsvoice.services.v2.opt_outs import OPT_OUT_LIST
from smsvoice.store import Transaction

# Listing section -> (document kind, the model's item shape).
_SECTIONS = {
    "PhoneNumbers": (PHONE_NUMBER, "PhoneNumberInformation"),
    "SenderIds": (SENDER_ID, "SenderIdInformation"),
    "Pools": (POOL, "PoolInformation"),
    "OptOutLists": (OPT_OUT_LIST, "OptOutListInformation"),
}


def identity_routes() -> list[Route]:
    return [Route("/identities", identities, methods=["GET", "POST"])]


async def identities(request: Request) -> JSONResponse:
    if request.method == "POST":
        return await _seed(request)
    return await _list(request)


async def _seed(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        blocks = parse_seed(orjson.loads(await request.body()))
    except orjson.JSONDecodeError as problem:
        return _problem(400, f"the body must be a JSON seed document: {problem}")
    except SeedError as problem:
        return _problem(400, str(problem))
    try:
        reports = await state.store.run(lambda tx: apply_seed(tx, blocks, state.settings, state.clock))
    except SeedError as problem:
        return _problem(400, str(problem))
    return JSONResponse({"Results": [report.as_json() for report in reports]})


async def _list(request: Request) -> JSONResponse:
    account = request.query_params.get("account")
    region = request.query_params.get("region")

    def read(tx: Transaction) -> dict[str, list[dict[str, Any]]]:
        return {
            section: [
                {"Account": found.account, "Region": found.region, **item(found.doc, shape)}
                for found in tx.resources.of_kind(kind, account=account, region=region)
            ]
            for section, (kind, shape) in _SECTIONS.items()
        }

    return JSONResponse(await request.app.state.store.run(read))
