"""A process under load: its name in the results, the process (for its CPU) and its port."""

from __future__ import annotations

from dataclasses import dataclass

from harness.children import Child


@dataclass
class Target:
    name: str
    process: Child
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid
