"""The pytest plugin is tested as its users run it: small test files in a pytest subprocess."""

from __future__ import annotations

pytest_plugins = ["pytester"]
