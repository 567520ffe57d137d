"""Helpers for running smsvoice from tests and benchmarks: real `serve` and `worker` processes, and
the testing toolkit for applications (docs/testing.md).

For applications: the pytest plugin (`smsvoice.testing.plugin`, registered as the `pytest11` entry
point `smsvoice`) gives the `smsvoice` and `smsvoice_server` fixtures; outside pytest,
`running_server()` starts a server for a block of code and `SmsvoiceClient(url)` speaks to one that
is already running.
"""

from smsvoice.testing.client import (
    Rules,
    SmsvoiceAccount,
    SmsvoiceApiError,
    SmsvoiceClient,
    new_account,
    running_server,
)

__all__ = [
    "Rules",
    "SmsvoiceAccount",
    "SmsvoiceApiError",
    "SmsvoiceClient",
    "new_account",
    "running_server",
]
