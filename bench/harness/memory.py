"""Memory of a process under test: its resident set, from /proc (Linux)."""

from __future__ import annotations


def resident_mb(pid: int) -> float | None:
    """The process's resident set size in MB (None when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
