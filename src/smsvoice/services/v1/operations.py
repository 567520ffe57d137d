"""The v1 handler registry; each resource module of this package adds its handlers to it."""

from smsvoice.services.api import OperationRegistry

# build_v1_api collects it: every module of the package is imported, none can be left out.
operations = OperationRegistry("smsvoice.services.v1")
