"""Keywords of phone numbers and pools: PutKeyword, DescribeKeywords, DeleteKeyword.

Every phone number and pool answers the mandatory HELP and STOP keywords. "Keywords 'HELP' and
'STOP' can't be deleted or modified" (DeleteKeyword, API reference): smsvoice lets PutKeyword change
their message (Terraform manages exactly that) but not their action, which gives ConflictException
KEYWORD_MISMATCH, and DeleteKeyword on them gives ConflictException RESOURCE_DELETION_NOT_ALLOWED.
Keywords are case-insensitive and shown upper-case, as AWS answers them.
"""

from __future__ import annotations

from typing import Any

from smsvoice.quotas import V2_KEYWORDS_PER_PHONE_NUMBER, V2_KEYWORDS_PER_POOL
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER_TYPE,
    POOL_TYPE,
    FilterSpec,
    IdentityRef,
    matches_filters,
    resolve_identity,
)
from smsvoice.services.v2.operations import operations
from smsvoice.store import Document

KEYWORD = "v2/keyword"  # key "<PhoneNumberId or PoolId>/<KEYWORD>", parent = the owner's id
RESOURCE_TYPE = "keyword"

# The replies are smsvoice's own wording; AWS's default texts are not published.
BUILT_IN: dict[str, Document] = {
    "HELP": {
        "Keyword": "HELP",
        "KeywordMessage": "This number sends automated messages. Reply STOP to opt out.",
        "KeywordAction": "AUTOMATIC_RESPONSE",
    },
    "STOP": {
        "Keyword": "STOP",
        "KeywordMessage": "You are opted out and will get no more messages from this number.",
        "KeywordAction": "OPT_OUT",
    },
}


def _owner(context: OperationContext, value: str) -> IdentityRef:
    return resolve_identity(context, value, (PHONE_NUMBER_TYPE, POOL_TYPE))


def keyword_key(owner_key: str, keyword: str) -> str:
    """The document key of an upper-case keyword of a phone number or pool."""
    return f"{owner_key}/{keyword}"


def keywords_of(context: OperationContext, owner_key: str) -> dict[str, Document]:
    """Every keyword of a phone number or pool by upper-case keyword, built-ins included."""
    result = {word: dict(doc) for word, doc in BUILT_IN.items()}
    for _, doc in context.documents.iterate(KEYWORD, parent=owner_key):
        result[doc["Keyword"]] = doc
    return result


def find_keyword(context: OperationContext, owner_key: str, text: str) -> Document | None:
    """The keyword an inbound message starting with `text` would trigger (for two-way simulation)."""
    first = text.strip().split(maxsplit=1)[0].upper() if text.strip() else ""
    return keywords_of(context, owner_key).get(first)


def drop_keywords(context: OperationContext, owner_key: str) -> None:
    for key, _ in context.documents.page(KEYWORD, parent=owner_key):
        context.documents.remove(KEYWORD, key)


def copy_keywords(context: OperationContext, from_key: str, to_key: str) -> None:
    """A new pool "inherits its configuration from the specified origination identity. This includes
    keywords" (CreatePool, API reference)."""
    for _, doc in context.documents.iterate(KEYWORD, parent=from_key):
        context.documents.add(KEYWORD, keyword_key(to_key, doc["Keyword"]), dict(doc), parent=to_key)


def _output(owner: IdentityRef, keyword: Document) -> dict[str, Any]:
    return {"OriginationIdentityArn": owner.arn, "OriginationIdentity": owner.short_id, **keyword}


@operations.handler("PutKeyword")
def put_keyword(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(context, params["OriginationIdentity"])
    word = params["Keyword"].upper()
    action = params.get("KeywordAction")
    key = keyword_key(owner.key, word)
    stored = context.documents.get(KEYWORD, key)
    built_in = BUILT_IN.get(word)
    if built_in is not None and action is not None and action != built_in["KeywordAction"]:
        raise ConflictException(
            f"The action of the mandatory keyword {word} is {built_in['KeywordAction']} and can't be changed",
            "KEYWORD_MISMATCH",
            RESOURCE_TYPE,
            word,
        )
    if stored is None and built_in is None:
        _check_quota(context, owner)
    current = stored or built_in or {}
    doc = {
        "Keyword": word,
        "KeywordMessage": params["KeywordMessage"],
        "KeywordAction": action or current.get("KeywordAction") or "AUTOMATIC_RESPONSE",
    }
    if stored is None:
        context.documents.add(KEYWORD, key, doc, parent=owner.key)
    else:
        context.documents.replace(KEYWORD, key, doc, parent=owner.key)
    return _output(owner, doc)


def _check_quota(context: OperationContext, owner: IdentityRef) -> None:
    custom = [word for word in keywords_of(context, owner.key) if word not in BUILT_IN]
    if owner.resource_type == POOL_TYPE:
        limit, reason = V2_KEYWORDS_PER_POOL, "KEYWORDS_PER_POOL"
    else:
        limit, reason = V2_KEYWORDS_PER_PHONE_NUMBER, "KEYWORDS_PER_PHONE_NUMBER"
    if len(custom) >= limit:
        raise ServiceQuotaExceededException(
            f"A {owner.resource_type} can have at most {limit} keywords besides HELP and STOP", reason
        )


_FILTERS: FilterSpec = {"keyword-action": ("KeywordAction", "str")}


@operations.handler("DescribeKeywords")
def describe_keywords(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(context, params["OriginationIdentity"])
    every = keywords_of(context, owner.key)
    wanted = params.get("Keywords")
    if wanted:
        docs = []
        for value in dict.fromkeys(word.upper() for word in wanted):
            if value not in every:
                raise ResourceNotFoundException(
                    f"Keyword {value} does not exist on {owner.short_id}", RESOURCE_TYPE, value
                )
            docs.append(every[value])
    else:
        docs = list(every.values())
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["Keyword"]), params)
    result: dict[str, Any] = {
        "OriginationIdentityArn": owner.arn,
        "OriginationIdentity": owner.short_id,
        "Keywords": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteKeyword")
def delete_keyword(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(context, params["OriginationIdentity"])
    word = params["Keyword"].upper()
    if word in BUILT_IN:
        raise ConflictException(
            f"The mandatory keyword {word} can't be deleted",
            "RESOURCE_DELETION_NOT_ALLOWED",
            RESOURCE_TYPE,
            word,
        )
    key = keyword_key(owner.key, word)
    stored = context.documents.get(KEYWORD, key)
    if stored is None:
        raise ResourceNotFoundException(
            f"Keyword {word} does not exist on {owner.short_id}", RESOURCE_TYPE, word
        )
    context.documents.remove(KEYWORD, key)
    return _output(owner, stored)
