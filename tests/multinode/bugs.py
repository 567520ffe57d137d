"""Known defects of smsvoice on PostgreSQL that the multi-node tests find (reported, not fixed here).

Each marker lets the test assert the right behaviour: it passes on SQLite (writers are serialized)
and is expected to fail on PostgreSQL until the defect is fixed (not strict: a race may not happen).
"""

from __future__ import annotations

import pytest

from smsvoice.testing.stores import postgres_server

_ON_POSTGRES = postgres_server() is not None

# services/v2/keywords.py put_keyword: two transactions that both read "no such keyword" both insert;
# the second insert finds the key taken (DuplicateKey), which nothing catches: InternalServerException.
PUT_KEYWORD_RACE = pytest.mark.xfail(
    _ON_POSTGRES, reason="PutKeyword racing on another node answers InternalServerException", strict=False
)

# services/v2/opt_outs.py ensure_default_list: the account's "Default" list is created on first use
# by every caller that finds it missing; concurrent first uses insert it twice, and the DuplicateKey
# of the second is uncaught: InternalServerException.
DEFAULT_LIST_RACE = pytest.mark.xfail(
    _ON_POSTGRES,
    reason="the Default opt-out list created by two nodes at once: InternalServerException",
    strict=False,
)

# server/gateway.py unit_of_work: a ClientToken first answered by a transaction that commits while
# another one with the same token runs. The second's handler meets the resource the first created
# (a named resource: ConflictException RESOURCE_ALREADY_EXISTS) before it reaches `remember`, so the
# WriteConflict rerun that would find the first answer never happens.
CLIENT_TOKEN_RACE = pytest.mark.xfail(
    _ON_POSTGRES,
    reason="a named create with one ClientToken on two nodes at once: ConflictException",
    strict=False,
)
