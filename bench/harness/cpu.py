"""CPU seconds used by the server under test and by the load generators (Linux /proc)."""

from __future__ import annotations

import os
import resource


def tree_cpu_seconds(root_pid: int) -> float:
    """User+system CPU seconds of ``root_pid`` and its live descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid, seconds in cpu.items():
        walk = pid
        for _ in range(64):  # depth bound: a pid reused mid-scan cannot make this loop forever
            if walk == root_pid:
                total += seconds
                break
            if walk <= 1:
                break
            walk = parents.get(walk, 0)
    return total


def children_cpu_seconds() -> float:
    """CPU seconds of this process's waited-for children: the load generators' cost."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_ticks() -> tuple[int, int]:
    """(steal, all) ticks of the machine's CPUs so far, from /proc/stat's `cpu` line: steal is time a
    virtual CPU was ready to run while the hypervisor ran something else."""
    with open("/proc/stat", "rb") as fh:
        fields = [int(value) for value in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user, nice]
    return fields[7] if len(fields) > 7 else 0, sum(fields[:8])


def steal_percent(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """The share of all CPU time between two `machine_ticks` that the hypervisor took (steal)."""
    total = after[1] - before[1]
    return None if total <= 0 else 100.0 * (after[0] - before[0]) / total
