"""Benchmark the smsvoice request path against a bare ASGI "ceiling" on 127.0.0.1.

One run:

1. serves ``ceiling_app.py`` (parse the JSON body, answer ``{}``) with uvicorn and measures a POST
   with a small JSON body at each connection count;
2. starts ``smsvoice serve`` on a fresh temporary data dir with throttling off, measures the time
   from spawning it to the first 200 on ``/_smsvoice/health``, then drives v1
   CreateConfigurationSet, v1 ListConfigurationSets and, when the server knows them, v2
   CreateConfigurationSet / DescribeConfigurationSets at each connection count;
3. prints a markdown table (requests/s, p50, p99, ratio to the ceiling at the same connection
   count, non-2xx and socket errors) and the goals' verdicts.

The load comes from ``wrk`` (installed through apt-get when missing) or, failing that, from the
asyncio generator in ``loadgen.py``.  Every load run is bounded in time and in request count and
only ever targets 127.0.0.1.  All subprocesses are stopped on exit, Ctrl-C and SIGTERM included.

Run with ``.venv/bin/python bench/bench_protocol.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
RESULT_MARKER = "BENCHJSON "
REGION = "us-east-1"
# The server reads the account from the access key and the region from the credential scope; it does
# not verify signatures (yet), so a well-formed header with a dummy signature is enough.
AUTH_PREFIX = "AWS4-HMAC-SHA256 Credential="
AUTH_SUFFIX = f"/20260101/{REGION}/sms-voice/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
AMZ_DATE = "20260101T000000Z"
HEALTH_PATH = "/_smsvoice/health"
# The server enforces AWS's quotas on configuration sets per account and Region (v1: 10,000; v2: 25),
# so the load of creates moves to a fresh account every few requests (``Operation.per_account``).
V1_SETS_QUOTA = 10_000
V2_SETS_QUOTA = 25

# Goals from the issue.
GOAL_CONNECTIONS = 16
GOAL_RATIO = 0.25
GOAL_P99_MS = 10.0
GOAL_STARTUP_S = 1.0
# A 1-minute load average above this when the run starts gets a warning in the report.
BUSY_LOAD_AVERAGE = 0.5


def authorization(account: str) -> str:
    return f"{AUTH_PREFIX}{account}{AUTH_SUFFIX}"


# --------------------------------------------------------------------------------------------------
# What is sent


@dataclass(frozen=True)
class Operation:
    """One kind of request.

    The body is ``body_prefix + unique token + body_suffix`` (a create), or ``static_body``, or none.
    Creates rotate through fresh accounts, ``per_account`` requests each (per generator thread), to
    stay under the server's ``quota`` of sets per account; the other operations run in ``account``,
    which ``seed`` (a create operation) fills with up to ``--seed`` sets first.
    """

    key: str
    label: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body_prefix: str | None = None
    body_suffix: str = ""
    static_body: str | None = None
    account: str = "111122223333"
    seed: Operation | None = None
    quota: int = V1_SETS_QUOTA

    @property
    def per_account(self) -> int:
        return max(1, min(2000, self.quota - self.quota // 5))

    @property
    def rotates_accounts(self) -> bool:
        return self.body_prefix is not None

    def all_headers(self, account: str | None = None) -> tuple[tuple[str, str], ...]:
        return (("Authorization", authorization(account or self.account)), *self.headers)

    def sample_body(self, token: str) -> bytes | None:
        if self.body_prefix is not None:
            return f"{self.body_prefix}{token}{self.body_suffix}".encode()
        if self.static_body is not None:
            return self.static_body.encode()
        return None


_V1_JSON = (("Content-Type", "application/json"), ("X-Amz-Date", AMZ_DATE))
_V1_GET = (("X-Amz-Date", AMZ_DATE),)


def _v2_headers(target: str) -> tuple[tuple[str, str], ...]:
    return (
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", f"PinpointSMSVoiceV2.{target}"),
        ("X-Amz-Date", AMZ_DATE),
    )


CEILING_POST = Operation(
    key="ceiling",
    label="ceiling: bare ASGI POST + orjson",
    method="POST",
    path="/v1/sms-voice/configuration-sets",
    headers=_V1_JSON,
    body_prefix='{"ConfigurationSetName": "',
    body_suffix='"}',
)
V1_CREATE = Operation(
    key="v1_create",
    label="v1 CreateConfigurationSet",
    method="POST",
    path="/v1/sms-voice/configuration-sets",
    headers=_V1_JSON,
    body_prefix='{"ConfigurationSetName": "',
    body_suffix='"}',
)
V1_LIST = Operation(
    key="v1_list",
    label="v1 ListConfigurationSets",
    method="GET",
    path="/v1/sms-voice/configuration-sets?PageSize=20",
    headers=_V1_GET,
    account="111122223333",
    seed=V1_CREATE,
)
V2_CREATE = Operation(
    key="v2_create",
    label="v2 CreateConfigurationSet",
    method="POST",
    path="/",
    headers=_v2_headers("CreateConfigurationSet"),
    body_prefix='{"ConfigurationSetName":"',
    body_suffix='"}',
    quota=V2_SETS_QUOTA,
)
V2_DESCRIBE = Operation(
    key="v2_describe",
    label="v2 DescribeConfigurationSets",
    method="POST",
    path="/",
    headers=_v2_headers("DescribeConfigurationSets"),
    static_body='{"MaxResults": 20}',
    account="444455556666",
    seed=V2_CREATE,
)
SERVER_OPERATIONS = (V1_CREATE, V1_LIST, V2_CREATE, V2_DESCRIBE)


# --------------------------------------------------------------------------------------------------
# Results


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
    server_cmd: str = ""
    load_average_before: float | None = None


# --------------------------------------------------------------------------------------------------
# Process management


_CHILDREN: list[subprocess.Popen[bytes]] = []


def _spawn(cmd: list[str], log: Path | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, remembered so that it is always stopped on exit."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]
    _CHILDREN.append(proc)
    return proc


def _stop(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it has not exited after ``grace``."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace)
    # Reap anything left in the group (e.g. a worker that outlived its parent).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc in _CHILDREN:
        _CHILDREN.remove(proc)


def _stop_all() -> None:
    for proc in list(_CHILDREN):
        _stop(proc)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _tree_cpu_seconds(root_pid: int) -> float:
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


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------------------------------
# HTTP helpers for the checks that are not load (health polling, preflight)


def _http(
    port: int, op: Operation, token: str, account: str | None = None, timeout: float = 5.0
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(op.method, op.path, body=op.sample_body(token), headers=dict(op.all_headers(account)))
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _seed(
    port: int, op: Operation, count: int, token: str, time_limit: float = 120.0
) -> tuple[int, str | None]:
    """Create ``count`` sets with ``op.seed`` in ``op.account``; return (failures, first failure)."""
    assert op.seed is not None
    failures = 0
    first: str | None = None
    conn = http.client.HTTPConnection(HOST, port, timeout=10.0)
    deadline = time.monotonic() + time_limit
    try:
        for i in range(count):
            if time.monotonic() > deadline:
                return failures + count - i, first or f"seeding stopped after {time_limit:.0f} s"
            body = op.seed.sample_body(f"{token}{i}")
            conn.request(
                op.seed.method, op.seed.path, body=body, headers=dict(op.seed.all_headers(op.account))
            )
            resp = conn.getresponse()
            data = resp.read()
            if not 200 <= resp.status < 300:
                failures += 1
                first = first or f"{resp.status} {data[:300].decode('utf-8', 'replace')}"
    finally:
        conn.close()
    return failures, first


def _wait_healthy(
    proc: subprocess.Popen[bytes], port: int, started: float | None = None, limit: float = 30.0
) -> float:
    """Poll the health path until it answers 200; return seconds since ``started`` (monotonic)."""
    if started is None:
        started = time.monotonic()
    while time.monotonic() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with status {proc.returncode} before it was healthy")
        conn = http.client.HTTPConnection(HOST, port, timeout=1.0)
        try:
            conn.request("GET", HEALTH_PATH)
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.005)
    raise RuntimeError(f"not healthy after {limit:.0f} s")


# --------------------------------------------------------------------------------------------------
# Load generators


def _lua_string(text: str) -> str:
    out = []
    for byte in text.encode():
        if byte in (0x22, 0x5C) or byte < 0x20 or byte > 0x7E:
            out.append(f"\\{byte:03d}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


_LUA_TEMPLATE = """\
-- Generated by bench/bench_protocol.py for one wrk run.
local method = {method}
local path = {path}
local headers = {{ {headers} }}
local auth_prefix = {auth_prefix}
local auth_suffix = {auth_suffix}
local account_prefix = {account_prefix}
local per_account = {per_account}
local body_prefix = {body_prefix}
local body_suffix = {body_suffix}
local static_body = {static_body}
local token_prefix = {token_prefix}
local max_per_thread = {max_per_thread}

-- setup() and done() run in wrk's main Lua state; request()/response() in each thread's own.
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

counter = 0
responses = 0
non2xx = 0
local static_request = nil
local token = nil
local account_block = -1

function init(args)
  token = token_prefix .. "t" .. tostring(tid or 0) .. "-"
  if body_prefix == nil then
    static_request = wrk.format(method, path, headers, static_body)
  end
end

function request()
  if static_request ~= nil then
    return static_request
  end
  counter = counter + 1
  if account_prefix ~= nil then
    local block = math.floor(counter / per_account)
    if block ~= account_block then
      account_block = block
      local account = account_prefix .. string.format("%02d%05d", tid or 0, block)
      headers["Authorization"] = auth_prefix .. account .. auth_suffix
    end
  end
  return wrk.format(method, path, headers, body_prefix .. token .. counter .. body_suffix)
end

statuses = {{}}
error_sample = nil

function response(status, hdrs, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if error_sample == nil then
      error_sample = key .. " " .. string.sub(body or "", 1, 300)
    end
  end
  if responses >= max_per_thread then
    wrk.thread:stop()
  end
end

local function json_string(text)
  return '"' .. string.gsub(text, '[%c"\\\\]', function(c)
    return string.format("\\\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local bad = 0
  local merged = {{}}
  local sample = nil
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    for key, n in pairs(t:get("statuses") or {{}}) do
      merged[key] = (merged[key] or 0) + n
    end
    sample = sample or t:get("error_sample")
  end
  local parts = {{}}
  for key, n in pairs(merged) do
    table.insert(parts, json_string(key) .. ": " .. n)
  end
  local e = summary.errors
  io.write(string.format(
    '{marker}{{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "mean_us": %.1f, "non2xx": %d, "err_connect": %d, "err_read": %d, '
      .. '"err_write": %d, "err_timeout": %d, "statuses": {{%s}}, "error_sample": %s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, bad, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", "), sample and json_string(sample) or "null"))
end
"""


def _ensure_wrk(allow_install: bool) -> str | None:
    found = shutil.which("wrk")
    if found or not allow_install or shutil.which("apt-get") is None:
        return found
    print("wrk not found; installing it with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    for attempt in (install, ["apt-get", "update", "-q"], install):
        try:
            done = subprocess.run(attempt, env=env, capture_output=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired):
            break
        if attempt is install and done.returncode == 0:
            break
    return shutil.which("wrk")


@dataclass(frozen=True)
class LoadRun:
    """One bounded load run: ``op`` on ``port`` with ``connections`` for ``duration`` seconds.

    Request bodies get names starting with ``token``; creates run in accounts
    ``account_prefix`` (5 digits) + thread (2 digits) + block (5 digits), a new one every
    ``op.per_account`` requests.
    """

    op: Operation
    port: int
    connections: int
    duration: float
    max_requests: int
    token: str
    account_prefix: str


class Generator:
    name = "?"

    def run(self, load: LoadRun) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def _parse(output: str) -> dict[str, Any]:
        for line in output.splitlines():
            if line.startswith(RESULT_MARKER):
                parsed: dict[str, Any] = json.loads(line[len(RESULT_MARKER) :])
                return parsed
        raise RuntimeError(f"load generator printed no result:\n{output[-2000:]}")


class WrkGenerator(Generator):
    name = "wrk"

    def __init__(self, executable: str, workdir: Path, threads: int | None = None) -> None:
        self.executable = executable
        self.workdir = workdir
        self.threads = threads

    def run(self, load: LoadRun) -> dict[str, Any]:
        op, port, connections, token = load.op, load.port, load.connections, load.token
        duration, max_requests = load.duration, load.max_requests
        threads = min(connections, self.threads or (1 if connections == 1 else 2))
        headers = (("Host", f"{HOST}:{port}"), *op.all_headers())
        script = _LUA_TEMPLATE.format(
            method=_lua_string(op.method),
            path=_lua_string(op.path),
            headers=", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers),
            auth_prefix=_lua_string(AUTH_PREFIX),
            auth_suffix=_lua_string(AUTH_SUFFIX),
            account_prefix=_lua_string(load.account_prefix) if op.rotates_accounts else "nil",
            per_account=op.per_account,
            body_prefix=_lua_string(op.body_prefix) if op.body_prefix is not None else "nil",
            body_suffix=_lua_string(op.body_suffix),
            static_body=_lua_string(op.static_body) if op.static_body is not None else "nil",
            token_prefix=_lua_string(token),
            max_per_thread=max(1, max_requests // threads),
            marker=RESULT_MARKER,
        )
        path = self.workdir / f"{token}.lua"
        path.write_text(script)
        seconds = max(1, round(duration))
        cmd = [
            self.executable,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(path),
            f"http://{HOST}:{port}{op.path}",
        ]
        proc = _spawn(cmd, log=self.workdir / f"{token}.out")
        try:
            proc.wait(timeout=seconds + 30)
        finally:
            _stop(proc)
        return self._parse((self.workdir / f"{token}.out").read_text(errors="replace"))


class PythonGenerator(Generator):
    name = "python-asyncio"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def run(self, load: LoadRun) -> dict[str, Any]:
        op, duration = load.op, load.duration
        rotate = op.rotates_accounts
        spec = {
            "host": HOST,
            "port": load.port,
            "method": op.method,
            "path": op.path,
            "headers": [list(h) for h in (op.headers if rotate else op.all_headers())],
            "body_prefix": op.body_prefix,
            "body_suffix": op.body_suffix,
            "static_body": op.static_body,
            "token_prefix": load.token,
            "connections": load.connections,
            "duration": duration,
            "max_requests": load.max_requests,
            "auth_prefix": AUTH_PREFIX,
            "auth_suffix": AUTH_SUFFIX,
            "account_prefix": load.account_prefix if rotate else None,
            "per_account": op.per_account,
        }
        spec_path = self.workdir / f"{load.token}py.json"
        spec_path.write_text(json.dumps(spec))
        out_path = spec_path.with_suffix(".out")
        proc = _spawn([sys.executable, str(BENCH_DIR / "loadgen.py"), str(spec_path)], log=out_path)
        try:
            proc.wait(timeout=duration + 40)
        finally:
            _stop(proc)
        return self._parse(out_path.read_text(errors="replace"))


# --------------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Target:
    name: str
    proc: subprocess.Popen[bytes]
    port: int


class Bench:
    def __init__(self, args: argparse.Namespace, generator: Generator, report: Report) -> None:
        self.args = args
        self.generator = generator
        self.report = report
        self.run_id = uuid.uuid4().hex[:6]
        self.invocations = 0

    def _load(self, target: Target, op: Operation, connections: int, duration: float, phase: str) -> LoadRun:
        # Every generator run creates in its own range of accounts: "9" + 4 digits + thread + block.
        self.invocations += 1
        return LoadRun(
            op=op,
            port=target.port,
            connections=connections,
            duration=duration,
            max_requests=self.args.max_requests,
            token=self._token(op, connections, phase),
            account_prefix=f"9{self.invocations % 10000:04d}",
        )

    def _token(self, op: Operation, connections: int, phase: str) -> str:
        # Names must match [A-Za-z0-9_-]{1,64}; the Lua/loadgen side appends "t<thread>-<counter>".
        return f"b{self.run_id}-{op.key.replace('_', '')}-c{connections}-{phase}-"

    def measure(self, target: Target, op: Operation, connections: int) -> CellResult:
        args = self.args
        if args.warmup > 0:
            self.generator.run(self._load(target, op, connections, args.warmup, "w"))
        cpu_server0 = _tree_cpu_seconds(target.proc.pid)
        cpu_gen0 = _children_cpu_seconds()
        wall0 = time.monotonic()
        raw = self.generator.run(self._load(target, op, connections, args.duration, "m"))
        wall = time.monotonic() - wall0
        cpu_gen = _children_cpu_seconds() - cpu_gen0
        cpu_server = _tree_cpu_seconds(target.proc.pid) - cpu_server0
        duration_s = raw["duration_us"] / 1e6
        cell = CellResult(
            target=target.name,
            operation=op.label,
            connections=connections,
            generator=self.generator.name,
            requests=int(raw["requests"]),
            duration_s=duration_s,
            rps=raw["requests"] / duration_s if duration_s > 0 else 0.0,
            p50_ms=raw["p50_us"] / 1000.0,
            p90_ms=raw["p90_us"] / 1000.0,
            p99_ms=raw["p99_us"] / 1000.0,
            max_ms=raw["max_us"] / 1000.0,
            non2xx=int(raw["non2xx"]),
            socket_errors=int(raw["err_connect"] + raw["err_read"] + raw["err_write"] + raw["err_timeout"]),
            server_cpu_pct=100.0 * cpu_server / wall if wall > 0 else None,
            generator_cpu_pct=100.0 * cpu_gen / wall if wall > 0 else 0.0,
            statuses={str(k): int(v) for k, v in (raw.get("statuses") or {}).items()},
            error_sample=raw.get("error_sample"),
        )
        flag = "  <-- ERRORS" if cell.errors else ""
        print(
            f"  {op.label:<36} c={connections:<3} {cell.rps:>9.0f} req/s  p50 {cell.p50_ms:6.2f} ms  "
            f"p99 {cell.p99_ms:6.2f} ms  errors {cell.errors}{flag}",
            flush=True,
        )
        self.report.cells.append(cell)
        return cell


def _start_ceiling(workdir: Path) -> Target:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "ceiling_app:app",
        "--app-dir",
        str(BENCH_DIR),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--no-server-header",
        "--log-level",
        "warning",
    ]
    for module, flag in (("uvloop", ["--loop", "uvloop"]), ("httptools", ["--http", "httptools"])):
        with contextlib.suppress(ImportError):
            __import__(module)
            cmd += flag
    proc = _spawn(cmd, log=workdir / "ceiling.log", cwd=BENCH_DIR)
    _wait_healthy(proc, port)
    return Target("ceiling", proc, port)


def _start_server(
    server_cmd: list[str], extra_args: list[str], data_dir: Path, log: Path
) -> tuple[Target, float]:
    port = _free_port()
    cmd = [
        *server_cmd,
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--throttling",
        "off",
        *extra_args,
    ]
    spawned = time.monotonic()
    proc = _spawn(cmd, log=log)
    try:
        elapsed = _wait_healthy(proc, port, started=spawned)
    except RuntimeError as exc:
        _stop(proc)
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise RuntimeError(f"`{shlex.join(cmd)}` did not become healthy: {exc}\n{tail}") from exc
    return Target("smsvoice", proc, port), elapsed


def _preflight(port: int, op: Operation) -> str | None:
    """Send one request; return None if it is served, else why the operation is skipped."""
    try:
        token = f"preflight-{op.key.replace('_', '')}-{uuid.uuid4().hex[:8]}"
        status, headers, body = _http(
            port, op, token, account="900000000000" if op.rotates_accounts else None
        )
    except OSError as exc:
        return f"{op.label}: preflight request failed: {exc}"
    if 200 <= status < 300:
        return None
    text = body.decode("utf-8", "replace")
    kind = headers.get("x-amzn-errortype", "")
    for missing in ("UnknownOperation", "NotImplemented"):
        if missing in kind or missing in text:
            return f"{op.label}: skipped, not implemented yet (the server answers {status} {missing})"
    return f"{op.label}: skipped, preflight answered {status}: {kind} {text[:300]}"


def _seed_for(
    port: int, op: Operation, count: int, run_id: str, served: dict[str, bool], report: Report
) -> None:
    assert op.seed is not None
    if not served.get(op.seed.key, _preflight(port, op.seed) is None):
        note = f"{op.label}: not seeded, {op.seed.label} is not served; it lists an empty account"
        report.notes.append(note)
        print(f"  {note}", flush=True)
        return
    count = min(count, op.seed.quota)
    started = time.monotonic()
    failures, first = _seed(port, op, count, f"b{run_id}-seed-{op.key.replace('_', '')}-")
    print(
        f"  seeded account {op.account} with {count - failures} sets for {op.label} "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    if failures:
        report.notes.append(f"{op.label}: {failures} of {count} seed creates failed, first: {first}")


def _run(args: argparse.Namespace, report: Report, workdir: Path) -> None:
    generator: Generator
    wrk = None if args.generator == "python" else _ensure_wrk(not args.no_install)
    if wrk is not None:
        generator = WrkGenerator(wrk, workdir, args.wrk_threads)
    else:
        if args.generator == "wrk":
            raise SystemExit("wrk is not available and could not be installed")
        why = "as asked" if args.generator == "python" else "because wrk is unavailable"
        report.notes.append(
            f"load from the Python asyncio generator ({why}); it costs more CPU than wrk and competes "
            "with the server for the 2 cores, so the server's figures are lower bounds."
        )
        generator = PythonGenerator(workdir)
    report.generator = generator.name
    bench = Bench(args, generator, report)
    print(f"load generator: {generator.name}; {args.duration:g} s per cell after {args.warmup:g} s warm-up")

    if not args.skip_ceiling:
        print("ceiling: bare ASGI app (uvicorn, orjson parse, 200 {})", flush=True)
        ceiling = _start_ceiling(workdir)
        try:
            for connections in args.connections:
                bench.measure(ceiling, CEILING_POST, connections)
        finally:
            _stop(ceiling.proc)

    if args.skip_server:
        return
    server_cmd = shlex.split(args.server_cmd)
    extra_args = shlex.split(args.server_args)
    report.server_cmd = shlex.join([*server_cmd, "serve", "...", *extra_args])
    if not shutil.which(server_cmd[0]):
        report.notes.append(f"server not measured: {server_cmd[0]} not found")
        print(f"server command {server_cmd[0]} not found; skipping the server", flush=True)
        return

    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
    print(f"smsvoice: {report.server_cmd} (data dir {data_dir})", flush=True)
    server, first_startup = _start_server(server_cmd, extra_args, data_dir, workdir / "server.log")
    report.startup_s.append(first_startup)
    print(f"  time to healthy: {first_startup * 1000:.0f} ms", flush=True)
    try:
        served: dict[str, bool] = {}
        for op in SERVER_OPERATIONS:
            if args.operations and op.key not in args.operations:
                continue
            problem = _preflight(server.port, op)
            served[op.key] = problem is None
            if problem is not None:
                report.notes.append(problem)
                print(f"  {problem}", flush=True)
                continue
            if op.seed is not None and args.seed > 0:
                _seed_for(server.port, op, args.seed, bench.run_id, served, report)
            for connections in args.connections:
                bench.measure(server, op, connections)
    finally:
        _stop(server.proc)

    # Restart on the data dir the run has filled, then a few cold starts on fresh dirs.
    restarted, elapsed = _start_server(server_cmd, extra_args, data_dir, workdir / "server-restart.log")
    _stop(restarted.proc)
    report.restart_populated_s = elapsed
    for i in range(max(0, args.startup_runs - 1)):
        fresh = Path(tempfile.mkdtemp(prefix=f"fresh{i}-", dir=workdir))
        extra, elapsed = _start_server(server_cmd, extra_args, fresh, workdir / f"server-start{i}.log")
        _stop(extra.proc)
        report.startup_s.append(elapsed)


# --------------------------------------------------------------------------------------------------
# Output


def _fill_ratios(report: Report) -> None:
    ceiling = {c.connections: c.rps for c in report.cells if c.target == "ceiling"}
    for cell in report.cells:
        base = ceiling.get(cell.connections)
        cell.ratio = cell.rps / base if base else None


def _fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def render(report: Report) -> str:
    load = ""
    if report.load_average_before is not None:
        load = f" Load average (1 min) before the run: {report.load_average_before:.2f}."
    lines = [
        f"Load generator: {report.generator}; {report.duration_s:g} s per cell after a "
        f"{report.warmup_s:g} s warm-up; 127.0.0.1; {os.cpu_count()} CPUs.{load}",
        "",
        "| operation | conns | requests/s | p50 ms | p99 ms | ratio to ceiling | errors "
        "| server CPU | generator CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in report.cells:
        ratio = "-" if c.ratio is None else f"{c.ratio * 100:.1f}%"
        errors = "0"
        if c.errors:
            by_status = ", ".join(f"{n} x {code}" for code, n in sorted(c.statuses.items()))
            errors = f"**{c.errors}** ({by_status or f'{c.non2xx} non-2xx'}; {c.socket_errors} socket)"
        lines.append(
            f"| {c.operation} | {c.connections} | {c.rps:,.0f} | {c.p50_ms:.2f} | {c.p99_ms:.2f} | {ratio} "
            f"| {errors} | {_fmt_pct(c.server_cpu_pct)} | {_fmt_pct(c.generator_cpu_pct)} |"
        )
    lines.append("")
    if report.startup_s:
        figures = ", ".join(f"{s * 1000:.0f}" for s in report.startup_s)
        median = statistics.median(report.startup_s)
        verdict = "met" if median < GOAL_STARTUP_S else "MISSED"
        lines.append(
            f"Time to healthy (spawn to first 200 on {HEALTH_PATH}), fresh data dir: {figures} ms "
            f"(median {median * 1000:.0f} ms; goal < {GOAL_STARTUP_S * 1000:.0f} ms: {verdict})."
        )
    if report.restart_populated_s is not None:
        lines.append(
            f"Time to healthy on restart with the data dir this run filled: "
            f"{report.restart_populated_s * 1000:.0f} ms."
        )
    goal_cells = [c for c in report.cells if c.target != "ceiling" and c.connections == GOAL_CONNECTIONS]
    if goal_cells:
        lines.append("")
        lines.append(
            f"Goal at {GOAL_CONNECTIONS} connections: at least {GOAL_RATIO:.0%} of the ceiling and "
            f"p99 under {GOAL_P99_MS:g} ms."
        )
        for c in goal_cells:
            ok_ratio = c.ratio is not None and c.ratio >= GOAL_RATIO
            ok_p99 = c.p99_ms < GOAL_P99_MS
            verdict = "met" if ok_ratio and ok_p99 and not c.errors else "MISSED"
            ratio = "-" if c.ratio is None else f"{c.ratio:.0%}"
            extra = " (run had errors)" if c.errors else ""
            lines.append(f"- {c.operation}: {verdict} (ratio {ratio}, p99 {c.p99_ms:.2f} ms){extra}")
    flagged = [c for c in report.cells if c.errors]
    if flagged:
        lines.append("")
        lines.append(f"WARNING: {len(flagged)} cell(s) had non-2xx responses or socket errors (bold above).")
        for c in flagged:
            if c.error_sample:
                sample = " ".join(c.error_sample.split())
                lines.append(f"- {c.operation}, {c.connections} connections, first error: {sample[:300]}")
    if report.notes:
        lines.append("")
        lines.extend(f"Note: {note}" for note in report.notes)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# CLI


def _parse_connections(text: str) -> list[int]:
    values = [int(part) for part in text.replace(" ", "").split(",") if part]
    if not values or any(v < 1 or v > 1024 for v in values):
        raise argparse.ArgumentTypeError("connections must be a comma-separated list of 1..1024")
    return values


def _default_server_cmd() -> str:
    # Next to the interpreter, without resolving the venv's symlink.
    return str(Path(sys.executable).parent / "smsvoice")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per cell (default 5)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds before each cell (default 1)"
    )
    parser.add_argument(
        "--connections",
        type=_parse_connections,
        default=[1, 16, 64],
        help="comma-separated connection counts (default 1,16,64)",
    )
    parser.add_argument(
        "--server-cmd",
        default=_default_server_cmd(),
        help="command that starts the server; 'serve --host ... --port ... --data-dir ... --throttling off' "
        "is appended (default: the smsvoice script next to this Python)",
    )
    parser.add_argument(
        "--server-args",
        default="",
        help="extra arguments appended to the serve command, e.g. '--log-level warning' (default none)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk (installed with apt-get if missing), the Python fallback, or auto",
    )
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=None,
        help="wrk threads per cell (default 1 for one connection, 2 otherwise)",
    )
    parser.add_argument("--no-install", action="store_true", help="never try to apt-get install wrk")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=2_000_000,
        help="upper bound on requests per cell, on top of the time bound (default 2000000)",
    )
    parser.add_argument(
        "--operations",
        type=lambda s: [p for p in s.split(",") if p],
        default=None,
        help="server operations to run (default all): " + ",".join(op.key for op in SERVER_OPERATIONS),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1000,
        help="configuration sets created in the listed account before the list cells, at most the "
        "per-account quota (default 1000; v2 allows 25)",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=3, help="cold starts timed on fresh dirs (default 3)"
    )
    parser.add_argument("--skip-ceiling", action="store_true", help="do not measure the ceiling app")
    parser.add_argument("--skip-server", action="store_true", help="measure only the ceiling app")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir (logs, Lua, data)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.duration <= 0 or args.duration > 600 or args.warmup < 0 or args.warmup > 60:
        raise SystemExit("--duration must be in (0, 600] and --warmup in [0, 60]")
    report = Report(
        generator="",
        duration_s=args.duration,
        warmup_s=args.warmup,
        connections=list(args.connections),
    )
    report.load_average_before = os.getloadavg()[0]
    if report.load_average_before > BUSY_LOAD_AVERAGE:
        report.notes.append(
            f"the machine was busy when the run started (load average {report.load_average_before:.2f}): "
            "other processes take CPU from the server and the generator; the figures are noisy."
        )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="smsvoice-bench-"))
    interrupted = False
    failure: str | None = None
    try:
        _run(args, report, workdir)
    except KeyboardInterrupt:
        interrupted = True
        report.notes.append("interrupted: the table is partial")
        print("\ninterrupted; stopping subprocesses", file=sys.stderr)
    except RuntimeError as exc:
        failure = str(exc)
        report.notes.append(f"run aborted: {exc.args[0].splitlines()[0] if exc.args else exc}")
    finally:
        _stop_all()
        signal.signal(signal.SIGTERM, previous)
        if args.keep_workdir or failure:
            print(f"work dir kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    _fill_ratios(report)
    print()
    print(render(report))
    if args.json is not None:
        payload: dict[str, Any] = asdict(report)
        for cell_dict, cell in zip(payload["cells"], report.cells, strict=True):
            cell_dict["errors"] = cell.errors
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    if failure is not None:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    if interrupted:
        return 130
    return 1 if any(c.errors for c in report.cells) else 0


if __name__ == "__main__":
    sys.exit(main())
