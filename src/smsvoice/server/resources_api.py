"""`GET /_smsvoice/resources`: every account's resources, grouped by account and Region.

Narrowed by the `account` and `region` query parameters. Each group is
`{"account", "region", "ConfigurationSets", "V1ConfigurationSets", "PhoneNumbers", "SenderIds",
"Pools", "OptOutLists", "Registrations"}`: v2 items in the API's own list shapes (a configuration set with its
`EventDestinations`, an opt-out list with its `OptedOutNumbers`), v1 configuration sets as stored.
The web inbox's resources view reads this. A new resource family adds its section to `SECTIONS`,
and the page shows every section it is given.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smsvoice.services.v1.configuration_sets import CONFIGURATION_SET as V1_CONFIGURATION_SET
from smsvoice.services.v2.configuration_sets import CONFIGURATION_SET
from smsvoice.services.v2.identities import PHONE_NUMBER, POOL, SENDER_ID, item
from smsvoice.services.v2.opt_outs import OPT_OUT_LIST, OPTED_OUT_NUMBER
from smsvoice.services.v2.registration_records import REGISTRATION
from smsvoice.store import Transaction

# Section -> (document kind, the v2 model's list item shape; None: the stored document as it is).
SECTIONS: dict[str, tuple[str, str | None]] = {
    "ConfigurationSets": (CONFIGURATION_SET, "ConfigurationSetInformation"),
    "V1ConfigurationSets": (V1_CONFIGURATION_SET, None),
    "PhoneNumbers": (PHONE_NUMBER, "PhoneNumberInformation"),
    "SenderIds": (SENDER_ID, "SenderIdInformation"),
    "Pools": (POOL, "PoolInformation"),
    "OptOutLists": (OPT_OUT_LIST, "OptOutListInformation"),
    "Registrations": (REGISTRATION, "RegistrationInformation"),
}


def resource_routes() -> list[Route]:
    return [Route("/resources", list_resources, methods=["GET"])]


async def list_resources(request: Request) -> JSONResponse:
    account = request.query_params.get("account") or None
    region = request.query_params.get("region") or None

    def read(tx: Transaction) -> list[dict[str, Any]]:
        return resource_groups(tx, account, region)

    return JSONResponse({"resources": await request.app.state.store.run(read)})


def resource_groups(tx: Transaction, account: str | None, region: str | None) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}

    def group(where: tuple[str, str]) -> dict[str, Any]:
        if where not in groups:
            groups[where] = {"account": where[0], "region": where[1], **{name: [] for name in SECTIONS}}
        return groups[where]

    for section, (kind, shape) in SECTIONS.items():
        for found in tx.resources.of_kind(kind, account=account, region=region):
            shown = dict(found.doc) if shape is None else item(found.doc, shape)
            group((found.account, found.region))[section].append(shown)
    # Opted-out numbers are keyed "<list name>/<number>": each joins its list.
    opted_out: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for found in tx.resources.of_kind(OPTED_OUT_NUMBER, account=account, region=region):
        list_name = found.key.rsplit("/", 1)[0]
        opted_out.setdefault((found.account, found.region, list_name), []).append(dict(found.doc))
    for (list_account, list_region), shown in groups.items():
        for opt_out_list in shown["OptOutLists"]:
            key = (list_account, list_region, opt_out_list["OptOutListName"])
            opt_out_list["OptedOutNumbers"] = opted_out.get(key, [])
    return [groups[where] for where in sorted(groups)]
