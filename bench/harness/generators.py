"""Choosing the load generator: wrk when it can be had, else the asyncio fallback."""

from __future__ import annotations

from pathlib import Path

from harness.load import Generator, PythonGenerator
from harness.wrk import WrkGenerator, ensure_wrk


def pick_generator(choice: str, *, allow_install: bool, workdir: Path, wrk_threads: int | None) -> Generator:
    """``choice`` is ``wrk``, ``python`` or ``auto``; asking for wrk when it cannot be had exits."""
    wrk = None if choice == "python" else ensure_wrk(allow_install)
    if wrk is not None:
        return WrkGenerator(wrk, workdir, wrk_threads)
    if choice == "wrk":
        raise SystemExit("wrk is not available and could not be installed")
    return PythonGenerator(workdir)
