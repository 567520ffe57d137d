"""Routes whose carriers return handset delivery receipts, kept as data.

On these routes a delivered text is first accepted by the carrier (TEXT_SUCCESSFUL, isFinal false)
and then reported by the handset (TEXT_DELIVERED, isFinal true). Evidence: production code that reads
real records of Canadian long codes models TEXT_SUCCESSFUL with isFinal false before TEXT_DELIVERED,
and a short code's TEXT_SUCCESSFUL with isFinal true (cds-snc/notification-api, `app/aws/mocks.py`
and `process_pinpoint_receipts_tasks.py`); the user guide's event-types page says TEXT_DELIVERED and
TEXT_SUCCESSFUL "may be used interchangeably" depending on the destination country. Which routes
return receipts is not published: the set below (US and Canadian destinations, sent from a long
code, 10DLC or toll-free number) is smsvoice's choice, meant to be extended.
"""

from __future__ import annotations

from typing import Final

# (destination ISO country, origination NumberType)
RECEIPT_ROUTES: Final = frozenset(
    {
        ("US", "LONG_CODE"),
        ("US", "TEN_DLC"),
        ("US", "TOLL_FREE"),
        ("CA", "LONG_CODE"),
        ("CA", "TOLL_FREE"),
    }
)


def returns_receipts(destination_country: str | None, origination_number_type: str | None) -> bool:
    """Whether a text from this kind of number to this country gets a handset receipt."""
    if destination_country is None or origination_number_type is None:
        return False
    return (destination_country.upper(), origination_number_type.upper()) in RECEIPT_ROUTES
