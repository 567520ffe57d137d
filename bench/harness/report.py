"""The results of a run: one ``CellResult`` per target, operation and connection count."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CellResult:
    target: str
    operation: str
    connections: int
    generator: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    server_cpu_pct: float | None
    generator_cpu_pct: float
    statuses: dict[str, int] = field(default_factory=dict)
    error_sample: str | None = None
    ratio: float | None = None

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


@dataclass
class Report:
    generator: str
    duration_s: float
    warmup_s: float
    connections: list[int]
    cells: list[CellResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    startup_s: list[float] = field(default_factory=list)
    restart_populated_s: float | None = None
    idle_rss_mb: float | None = None  # resident memory of the server, idle, a second after healthy
    server_cmd: str = ""
    load_average_before: float | None = None

    def fill_ratios(self) -> None:
        """Each cell's requests/s as a fraction of the ceiling's at the same connection count."""
        ceiling = {c.connections: c.rps for c in self.cells if c.target == "ceiling"}
        for cell in self.cells:
            base = ceiling.get(cell.connections)
            cell.ratio = cell.rps / base if base else None

    def write_json(self, path: Path) -> None:
        payload: dict[str, Any] = asdict(self)
        for cell_dict, cell in zip(payload["cells"], self.cells, strict=True):
            cell_dict["errors"] = cell.errors
        path.write_text(json.dumps(payload, indent=2) + "\n")


def format_percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"
