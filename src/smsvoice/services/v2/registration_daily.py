"""Registration resources an account may create per day: REGISTRATION_VERSIONS_CREATED_PER_DAY and
REGISTRATION_ATTACHMENTS_CREATED_PER_DAY (ServiceQuotaExceededException reasons of the model).

A day is a UTC calendar day of the simulator's clock (clock.py), so a test moves to the next day with
`POST /_smsvoice/simulator/clock`. Each count is one document per account and Region holding the
current day only, taken in the creating request's own transaction: a creation refused later in it
counts nothing, and two concurrent creations cannot both take the last place (the document is
replaced only if unchanged, store/documents.py). Deleting a resource gives no place back.
"""

from __future__ import annotations

from typing import Final

from smsvoice.clock import utc_day
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ServiceQuotaExceededException

REGISTRATION_DAILY: Final = "v2/registration-daily"  # key: the quota's reason


def count_created_today(context: OperationContext, reason: str, limit: int, what: str) -> None:
    """Count one `what` created today under the quota `reason`, or refuse it once `limit` were."""
    day = utc_day(context.now())
    found = context.documents.get(REGISTRATION_DAILY, reason)
    created = int(found["Created"]) if found is not None and found.get("Day") == day else 0
    if created >= limit:
        raise ServiceQuotaExceededException(
            f"An account can create at most {limit} {what} per day in a Region; today ({day}, UTC) "
            f"it created {created}",
            reason,
        )
    context.documents.put(REGISTRATION_DAILY, reason, {"Day": day, "Created": created + 1})
