"""The previous state beside the current one: a server started from another commit's code.

``checkout(ref)`` makes a temporary ``git worktree add --detach`` of ``ref`` and removes it at the
end, Ctrl-C and SIGTERM included; ``Baseline.server_cmd`` and ``Baseline.env`` start
``smsvoice serve`` from that checkout's ``src/`` with this venv's interpreter and dependencies
(``PYTHONPATH`` comes before the venv's editable install of the current code).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.cpu import tree_cpu_seconds
from harness.measure import Bench
from harness.operations import Operation
from harness.report import CellResult
from harness.target import Target

BENCH_DIR = Path(__file__).resolve().parent.parent
GIT_TIMEOUT_SECONDS = 300.0
SERVE_CODE = "from smsvoice.cli import main; raise SystemExit(main())"


@dataclass(frozen=True)
class Baseline:
    ref: str  # as given on the command line
    commit: str  # the full commit id it names
    subject: str
    tree: Path  # the temporary worktree

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def name(self) -> str:
        """How the baseline's rows are labelled: the ref as given, with its commit when that differs."""
        return self.ref if self.commit.startswith(self.ref) else f"{self.ref} ({self.short})"

    @property
    def server_cmd(self) -> list[str]:
        return [sys.executable, "-c", SERVE_CODE]

    @property
    def env(self) -> dict[str, str]:
        paths = [str(self.tree / "src"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        return {"PYTHONPATH": os.pathsep.join(paths)}

    def check_imports(self) -> None:
        """Fail unless the baseline's interpreter imports smsvoice from the worktree."""
        done = subprocess.run(
            [sys.executable, "-c", "import smsvoice; print(smsvoice.__file__)"],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )  # from this process's directory, as the server is: a smsvoice/ there would come first
        where = done.stdout.strip()
        if done.returncode != 0 or not Path(where).resolve().is_relative_to(self.tree.resolve()):
            raise RuntimeError(f"baseline {self.ref}: smsvoice imports from {where or done.stderr[-500:]!r}")


def _git(*args: str, cwd: Path) -> str:
    # Own session: a Ctrl-C at the terminal reaches only this process, which then cleans up.
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT_SECONDS,
        check=False,
        start_new_session=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def repo_root() -> Path:
    return Path(_git("rev-parse", "--show-toplevel", cwd=BENCH_DIR))


def describe_current() -> str:
    """HEAD of the checkout the current server runs from, and whether its src/ has uncommitted changes."""
    root = repo_root()
    head = _git("rev-parse", "--short=7", "HEAD", cwd=root)
    dirty = _git("status", "--porcelain", "--", "src", cwd=root)
    return f"HEAD {head}" + (", with uncommitted changes under src/" if dirty else "")


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the worktree is removed; they are delivered afterwards."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Baseline]:
    """A temporary detached worktree of ``ref``, removed on the way out whatever happens."""
    root = repo_root()
    try:
        commit = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=root)
    except RuntimeError:
        raise RuntimeError(f"--baseline-ref {ref}: not a commit in {root}") from None
    subject = _git("log", "-1", "--format=%s", commit, cwd=root)
    holder = Path(tempfile.mkdtemp(prefix="smsvoice-baseline-"))
    tree = holder / "tree"
    added = False
    try:
        _git("worktree", "add", "--detach", str(tree), commit, cwd=root)
        added = True
        baseline = Baseline(ref=ref, commit=commit, subject=subject, tree=tree)
        baseline.check_imports()
        print(f"baseline: {baseline.name} = {commit[:12]} {subject!r}, checked out at {tree}", flush=True)
        yield baseline
    finally:
        with _signals_held():
            _remove(root, tree, holder, added or tree.exists())


def _remove(root: Path, tree: Path, holder: Path, registered: bool) -> None:
    problem = None
    if registered:
        try:
            _git("worktree", "remove", "--force", str(tree), cwd=root)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            problem = exc
    shutil.rmtree(holder, ignore_errors=True)
    if problem is not None:
        # The directory is gone now; drop git's record of it (only records of missing trees go).
        with contextlib.suppress(RuntimeError, OSError, subprocess.TimeoutExpired):
            _git("worktree", "prune", cwd=root)
        print(f"baseline worktree removal: {problem}", file=sys.stderr)


def ratio_text(current: float, baseline: float) -> str:
    return "-" if baseline <= 0 else f"{current / baseline:.2f}x"


def rows_with_baseline(
    cells: list[CellResult],
    baseline_name: str | None,
    row: Callable[[CellResult, str], str],
    blank_columns: int,
) -> list[str]:
    """One table row per cell (`row(cell, label)`); with a baseline, each server cell is followed by
    the baseline's and by their ratio (requests/s, p50, p99, then `blank_columns` dashes)."""
    if baseline_name is None:
        return [row(cell, cell.operation) for cell in cells]
    old = {(c.operation, c.connections): c for c in cells if c.target == "baseline"}
    rows = []
    blanks = " - |" * blank_columns
    for cell in cells:
        if cell.target == "baseline":
            continue
        if cell.target != "smsvoice":
            rows.append(row(cell, cell.operation))
            continue
        rows.append(row(cell, f"{cell.operation} [current]"))
        before = old.get((cell.operation, cell.connections))
        if before is not None:
            rows.append(row(before, f"{cell.operation} [baseline {baseline_name}]"))
            rps, p50, p99 = ratio_cells(cell, before)
            rows.append(
                f"| {cell.operation} [current/baseline] | {cell.connections} | {rps} | {p50} | {p99} |{blanks}"
            )
    return rows


def ratio_cells(current: CellResult, baseline: CellResult) -> tuple[str, str, str]:
    """current/baseline of requests/s, p50 and p99."""
    return (
        ratio_text(current.rps, baseline.rps),
        ratio_text(current.p50_ms, baseline.p50_ms),
        ratio_text(current.p99_ms, baseline.p99_ms),
    )


class IdleWatch:
    """The CPU a server used while the other one was under load (both run throughout a run)."""

    def __init__(self) -> None:
        self.percents: list[float] = []

    def measure(
        self, bench: Bench, target: Target, op: Operation, connections: int, idle: Target
    ) -> CellResult:
        cpu0, wall0 = tree_cpu_seconds(idle.pid), time.monotonic()
        cell = bench.measure(target, op, connections)
        wall = time.monotonic() - wall0
        if wall > 0:
            self.percents.append(100.0 * (tree_cpu_seconds(idle.pid) - cpu0) / wall)
        return cell

    def note(self, baseline: Baseline, current: str) -> str:
        idle = f"; the idle one used at most {max(self.percents):.1f}% CPU" if self.percents else ""
        return (
            f"baseline: {baseline.name} = {baseline.commit[:12]} {baseline.subject!r}, served from a temporary "
            f"worktree's src/ with this venv; current: the checkout at {repo_root()} ({current}). "
            f"Cells alternate current then baseline; both servers run throughout{idle}."
        )
