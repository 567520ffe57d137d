"""RCS agents: CreateRcsAgent, DescribeRcsAgents, UpdateRcsAgent, DeleteRcsAgent and
DescribeRcsAgentCountryLaunchStatus.

An RCS agent is the origination identity of the RCS channel. Its id is `rcs-` + 32 hex digits and its
ARN `rcs-agent/<RcsAgentId>` (aws-facts.md, ARN formats). At AWS an agent goes through carrier
registration (CREATED -> PENDING -> TESTING -> ACTIVE/PARTIAL); the emulator has no carriers to ask, so
an agent is ACTIVE from creation and launched at once in every country of RCS_LAUNCH_COUNTRIES.
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.arns import new_resource_id
from smsvoice.quotas import V2_RCS_AGENTS_PER_ACCOUNT
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, arn_for, filter_values, paginate, resolve_id
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
)
from smsvoice.services.v2.identities import FilterSpec, check_owner, matches_filters, pools_of
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST, get_opt_out_list
from smsvoice.services.v2.phone_numbers import check_two_way
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document

RCS_AGENT = "v2/rcs-agent"
RCS_AGENT_TYPE = "rcs-agent"
# Countries where every agent counts as launched: smsvoice's choice (AWS launches an agent per country
# after carrier approval; the US is where End User Messaging RCS started).
RCS_LAUNCH_COUNTRIES: Final = ("US",)
# The one carrier the emulator reports per launched country (CarrierStatus needs at least a name).
SIMULATED_CARRIER: Final = "smsvoice-simulated-carrier"
# UpdateRcsAgent's documented value that removes the inbound media configuration.
UNSET_MEDIA: Final = "UNSET_RCS_MEDIA_CONFIGURATION"
_MEDIA_MEMBERS: Final = ("TwoWayMediaS3BucketName", "TwoWayMediaS3KeyPrefix", "TwoWayMediaS3Role")
# Private members (kept in the document, never in an output): the per-country launch records.
_LAUNCH = "_CountryLaunchStatus"


def get_rcs_agent(context: OperationContext, value: str) -> Document:
    """The caller's agent named by an RcsAgentId or RcsAgentArn; ResourceNotFoundException otherwise."""
    agent_id = resolve_id(context, value, RCS_AGENT_TYPE)
    found = context.documents.get(RCS_AGENT, agent_id)
    if found is None:
        raise ResourceNotFoundException(
            f"The rcs-agent {value} does not exist in this account and Region", RCS_AGENT_TYPE, value
        )
    return found


def launched_countries(agent: Document) -> frozenset[str]:
    """The countries where the agent is launched (ACTIVE): the destinations that can take its RCS."""
    return frozenset(
        record["IsoCountryCode"] for record in agent.get(_LAUNCH) or [] if record["Status"] == "ACTIVE"
    )


def _opt_out_list_name(context: OperationContext, value: str) -> str:
    return str(get_opt_out_list(context, value)["OptOutListName"])


def _launch_records(agent_id: str) -> list[dict[str, Any]]:
    return [
        {
            "IsoCountryCode": country,
            "Status": "ACTIVE",
            "RegistrationId": f"registration-{agent_id[4:]}",
            "CarrierStatus": [{"CarrierName": SIMULATED_CARRIER, "Status": "ACTIVE"}],
        }
        for country in RCS_LAUNCH_COUNTRIES
    ]


@operations.handler("CreateRcsAgent")
def create_rcs_agent(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    agent_id = new_resource_id("rcs")
    doc: Document = {
        "RcsAgentArn": arn_for(context, RCS_AGENT_TYPE, agent_id),
        "RcsAgentId": agent_id,
        "Status": "ACTIVE",
        "CreatedTimestamp": context.now(),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
        # Like a new phone number, an agent uses the account's "Default" list unless told otherwise.
        "OptOutListName": _opt_out_list_name(context, params.get("OptOutListName") or DEFAULT_LIST),
        "SelfManagedOptOutsEnabled": False,
        "TwoWayEnabled": False,
        _LAUNCH: _launch_records(agent_id),
    }
    add_under_quota(
        context,
        RCS_AGENT,
        agent_id,
        doc,
        limit=V2_RCS_AGENTS_PER_ACCOUNT,
        reason="RCS_AGENTS_PER_ACCOUNT",
        what="RCS agents",
    )
    set_tags(context, doc["RcsAgentArn"], params.get("Tags"))
    return {**doc, "Tags": get_tags(context, doc["RcsAgentArn"])}


_FILTERS: FilterSpec = {
    "status": ("Status", "str"),
    "two-way-enabled": ("TwoWayEnabled", "bool"),
    "self-managed-opt-outs-enabled": ("SelfManagedOptOutsEnabled", "bool"),
    "opt-out-list-name": ("OptOutListName", "str"),
    "deletion-protection-enabled": ("DeletionProtectionEnabled", "bool"),
    "two-way-channel-arn": ("TwoWayChannelArn", "str"),
}


@operations.handler("DescribeRcsAgents")
def describe_rcs_agents(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    if not check_owner(params, "RcsAgentIds"):
        return {"RcsAgents": []}
    wanted = params.get("RcsAgentIds")
    if wanted:
        found = {doc["RcsAgentId"]: doc for doc in (get_rcs_agent(context, value) for value in wanted)}
        docs = list(found.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(RCS_AGENT)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["RcsAgentId"]), params)
    result: dict[str, Any] = {"RcsAgents": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


_PLAIN_UPDATES: Final = (
    "DeletionProtectionEnabled",
    "SelfManagedOptOutsEnabled",
    "TwoWayChannelArn",
    "TwoWayChannelRole",
    "TwoWayEnabled",
    "TwoWayRcsEventsEnabled",
)


@operations.handler("UpdateRcsAgent")
def update_rcs_agent(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = dict(get_rcs_agent(context, params["RcsAgentId"]))
    for member in _PLAIN_UPDATES:
        if params.get(member) is not None:
            doc[member] = params[member]
    if params.get("OptOutListName"):
        doc["OptOutListName"] = _opt_out_list_name(context, params["OptOutListName"])
    if UNSET_MEDIA in (params.get("TwoWayMediaS3BucketName"), params.get("TwoWayMediaS3Role")):
        for member in _MEDIA_MEMBERS:
            doc.pop(member, None)
    else:
        for member in _MEDIA_MEMBERS:
            if params.get(member) is not None:
                doc[member] = params[member]
    check_two_way(doc)
    context.documents.replace(RCS_AGENT, doc["RcsAgentId"], doc)
    return doc


@operations.handler("DeleteRcsAgent")
def delete_rcs_agent(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = get_rcs_agent(context, params["RcsAgentId"])
    agent_id = doc["RcsAgentId"]
    if doc.get("DeletionProtectionEnabled"):
        raise ConflictException(
            f"RCS agent {agent_id} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            RCS_AGENT_TYPE,
            agent_id,
        )
    # Pools hold agents in the model (RcsAgentInformation.PoolId); smsvoice's pools do not accept them
    # yet, so this only fires once they do.
    pools = pools_of(context, doc["RcsAgentArn"])
    if pools or doc.get("PoolId"):
        raise ConflictException(
            f"RCS agent {agent_id} is associated with pool {doc.get('PoolId') or pools[0]}",
            "RCS_AGENT_ASSOCIATED_TO_POOL",
            RCS_AGENT_TYPE,
            agent_id,
        )
    context.documents.remove(RCS_AGENT, agent_id)
    drop_tags(context, doc["RcsAgentArn"])
    return {**doc, "Status": "DELETED"}


@operations.handler("DescribeRcsAgentCountryLaunchStatus")
def describe_rcs_agent_country_launch_status(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    doc = get_rcs_agent(context, params["RcsAgentId"])
    records: list[dict[str, Any]] = list(doc.get(_LAUNCH) or [])
    countries = params.get("IsoCountryCodes")
    if countries:
        records = [record for record in records if record["IsoCountryCode"] in countries]
    for name, values in filter_values(params):
        if name == "country-launch-status":
            records = [record for record in records if record["Status"] in values]
    page = paginate(context, records, lambda record: str(record["IsoCountryCode"]), params)
    result: dict[str, Any] = {
        "RcsAgentId": doc["RcsAgentId"],
        "RcsAgentArn": doc["RcsAgentArn"],
        "CountryLaunchStatus": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


register_taggable(RCS_AGENT_TYPE, lambda context, key: context.documents.get(RCS_AGENT, key) is not None)
