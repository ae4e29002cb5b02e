"""Browser sessions and the sealed passwords they stored: the queries.

Run on the database thread (see :mod:`.database`). A session row holds the id derived
from a cookie's secret (never the secret), the user who stored it and when it was last
used; its credential rows hold each target's username and sealed password. Every change
to credentials is counted in ``credential_changes``, which every process watches to drop
what it has cached (see :func:`change_count`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .database import transaction


@dataclass(frozen=True, slots=True)
class SessionRows:
    """A session as stored: its user, last use, and (target, username, sealed) rows."""

    user: str
    last_used: float
    credentials: tuple[tuple[str, str, bytes], ...]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A session (None: there is none) and the change count of the same snapshot."""

    session: SessionRows | None
    change_count: int


def _count_change(connection: sqlite3.Connection) -> None:
    connection.execute("UPDATE credential_changes SET count = count + 1 WHERE id = 1")


def load_session(connection: sqlite3.Connection, session_id: bytes) -> Loaded:
    """The session and its credentials, read in one snapshot with the change count."""
    connection.execute("BEGIN")
    try:
        count = change_count(connection)
        row = connection.execute(
            "SELECT user, last_used FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            return Loaded(None, count)
        credentials = connection.execute(
            "SELECT target, username, sealed FROM credentials WHERE session = ? ORDER BY target",
            (session_id,),
        ).fetchall()
    finally:
        connection.execute("COMMIT")
    return Loaded(SessionRows(row[0], row[1], tuple(credentials)), count)


def touch_session(connection: sqlite3.Connection, session_id: bytes, now: float) -> None:
    """Note a use of the session (its lifetime starts again)."""
    with transaction(connection):
        connection.execute(
            "UPDATE sessions SET last_used = ? WHERE id = ? AND last_used < ?",
            (now, session_id, now),
        )


def store_credential(
    connection: sqlite3.Connection,
    session_id: bytes,
    user: str,
    now: float,
    target: str,
    username: str,
    sealed: bytes,
) -> bool:
    """Keep a sealed password for a target in the session (made if new); False when the
    session belongs to another user, and then nothing is stored."""
    with transaction(connection):
        connection.execute(
            "INSERT INTO sessions (id, user, created, last_used) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET last_used = excluded.last_used "
            "WHERE user = excluded.user",
            (session_id, user, now, now),
        )
        owner = connection.execute(
            "SELECT user FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if owner is None or owner[0] != user:
            return False
        connection.execute(
            "INSERT INTO credentials (session, target, username, sealed) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (session, target) DO UPDATE SET username = excluded.username, "
            "sealed = excluded.sealed",
            (session_id, target, username, sealed),
        )
        _count_change(connection)
        return True


def forget_credentials(
    connection: sqlite3.Connection, session_id: bytes, user: str, target: str | None
) -> None:
    """Delete one target's password from the session, or (None) the session and all of them."""
    with transaction(connection):
        if target is None:
            cursor = connection.execute(
                "DELETE FROM sessions WHERE id = ? AND user = ?", (session_id, user)
            )
        else:
            cursor = connection.execute(
                "DELETE FROM credentials WHERE session = ? AND target = ? AND session IN "
                "(SELECT id FROM sessions WHERE id = ? AND user = ?)",
                (session_id, target, session_id, user),
            )
        if cursor.rowcount:
            _count_change(connection)


def purge_sessions(connection: sqlite3.Connection, unused_since: float) -> int:
    """Delete the sessions unused since then, with their passwords; how many were deleted."""
    with transaction(connection):
        deleted = connection.execute(
            "DELETE FROM sessions WHERE last_used < ?", (unused_since,)
        ).rowcount
        if deleted:
            _count_change(connection)
    return int(deleted)


def change_count(connection: sqlite3.Connection) -> int:
    """How many times credentials have changed, in any process (one row's one column)."""
    row = connection.execute("SELECT count FROM credential_changes WHERE id = 1").fetchone()
    return int(row[0])
