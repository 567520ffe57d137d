"""The hot statements on PostgreSQL straight through libpq (psycopg's `pq` layer).

Through a psycopg cursor a primary-key read costs ~40-70 us of client CPU; through libpq's own
prepared-statement call it costs ~15 us (measured), and libpq releases the GIL while it waits for
the server, as the cursor does. So the few statements of the send path (store/sql.py marks them) are
prepared once per connection and executed with text parameters; PostgreSQL infers each parameter's
type from where it stands (a column compared or inserted), which holds for those statements.
Everything else keeps psycopg's cursor.

Round trips, not statements, are what a send pays for on a database server (each one a wait and two
context switches on both sides). So:
- writes whose answer the unit of work does not need (`defer`) wait on the connection and go out
  together, in libpq's pipeline mode, with whatever is sent next: the next read, the COMMIT (`commit`,
  store/engine.py), or any statement psycopg or SQLAlchemy sends (`flush`);
- reads whose rows are wanted later (`read_ahead`) queue the same way and go out with the next round
  trip; a send's reads (its documents, the month's spend) ride with the settings it reads first,
  instead of costing a round trip each;
- the transaction's BEGIN rides with its first statement. psycopg sends BEGIN itself only before
  its own statements, so without this a unit of work made only of these statements would run each
  one in a transaction of its own.

A batch of sends (store/batches.py) runs on the event loop: there the round trip is sent in
non-blocking mode and the loop waits on the socket (`flush_waiting`, `commit_waiting`), its reads
are shared while they are queued (`share_reads`), and its units' savepoints are queued commands that
are dropped again when nothing went out while the unit ran (`queue`, `sent`, `unqueue`).
"""

from __future__ import annotations

import asyncio
import contextlib
import select
from collections.abc import Sequence
from typing import Any

from psycopg import errors, pq

_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_INTEGERS = frozenset({20, 21, 23})  # int8, int2, int4
_FLOATS = frozenset({700, 701, 1700})  # float4, float8, numeric
_BOOL = 16
_BEGIN = b"BEGIN"
_COMMIT = b"COMMIT"


class Ahead:
    """A read queued by `read_ahead`: its rows once the round trip it went out with is back (asking
    before then sends what is queued)."""

    __slots__ = ("_connection", "_result")

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._result: Result | None = None

    def _rows(self) -> Result:
        if self._result is None:
            flush(self._connection)
        if self._result is None:  # discarded with a failed transaction, or never sent
            raise RuntimeError("a read-ahead was asked for after its transaction ended")
        return self._result

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows().fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows().fetchall()


# (prepared statement name, its SQL, its parameters, the read-ahead its rows go to); a name of None
# is BEGIN or COMMIT.
Command = tuple[bytes | None, bytes, Sequence[Any], Ahead | None]


class Result:
    """What the callers of store/sql.py use of a cursor: rows and the count of rows changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, result: Any) -> None:
        count = result.command_tuples
        self.rowcount = -1 if count is None else int(count)
        if result.status != pq.ExecStatus.TUPLES_OK:
            self._rows: list[tuple[Any, ...]] = []
            return
        decoders = [_decoder(result.ftype(column)) for column in range(result.nfields)]
        self._rows = [
            tuple(decode(result.get_value(row, column)) for column, decode in enumerate(decoders))
            for row in range(result.ntuples)
        ]

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


def execute(connection: Any, name: bytes, sql: bytes, args: Sequence[Any]) -> Result:
    """Run the statement `name` (prepared on this connection the first time) with `args`, after the
    deferred writes and the transaction's BEGIN when they are due; one round trip in the usual case."""
    prepared = _prepared(connection)
    commands = _owed(connection)
    if commands or name not in prepared:
        commands.append((name, sql, args, None))
        return Result(_pipeline(connection, commands)[-1])
    pgconn = connection.pgconn
    return Result(_check(pgconn.exec_prepared(name, [_encode(value) for value in args]), connection))


def defer(connection: Any, name: bytes, sql: bytes, args: Sequence[Any]) -> None:
    """Queue a write whose answer nobody reads; it goes out with the next statement or `flush`."""
    if connection.autocommit:
        execute(connection, name, sql, args)
        return
    _deferred(connection).append((name, sql, args, None))


def read_ahead(connection: Any, name: bytes, sql: bytes, args: Sequence[Any]) -> Ahead:
    """Queue a read whose rows are wanted later in the transaction; it goes out with the next
    statement (or `flush`), in the same round trip, and sees what the statements queued before it
    wrote, as if it had run when queued."""
    shared: dict[tuple[Any, ...], Ahead] | None = getattr(connection, "_smsvoice_shared_reads", None)
    key = (name, *args)
    if shared is not None and key in shared:
        return shared[key]
    ahead = Ahead(connection)
    if connection.autocommit:
        ahead._result = execute(connection, name, sql, args)
    else:
        _deferred(connection).append((name, sql, args, ahead))
    if shared is not None:
        shared[key] = ahead
    return ahead


def share_reads(connection: Any, sharing: bool) -> None:
    """While sharing, a read queued ahead that is the same statement with the same parameters as one
    queued before answers that one's rows instead of going out again (a batch's units, which write
    nothing they read, reading the same documents and settings: store/batches.py)."""
    connection._smsvoice_shared_reads = {} if sharing else None


def flush(connection: Any) -> None:
    """Send the deferred writes now (before COMMIT, or before a statement that does not come through
    here); raises the first one's error."""
    deferred: list[Command] | None = getattr(connection, "_smsvoice_deferred", None)
    if deferred:
        _pipeline(connection, _owed(connection))


def commit(connection: Any) -> None:
    """The deferred writes and COMMIT in one round trip; nothing when none are deferred (psycopg's own
    commit, which the caller makes next, then commits, and otherwise finds the transaction over)."""
    deferred: list[Command] | None = getattr(connection, "_smsvoice_deferred", None)
    if deferred:
        _pipeline(connection, [*_owed(connection), (None, _COMMIT, (), None)])


def queue(connection: Any, sql: bytes) -> Command:
    """Queue a command without parameters (SAVEPOINT, RELEASE) to go out with the next round trip;
    answers the queued command, for `sent` and `unqueue_from`."""
    command: Command = (None, sql, (), None)
    _deferred(connection).append(command)
    return command


def sent(connection: Any, command: Command) -> bool:
    """Whether a command `queue` answered has gone to the server (it is no longer queued)."""
    return all(queued is not command for queued in _deferred(connection))


def unqueue(connection: Any, command: Command) -> None:
    """Forget one queued command (the commands after it stay queued)."""
    deferred = _deferred(connection)
    for index, queued in enumerate(deferred):
        if queued is command:
            del deferred[index]
            return


def unqueue_from(connection: Any, command: Command) -> None:
    """Forget a queued command and everything queued after it (a unit of work given up before any of
    it reached the server)."""
    deferred = _deferred(connection)
    for index, queued in enumerate(deferred):
        if queued is command:
            del deferred[index:]
            return


_SAVEPOINT = b"SAVEPOINT smsvoice_unit"
_RELEASE = b"RELEASE SAVEPOINT smsvoice_unit"
_ROLLBACK_TO = b"ROLLBACK TO SAVEPOINT smsvoice_unit"


def savepoint(connection: Any) -> Command:
    """Open a savepoint that costs no round trip: it is queued, and goes out only with whatever the
    work inside it sends; answers it for `release` or `roll_back_to`."""
    return queue(connection, _SAVEPOINT)


def release(connection: Any, opened: Command) -> None:
    """The work inside the savepoint succeeded: release it, or, when nothing went out since it was
    opened, forget it (nothing to roll back to any more)."""
    if sent(connection, opened):
        queue(connection, _RELEASE)
    else:
        unqueue(connection, opened)


def roll_back_to(connection: Any, opened: Command) -> None:
    """The work inside the savepoint failed: undo it. What it queued is dropped; if something went
    out since the savepoint opened, ROLLBACK TO it is queued (it goes out with the next round trip,
    before anything else)."""
    if not sent(connection, opened):
        unqueue_from(connection, opened)
        return
    discard(connection)  # all queued since the savepoint went out is the work's own
    queue(connection, _ROLLBACK_TO)
    queue(connection, _RELEASE)


async def flush_waiting(connection: Any) -> None:
    """`flush` on the event loop's thread, the wait for the server being the loop's."""
    deferred: list[Command] | None = getattr(connection, "_smsvoice_deferred", None)
    if deferred:
        await _pipeline_waiting(connection, _owed(connection))


async def commit_waiting(connection: Any) -> None:
    """The deferred writes and COMMIT in one round trip, on the event loop's thread, the wait for the
    server being the loop's (psycopg's own commit, which the caller makes next, finds the
    transaction over)."""
    commit: Command = (None, _COMMIT, (), None)
    if _deferred(connection):
        await _pipeline_waiting(connection, [*_owed(connection), commit])
    elif connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        await _pipeline_waiting(connection, [commit])


def discard(connection: Any) -> None:
    """Forget the deferred writes (the transaction is rolled back)."""
    deferred: list[Command] | None = getattr(connection, "_smsvoice_deferred", None)
    if deferred:
        deferred.clear()


def _prepared(connection: Any) -> set[bytes]:
    prepared: set[bytes] | None = getattr(connection, "_smsvoice_prepared", None)
    if prepared is None:
        prepared = set()
        connection._smsvoice_prepared = prepared
    return prepared


def _deferred(connection: Any) -> list[Command]:
    deferred: list[Command] | None = getattr(connection, "_smsvoice_deferred", None)
    if deferred is None:
        deferred = []
        connection._smsvoice_deferred = deferred
    return deferred


def _owed(connection: Any) -> list[Command]:
    """What must go out before the next statement: BEGIN if no transaction is open, then the deferred
    writes and reads (taken off the queue)."""
    deferred = _deferred(connection)
    commands: list[Command] = []
    if not connection.autocommit and connection.pgconn.transaction_status == pq.TransactionStatus.IDLE:
        commands.append((None, _BEGIN, (), None))
    commands.extend(deferred)
    deferred.clear()
    return commands


def _pipeline(connection: Any, commands: list[Command]) -> list[Any]:
    """Send `commands` (each prepared first if this connection has not yet) in one round trip; their
    results in order (and each read-ahead's rows given to it). The first error is raised once every
    result has been read, so the connection stays usable for the rollback."""
    pgconn = connection.pgconn
    pgconn.enter_pipeline_mode()
    try:
        expected = _send(connection, commands)
        pgconn.pipeline_sync()
        results = _collect(pgconn)
    except BaseException:
        with contextlib.suppress(Exception):  # the connection is broken; the first error says why
            pgconn.exit_pipeline_mode()
        raise
    pgconn.exit_pipeline_mode()
    return _answers(connection, commands, results, expected)


async def _pipeline_waiting(connection: Any, commands: list[Command]) -> list[Any]:
    """`_pipeline` for the event loop's thread: the waits for the server are the loop's."""
    pgconn = connection.pgconn
    loop = asyncio.get_running_loop()
    pgconn.nonblocking = 1
    pgconn.enter_pipeline_mode()
    try:
        expected = _send(connection, commands)
        pgconn.pipeline_sync()
        while pgconn.flush() == 1:  # what did not fit in the socket's buffer
            await _ready(loop, pgconn.socket, writable=True)
        results: list[Any] = []
        while not _take_available(pgconn, results):
            await _ready(loop, pgconn.socket, writable=False)
            pgconn.consume_input()
    except BaseException:
        with contextlib.suppress(Exception):
            pgconn.exit_pipeline_mode()
        raise
    finally:
        pgconn.nonblocking = 0
    pgconn.exit_pipeline_mode()
    return _answers(connection, commands, results, expected)


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, *, writable: bool) -> None:
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    if writable:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        if writable:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


def _send(connection: Any, commands: list[Command]) -> list[bytes | None]:
    """Queue `commands` on the connection in pipeline mode (each prepared first if this connection has
    not yet); per result to expect, in order, the statement a PREPARE is for, or None for a
    command's own result."""
    pgconn = connection.pgconn
    prepared = _prepared(connection)
    preparing: set[bytes] = set()
    expected: list[bytes | None] = []
    for name, sql, args, _ahead in commands:
        if name is None:
            pgconn.send_query_params(sql, None)
        else:
            if name not in prepared and name not in preparing:
                pgconn.send_prepare(name, sql)
                preparing.add(name)
                expected.append(name)
            pgconn.send_query_prepared(name, [_encode(value) for value in args])
        expected.append(None)
    return expected


def _answers(
    connection: Any, commands: list[Command], results: list[Any], expected: list[bytes | None]
) -> list[Any]:
    """The commands' own results (each read-ahead's rows given to it); raises the first error."""
    prepared = _prepared(connection)
    failure = None
    answers = []
    for result, preparation in zip(results, expected, strict=True):
        if result.status in _OK:
            if preparation is not None:
                # A prepared statement outlives a failed transaction: remember it whatever follows.
                prepared.add(preparation)
            else:
                answers.append(result)
        elif failure is None and result.status != _ABORTED:
            failure = result
    if failure is not None:
        raise errors.error_from_result(failure, encoding=connection.info.encoding)
    for command, answer in zip(commands, answers, strict=True):
        if command[3] is not None:
            command[3]._result = Result(answer)
    return answers


_ABORTED = pq.ExecStatus.PIPELINE_ABORTED


def _collect(pgconn: Any) -> list[Any]:
    """Every result up to the pipeline's sync point."""
    results: list[Any] = []
    while not _take_available(pgconn, results):
        # Wait in select(), which lets other threads run, rather than in a libpq call that may hold
        # the GIL.
        select.select([pgconn.socket], [], [])
        pgconn.consume_input()
    return results


def _take_available(pgconn: Any, results: list[Any]) -> bool:
    """Append the results libpq already holds whole; whether the pipeline's sync point was among
    them (then every result is in)."""
    while not pgconn.is_busy():
        result = pgconn.get_result()
        if result is None:  # the end of one command's results
            continue
        if result.status == pq.ExecStatus.PIPELINE_SYNC:
            return True
        results.append(result)
    return False


def _check(result: Any, connection: Any) -> Any:
    if result.status not in _OK:
        raise errors.error_from_result(result, encoding=connection.info.encoding)
    return result


def _encode(value: Any) -> bytes | None:
    kind = type(value)
    if kind is str:  # most parameters: tested first (a send encodes about 45)
        return value.encode()  # type: ignore[no-any-return]
    if value is None:
        return None
    if kind is bool:
        return b"true" if value else b"false"
    if kind is float:
        return repr(value).encode()
    if isinstance(value, str):
        return value.encode()
    return str(value).encode()


def _decoder(oid: int) -> Any:
    if oid in _INTEGERS:
        return lambda raw: None if raw is None else int(raw)
    if oid in _FLOATS:
        return lambda raw: None if raw is None else float(raw)
    if oid == _BOOL:
        return lambda raw: None if raw is None else raw == b"t"
    return lambda raw: None if raw is None else raw.decode()
