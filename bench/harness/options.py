"""Command-line pieces the benchmark scripts share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_connections(text: str) -> list[int]:
    values = [int(part) for part in text.replace(" ", "").split(",") if part]
    if not values or any(v < 1 or v > 1024 for v in values):
        raise argparse.ArgumentTypeError("connections must be a comma-separated list of 1..1024")
    return values


def default_server_cmd() -> str:
    # Next to the interpreter, without resolving the venv's symlink.
    return str(Path(sys.executable).parent / "smsvoice")
