"""The v2 handler registry; each resource module adds its handlers to it."""

from smsvoice.services.api import OperationRegistry

operations = OperationRegistry()
