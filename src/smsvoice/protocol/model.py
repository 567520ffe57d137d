"""Loading botocore's service models, the machine-readable spec of both APIs."""

from __future__ import annotations

import contextlib
import os
from functools import cache
from typing import Any

import botocore
import orjson
from botocore.exceptions import DataNotFoundError
from botocore.loaders import ExtrasProcessor, JSONFileLoader, Loader
from botocore.model import ServiceModel


class _FastJSONFileLoader(JSONFileLoader):  # type: ignore[misc]  # botocore is untyped
    """botocore's model file loader with orjson: the v2 model parsed in a fifth of the time of
    `json` with OrderedDict pairs (both keep the file's order)."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as file:
            return orjson.loads(file.read())


@cache
def _loader() -> Loader:
    # The search path of a botocore session (AWS_DATA_PATH, ~/.aws/models, botocore's data), without
    # building a session: its client machinery is not needed to read a model.
    extra = os.environ.get("AWS_DATA_PATH")
    paths = (
        [os.path.expanduser(os.path.expandvars(path)) for path in extra.split(os.pathsep)] if extra else None
    )
    return Loader(extra_search_paths=paths, file_loader=_FastJSONFileLoader())


@cache
def load_service_model(service_name: str) -> ServiceModel:
    """The model that ships with the installed botocore (cached: loading parses a large JSON file).

    What `Loader.load_service_model` does (newest API version, then the SDK extras merged in), but
    without first listing every service botocore knows: that is ~900 file system calls."""
    loader = _loader()
    version = loader.determine_latest_version(service_name, "service-2")
    data = loader.load_data(f"{service_name}/{version}/service-2")
    extras = []
    for kind in loader.extras_types:
        with contextlib.suppress(DataNotFoundError):
            extras.append(loader.load_data(f"{service_name}/{version}/service-2.{kind}-extras"))
    ExtrasProcessor().process(data, extras)
    return ServiceModel(data, service_name=service_name)


def botocore_version() -> str:
    return str(botocore.__version__)
