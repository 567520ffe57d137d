"""Forgetting an account's state (the inspection API's reset), table by table."""

from __future__ import annotations

from smsvoice.store.sql import Statement, Target

# Rows found through their message: deleted before the messages themselves.
_OF_MESSAGES = ("scheduled_transitions", "message_events")
# Rows that name their account.
_OF_ACCOUNT = (
    "messages",
    "inbound_messages",
    "spend_totals",
    "resources",
    "resource_counts",
    "idempotency",
    "eventbridge_events",
    "registration_jobs",
)

# The deletes by table, run in this order (the counts come back in it too).
_EVERY_ACCOUNT: dict[str, Statement] = {
    **{
        table: Statement(f"DELETE FROM {table} WHERE message_id IN (SELECT id FROM messages)")
        for table in _OF_MESSAGES
    },
    **{table: Statement(f"DELETE FROM {table}") for table in _OF_ACCOUNT},
    "request_rates": Statement("DELETE FROM request_rates"),
}
_ONE_ACCOUNT: dict[str, Statement] = {
    **{
        table: Statement(
            f"DELETE FROM {table} WHERE message_id IN (SELECT id FROM messages WHERE account = :account)"
        )
        for table in _OF_MESSAGES
    },
    **{table: Statement(f"DELETE FROM {table} WHERE account = :account") for table in _OF_ACCOUNT},
    # bucket keys are "<api>/<operation>/<account>/<region>" (a "%" or "_" in the account is not escaped)
    "request_rates": Statement("DELETE FROM request_rates WHERE key LIKE :bucket_keys"),
}


def forget_state(tx: Target, account: str | None) -> dict[str, int]:
    """Rows deleted, by table."""
    if account is None:
        return {table: statement.rowcount(tx, {}) for table, statement in _EVERY_ACCOUNT.items()}
    params = {"account": account, "bucket_keys": f"%/{account}/%"}
    return {table: statement.rowcount(tx, params) for table, statement in _ONE_ACCOUNT.items()}
