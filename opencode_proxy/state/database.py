"""The proxy's embedded database: one SQLite file in WAL mode, one connection per process.

Every query is a plain function run on the process's one database thread, and every
write is such a function inside one ``BEGIN IMMEDIATE`` transaction: nothing is read
into Python, awaited over and written back, so two browser tabs or two ``--workers``
processes changing the same user's state at once both land. That is why this is a
single-thread executor rather than aiosqlite: aiosqlite awaits statement by statement on
a shared connection, so a transaction spanning several statements could take in another
coroutine's statements; here a whole transaction is one call.

The file lives in the state directory (mode 0700, the file 0600), in WAL mode (readers
never wait for the writer, and several processes share it) with a busy timeout, so a
write waits for another process's rather than failing. :meth:`Database.prepare`
checks at start-up, before any worker is forked, that the file can be created, read,
checked and migrated, and raises :class:`StateError` naming the path and the fix. With
no directory the database is in memory: one process's, gone when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import structlog

from ..edge.errors import StateUnavailable
from .migrations import SchemaError, migrate

if TYPE_CHECKING:
    from ..edge.metrics import Metrics

log = structlog.get_logger("opencode_proxy.state")

FILE_NAME = "state.sqlite3"
# How long a write waits for another process's before giving up (milliseconds).
BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"

T = TypeVar("T")


class StateError(Exception):
    """The state directory cannot be used; the message names the path and the fix."""


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def connect(path: Path | None) -> sqlite3.Connection:
    """Open (creating if need be), check and migrate the database; raise StateError."""
    where = MEMORY if path is None else str(path)
    try:
        if path is not None:
            _create(path)
        # Autocommit: transactions are opened explicitly, see transaction().
        connection = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise StateError(_explain(path, exc)) from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StateError(
                    f"The state database {path} cannot use write-ahead logging (journal "
                    f"mode {mode}); its filesystem may not support it. Choose a local "
                    "directory with --state-dir (OPENCODE_PROXY_STATE_DIR)."
                )
            # Every commit reaches the disk: the data are few and must not be lost.
            connection.execute("PRAGMA synchronous = FULL")
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        migrate(connection)
    except SchemaError as exc:
        connection.close()
        raise StateError(
            f"The state database {path} cannot be used: {exc}. Run the newer version, or "
            "move the file away (its servers and passwords are then lost) or choose another "
            "--state-dir (OPENCODE_PROXY_STATE_DIR)."
        ) from None
    except sqlite3.Error as exc:
        connection.close()
        raise StateError(_explain(path, exc)) from None
    except StateError:
        connection.close()
        raise
    return connection


def _create(path: Path) -> None:
    """The directory (0700) and an empty file (0600) if missing, so SQLite keeps the mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))


def _explain(path: Path | None, exc: BaseException) -> str:
    if path is None:
        return f"The in-memory state database failed: {exc}."
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    fallback = (
        "Or set --state-dir '' (OPENCODE_PROXY_STATE_DIR='') to keep state in memory, or "
        "--state-on-error memory to do so only when the directory fails."
    )
    if isinstance(exc, PermissionError) or "readonly" in reason or "unable to open" in reason:
        blocked = path.parent
        while not blocked.exists() and blocked != blocked.parent:
            blocked = blocked.parent
        where = f"{blocked} is" if blocked == path.parent else f"{blocked}, where it goes, is"
        return (
            f"The state directory {path.parent} cannot be used: {where} not writable "
            f"({reason}). Make it writable by user {os.getuid()} (in Kubeflow: a directory "
            "on the notebook's volume, such as $HOME/.local/share/opencode-proxy), or "
            "choose another with "
            f"--state-dir (OPENCODE_PROXY_STATE_DIR). {fallback}"
        )
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return (
            f"The state database {path} is corrupt or not a database ({reason}). Move it "
            "away (its servers and stored passwords are then lost; a copy may be "
            "recoverable with `sqlite3 FILE .recover`) and start again, or choose another "
            f"--state-dir (OPENCODE_PROXY_STATE_DIR). {fallback}"
        )
    return (
        f"The state database {path} cannot be opened ({reason}). Check the directory and "
        f"the disk, or choose another --state-dir (OPENCODE_PROXY_STATE_DIR). {fallback}"
    )


class Database:
    """The process's connection to the state database, used on a thread of its own."""

    def __init__(
        self, directory: Path | None, *, fallback: bool = False, metrics: Metrics | None = None
    ):
        self.path = None if directory is None else directory.resolve() / FILE_NAME
        self.fallback = fallback
        self.metrics = metrics
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None
        if metrics is not None:
            metrics.state_size.set_function(self.size)
            metrics.state_open.set_function(lambda: float(self.is_open))

    @property
    def persistent(self) -> bool:
        """Whether state outlives the process (a file), rather than living in memory."""
        return self.path is not None

    @property
    def is_open(self) -> bool:
        """Whether queries can run now."""
        return self._connection is not None

    def prepare(self) -> None:
        """Check in this thread that the database opens and migrates, then close it.

        Run before worker processes are forked (a connection must not cross a fork).
        Raises :class:`StateError`, unless the operator chose the in-memory fallback.
        """
        connection = self._connect()
        connection.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            return connect(self.path)
        except StateError as exc:
            if not self.fallback or self.path is None:
                raise
            log.warning(
                "state.in_memory",
                path=str(self.path),
                message=f"{exc} State is kept in memory until the proxy stops "
                "(--state-on-error memory).",
            )
            self.path = None
            return connect(None)

    async def open(self) -> None:
        """Start the database thread and open the connection on it."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opencode-proxy-state")
        try:
            connection = await asyncio.get_running_loop().run_in_executor(executor, self._connect)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        self._executor, self._connection = executor, connection
        log.info("state.opened", path=str(self.path) if self.path else MEMORY)

    async def close(self) -> None:
        """Close the connection and stop the thread (queries then fail as unavailable)."""
        executor, connection = self._executor, self._connection
        self._executor = self._connection = None
        if executor is None or connection is None:
            return
        await asyncio.get_running_loop().run_in_executor(executor, connection.close)
        executor.shutdown(wait=True)

    async def run(self, operation: Callable[..., T], *args: Any) -> T:
        """Run ``operation(connection, *args)`` on the database thread.

        SQLite's failures become ``503 state_unavailable`` (logged, counted); the
        operation's own errors (a limit, an unknown server) pass as they are.
        """
        executor, connection = self._executor, self._connection
        if executor is None or connection is None:
            raise StateUnavailable("The proxy's database is not open.")
        name = getattr(operation, "__name__", "query")
        started = time.perf_counter()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                executor, operation, connection, *args
            )
        except sqlite3.Error as exc:
            log.error("state.query_failed", operation=name, error=str(exc))
            if self.metrics is not None:
                self.metrics.state_errors.labels(name).inc()
            raise StateUnavailable() from None
        finally:
            if self.metrics is not None:
                self.metrics.state_latency.labels(name).observe(time.perf_counter() - started)

    def size(self) -> float:
        """Bytes on disk: the file and its write-ahead log (0 in memory)."""
        if self.path is None:
            return 0.0
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += os.stat(str(self.path) + suffix).st_size
        return float(total)
