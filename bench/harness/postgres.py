"""PostgreSQL for the benchmarks: a throwaway cluster, databases of a run's own, settings, a commit ceiling.

- ``Cluster``: ``initdb`` + ``pg_ctl`` from Debian's PostgreSQL package (``initdb`` on PATH or the
  newest ``/usr/lib/postgresql/*/bin``), run through ``runuser -u postgres --`` as root, on a free
  port of 127.0.0.1 with its socket in its own temporary directory, fsync and synchronous_commit on
  (durable commits). ``pg_ctl -m fast stop`` and the directory's removal happen on the way out of the
  ``with`` block, Ctrl-C and SIGTERM (made a ``KeyboardInterrupt`` by the caller) included.
- ``Databases``: creates databases named after the run on a server (ours or an existing one) and
  drops exactly those at the end; nothing else on the server is touched.
- ``settings``, ``postmaster_pid``: what the server is and which process tree is its CPU.
- ``commit_ceiling``: the database's own ceiling for durable single-row writes, measured with
  psycopg 3 from N threads: ``INSERT`` one row, ``COMMIT``, timed per commit, bounded in time and
  in commits.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.sampling import BackgroundSampler
from smsvoice.testing.process import LOOPBACK

PG_TIMEOUT_SECONDS = 120.0
DRIVER_PREFIX = "postgresql+psycopg://"


def find_pg_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        where = Path(found).resolve().parent  # /usr/local/bin/initdb may be a symlink into the package
        if (where / "pg_ctl").exists():
            return where
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[4].split(".")]
    )
    for candidate in reversed(candidates):
        if os.access(Path(candidate) / "initdb", os.X_OK):
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the cluster is stopped and removed; they are delivered afterwards."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster; ``url`` is its server URL (no database) once started."""

    bin_dir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="smsvoice-bench-pg-")))
    port: int = 0
    started: bool = False

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return f"{DRIVER_PREFIX}postgres@{LOOPBACK}:{self.port}"

    def _as_postgres(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        # Own session: a Ctrl-C at the terminal reaches only the benchmark, which then stops the cluster.
        done = subprocess.run(
            [*self._as_postgres(), *args],
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
            start_new_session=True,
        )
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({done.returncode}): {done.stdout}{done.stderr}{tail}"
            )

    def start(self) -> None:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "no postgres user to run the cluster as (install Debian's postgresql)"
                ) from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        self.port = _free_port()
        with open(self.data_dir / "postgresql.conf", "a") as conf:  # root can append to postgres's file
            conf.write(
                "\n# bench/harness/postgres.py\n"
                f"port = {self.port}\n"
                f"listen_addresses = '{LOOPBACK}'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = on\n"
                "synchronous_commit = on\n"
                "max_connections = 200\n"
            )
        self.started = True  # from here on, stop() tries pg_ctl stop
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        """``pg_ctl -m fast stop``, then remove the directory; never raises."""
        with _signals_held():
            if self.started and (self.data_dir / "postmaster.pid").exists():
                try:
                    self._run(
                        str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"
                    )
                except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                    print(f"stopping the PostgreSQL cluster: {exc}", flush=True)
                    self._kill_postmaster()
            self.started = False
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown
            time.sleep(2)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise RuntimeError(
            "no initdb on PATH or in /usr/lib/postgresql/*/bin: `apt-get install postgresql`, "
            "or use an existing server with --postgres URL"
        )
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://``) as psycopg takes it (``postgresql://``)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}" if sep else url


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def _connect(url: str, **kwargs: Any) -> Any:
    import psycopg

    return psycopg.connect(libpq_url(url), connect_timeout=10, **kwargs)


class Databases:
    """Databases of this run on ``server``: created on demand, and only those dropped by ``drop_all``."""

    def __init__(self, server: str, prefix: str) -> None:
        self.server = server.rstrip("/")
        self.prefix = prefix
        self.created: list[str] = []

    def create(self, suffix: str) -> str:
        """A fresh database named ``prefix_suffix``; its URL."""
        name = f"{self.prefix}_{suffix}"
        with _connect(database_url(self.server, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # only ever one of this run's names
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return database_url(self.server, name)

    def drop_all(self) -> None:
        """Drop this run's databases (closing their leftover sessions); never raises."""
        with _signals_held():
            for name in reversed(self.created):
                try:
                    with _connect(database_url(self.server, "postgres"), autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except Exception as exc:
                    print(f"dropping database {name}: {exc}", flush=True)
            self.created.clear()


def settings(url: str) -> dict[str, str]:
    """server_version, fsync, synchronous_commit and a few more settings that decide commit latency."""
    names = (
        "server_version",
        "fsync",
        "synchronous_commit",
        "wal_sync_method",
        "commit_delay",
        "max_connections",
    )
    with _connect(url) as conn:
        values = {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in names}
        values["version"] = str(conn.execute("SELECT version()").fetchone()[0])
    return values


def postmaster_pid(url: str) -> int | None:
    """The pid of the server's postmaster when it runs on this machine (the parent of our backend)."""
    try:
        with _connect(url) as conn:
            backend = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
            with open(f"/proc/{backend}/stat", "rb") as fh:
                raw = fh.read()
    except Exception:
        return None
    return int(raw[raw.rfind(b")") + 2 :].split()[1])


@dataclass
class CommitResult:
    threads: int
    commits: int
    failures: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    first_failure: str | None = None
    probed: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.commits / self.duration_s if self.duration_s > 0 else 0.0


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


SCRATCH_TABLE = "bench_commit_ceiling"
BODY = "Your code is 123456. It expires in 10 minutes."


def commit_ceiling(
    url: str,
    threads: int,
    duration: float,
    *,
    warmup: float = 1.0,
    max_commits: int = 2_000_000,
    probe: Callable[[], list[float]] | None = None,
) -> CommitResult:
    """``threads`` psycopg connections, each looping ``INSERT`` one row + ``COMMIT`` into a scratch table.

    Every commit is timed from the INSERT to the COMMIT's return. Bounded by ``duration`` (after a
    ``warmup`` whose commits are not counted) and by ``max_commits`` in all. ``probe`` (e.g. CPU
    seconds) is called at the start and at the end of the measured window; ``CommitResult.probed``
    holds the differences per second.
    """
    with _connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
        conn.execute(
            f"CREATE TABLE {SCRATCH_TABLE} (id bigserial PRIMARY KEY, worker int NOT NULL, n bigint NOT NULL, "
            "body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    per_thread = max(1, max_commits // threads)
    latencies: list[list[float]] = [[] for _ in range(threads)]
    failures = [0] * threads
    first: list[str] = []
    window: dict[str, float] = {}

    def open_window() -> None:  # once every thread has its connection
        now = time.perf_counter()
        window["start"] = now + warmup
        window["end"] = now + warmup + duration

    ready = threading.Barrier(threads + 1, action=open_window, timeout=60)
    insert = f"INSERT INTO {SCRATCH_TABLE} (worker, n, body) VALUES (%s, %s, %s)"

    def work(worker: int) -> None:
        try:
            conn = _connect(url)
        except Exception as exc:
            failures[worker] += 1
            first.append(repr(exc))
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.wait()
            return
        mine = latencies[worker]
        perf = time.perf_counter
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.wait()
            start, end = window["start"], window["end"]
            n = 0
            while n < per_thread:  # bounded in commits, and in time below
                t0 = perf()
                if t0 >= end:
                    break
                n += 1
                try:
                    conn.execute(insert, (worker, n, BODY), prepare=True)
                    conn.commit()
                except Exception as exc:
                    with contextlib.suppress(Exception):
                        conn.rollback()
                    if t0 >= start:
                        failures[worker] += 1
                        if not first:
                            first.append(repr(exc))
                    continue
                if t0 >= start:
                    mine.append(perf() - t0)
        finally:
            conn.close()

    workers = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    ready.wait()
    # Sample the probe over the measured window, before the threads close their connections (the
    # CPU of a backend that has exited is no longer in /proc).
    before: list[float] = []
    after: list[float] = []
    if probe is not None:
        time.sleep(max(0.0, window["start"] - time.perf_counter()))
        before = probe()
        time.sleep(max(0.0, window["end"] - time.perf_counter()))
        after = probe()
    for thread in workers:
        thread.join(timeout=warmup + duration + 60)
    measured = time.perf_counter() - window["start"]
    all_latencies = sorted(x for mine in latencies for x in mine)
    return CommitResult(
        threads=threads,
        commits=len(all_latencies),
        failures=sum(failures),
        duration_s=min(duration, measured),
        p50_ms=1000 * _percentile(all_latencies, 0.50),
        p99_ms=1000 * _percentile(all_latencies, 0.99),
        max_ms=1000 * (all_latencies[-1] if all_latencies else 0.0),
        first_failure=first[0] if first else None,
        probed=[(b - a) / duration for a, b in zip(before, after, strict=True)] if duration > 0 else [],
    )


WAIT_QUERY = """
SELECT state, coalesce(wait_event_type || ':' || wait_event, 'on CPU or in the network'),
       left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


class WaitSampler(BackgroundSampler):
    """What the database's sessions are doing, sampled from pg_stat_activity on a thread while in use.

    Each sample counts every client session of the database by state and wait event ("idle in
    transaction" is time the client spends inside an open transaction; ``Lock:transactionid`` a
    row lock held by another transaction; ``IO:WALSync``/``LWLock:WALWrite`` the commit's flush),
    and the statements of sessions waiting for a lock. Bounded by ``limit`` seconds.
    """

    def __init__(self, url: str, interval: float = 0.05, limit: float = 600.0) -> None:
        super().__init__(interval, limit)
        self.url = url
        self.states: dict[str, int] = {}
        self.locked: dict[str, int] = {}
        self.samples = 0
        self._conn: Any = None

    def open(self) -> None:
        self._conn = _connect(self.url, autocommit=True)

    def sample(self) -> None:
        for state, wait, query in self._conn.execute(WAIT_QUERY).fetchall():
            key = f"{state} / {wait}" if state == "active" else str(state)
            self.states[key] = self.states.get(key, 0) + 1
            if state == "active" and wait.startswith("Lock:"):
                self.locked[query] = self.locked.get(query, 0) + 1
        self.samples += 1

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def summary(self, top: int = 6) -> list[str]:
        """The most common states (share of session samples) and the statements most often waiting on a lock."""
        if self.error is not None:
            return [f"wait sampling failed: {self.error}"]
        total = sum(self.states.values())
        if not total:
            return []
        sessions = total / max(1, self.samples)
        states = sorted(self.states.items(), key=lambda kv: -kv[1])[:top]
        lines = [
            f"{self.samples} samples, {sessions:.1f} sessions on average: "
            + ", ".join(f"{key} {100 * n / total:.0f}%" for key, n in states)
        ]
        for query, n in sorted(self.locked.items(), key=lambda kv: -kv[1])[:3]:
            lines.append(f"waiting on a lock in {100 * n / total:.0f}% of samples: {query}")
        return lines
