"""Loading botocore's service models, the machine-readable spec of both APIs."""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.model import ServiceModel


@cache
def load_service_model(service_name: str) -> ServiceModel:
    """The model that ships with the installed botocore (cached: loading parses a large JSON file)."""
    session = botocore.session.get_session()
    model: ServiceModel = session.get_service_model(service_name)
    return model


def botocore_version() -> str:
    return str(botocore.__version__)
