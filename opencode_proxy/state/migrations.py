"""The database's schema as numbered steps; ``PRAGMA user_version`` says how many are applied.

A new version only ever appends a step (never edits one that shipped), so a file made by
any earlier version is brought forward one step at a time, in one transaction. A file
from a newer version than this one is refused rather than guessed at, and a SQLite file
that is not this service's (another application id, or tables without a version) is
refused too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Marks the file as this service's ("OCPX"), so another program's database is not migrated.
APPLICATION_ID = 0x4F435058


@dataclass(frozen=True)
class Migration:
    """One step of the schema: what it adds, and the statements that add it."""

    version: int
    purpose: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "browser sessions and the passwords they stored, sealed",
        (
            # id: derived from the cookie's secret (see sealed.py); the secret is never stored.
            """CREATE TABLE sessions (
                id BLOB PRIMARY KEY,
                user TEXT NOT NULL,
                created REAL NOT NULL,
                last_used REAL NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX sessions_by_last_used ON sessions (last_used)",
            # sealed: AES-GCM nonce and ciphertext of the password; the key is the cookie's.
            """CREATE TABLE credentials (
                session BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                target TEXT NOT NULL,
                username TEXT NOT NULL,
                sealed BLOB NOT NULL,
                PRIMARY KEY (session, target)
            ) WITHOUT ROWID""",
            # Counts every change to credentials, so other processes know to reload theirs.
            """CREATE TABLE credential_changes (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                count INTEGER NOT NULL
            )""",
            "INSERT INTO credential_changes (id, count) VALUES (1, 0)",
        ),
    ),
    Migration(
        2,
        "each user's servers, default server and per-server preferences",
        (
            """CREATE TABLE servers (
                user TEXT NOT NULL,
                url TEXT NOT NULL,
                name TEXT,
                username TEXT,
                position INTEGER NOT NULL,
                PRIMARY KEY (user, url)
            ) WITHOUT ROWID""",
            """CREATE TABLE default_servers (
                user TEXT PRIMARY KEY,
                url TEXT NOT NULL
            ) WITHOUT ROWID""",
            """CREATE TABLE preferences (
                user TEXT NOT NULL,
                url TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (user, url, key)
            ) WITHOUT ROWID""",
            """CREATE TABLE revisions (
                user TEXT PRIMARY KEY,
                revision INTEGER NOT NULL
            ) WITHOUT ROWID""",
        ),
    ),
)
CURRENT_VERSION = MIGRATIONS[-1].version


class SchemaError(Exception):
    """The file's schema cannot be used by this version; the message says why."""


def schema_version(connection: sqlite3.Connection) -> int:
    """How many steps the file has applied."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, target: int = CURRENT_VERSION) -> int:
    """Apply the missing steps up to ``target`` in one transaction; return the old version.

    Two processes starting at once are serialised by ``BEGIN IMMEDIATE``: the second
    finds the file already current.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(connection)
        _check_ownership(connection, version)
        if version > CURRENT_VERSION:
            raise SchemaError(
                f"it was written by a newer opencode-proxy (schema version {version}; this "
                f"one knows up to {CURRENT_VERSION})"
            )
        for step in MIGRATIONS[version:target]:
            for statement in step.statements:
                connection.execute(statement)
        if version < target:
            # PRAGMAs take no parameters; both values are integers of ours.
            connection.execute(f"PRAGMA user_version = {int(target)}")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return version


def _check_ownership(connection: sqlite3.Connection, version: int) -> None:
    application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    if application_id not in (0, APPLICATION_ID):
        raise SchemaError(f"it belongs to another program (application id {application_id:#x})")
    if version == 0:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise SchemaError("it holds tables of another program and no opencode-proxy schema")
