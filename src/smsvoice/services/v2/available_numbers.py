"""ListAvailablePhoneNumbers, and the number preferences RequestPhoneNumber shares with it.

"This operation currently supports only TEN_DLC number types in the US" and "Number preferences apply
only to TEN_DLC requests in the US" (v2 API reference). A search offers at most `SEARCH_LIMIT` numbers
(MaxResults a page, 10 at most); a number the account already holds is never offered. Pages are drawn
from a generator seeded by the search and the page, so asking again for a page gives the same numbers
unless one was taken meanwhile.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, Final

from smsvoice.domain.number_search import NumberPreference, matching_us_numbers
from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import decode_token, encode_token
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.identities import PHONE_NUMBER_BY_E164
from smsvoice.services.v2.operations import operations

SEARCH_LIMIT: Final = 50
DEFAULT_PAGE: Final = 10


def number_preference(
    params: dict[str, Any], number_type: str, iso_country_code: str
) -> NumberPreference | None:
    """The request's NumberPreference (at most one item, per the model); only for US TEN_DLC."""
    items = params.get("NumberPreference")
    if not items:
        return None
    if number_type != "TEN_DLC" or iso_country_code != "US":
        message = "NumberPreference applies only to TEN_DLC numbers in the US"
        raise ValidationException(message, "INVALID_PARAMETER", [FieldProblem("NumberPreference", message)])
    item = items[0]
    return NumberPreference(item["PreferenceType"][0], tuple(item["Filter"]))


def is_taken(context: OperationContext, number: str) -> bool:
    return context.documents.get(PHONE_NUMBER_BY_E164, number) is not None


@operations.handler("ListAvailablePhoneNumbers")
def list_available_phone_numbers(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    preference = number_preference(params, params["NumberType"], params["IsoCountryCode"])
    if params["IsoCountryCode"] != "US":
        message = "ListAvailablePhoneNumbers supports only TEN_DLC numbers in the US"
        raise ValidationException(message, "INVALID_PARAMETER", [FieldProblem("IsoCountryCode", message)])
    offered = int(decode_token(context.operation, params["NextToken"])) if params.get("NextToken") else 0
    size = min(int(params.get("MaxResults") or DEFAULT_PAGE), SEARCH_LIMIT - offered)
    seed = hashlib.sha256(repr((context.account, context.region, preference, offered)).encode()).digest()
    numbers = matching_us_numbers(preference, size, random.Random(seed), lambda n: is_taken(context, n))
    answer: dict[str, Any] = {"AvailablePhoneNumbers": numbers}
    offered += len(numbers)
    # An exact match is one number; otherwise more pages while the search is not exhausted.
    if (
        len(numbers) == size
        and offered < SEARCH_LIMIT
        and not (preference and preference.kind == "ExactMatch")
    ):
        answer["NextToken"] = encode_token(context.operation, str(offered))
    return answer
