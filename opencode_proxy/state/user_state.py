"""Each user's servers, default server and per-server preferences: the queries.

Every function takes the connection and runs on the database thread (see
:mod:`.database`). Each write is one transaction that checks its limits against the rows
as they are at that moment (the write lock is held from the first statement), changes
only the rows it names, and reads back the user's whole new state inside the same
transaction. A write that changes nothing leaves the revision as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..edge.errors import TooManyServers, UnknownServer
from .database import transaction

MAX_SERVERS = 200
MAX_TEXT = 200
PREFERENCE_KEYS = ("model", "agent", "variant")


@dataclass(frozen=True, slots=True)
class ServerRecord:
    """A server in a user's list: its canonical URL, and optionally a name and username."""

    url: str
    name: str | None = None
    username: str | None = None

    def as_json(self) -> dict[str, str]:
        """The record as the API shows it, without absent fields."""
        record = {"url": self.url}
        if self.name is not None:
            record["name"] = self.name
        if self.username is not None:
            record["username"] = self.username
        return record


@dataclass(frozen=True)
class UserState:
    """One user's whole state, as read in one transaction."""

    servers: tuple[ServerRecord, ...]
    default_url: str | None
    preferences: dict[str, dict[str, str]]
    revision: int

    def as_json(self, user: str, persistent: bool) -> dict[str, object]:
        """The body of ``GET api/state``."""
        return {
            "user": user or None,
            "servers": [server.as_json() for server in self.servers],
            "default_url": self.default_url,
            "preferences": self.preferences,
            "revision": self.revision,
            "persistent": persistent,
        }


def read_state(connection: sqlite3.Connection, user: str) -> UserState:
    """The user's state, read in one snapshot."""
    connection.execute("BEGIN")
    try:
        return _read(connection, user)
    finally:
        connection.execute("COMMIT")


def _read(connection: sqlite3.Connection, user: str) -> UserState:
    servers = tuple(
        ServerRecord(url, name, username)
        for url, name, username in connection.execute(
            "SELECT url, name, username FROM servers WHERE user = ? ORDER BY position", (user,)
        )
    )
    row = connection.execute("SELECT url FROM default_servers WHERE user = ?", (user,)).fetchone()
    preferences: dict[str, dict[str, str]] = {}
    for url, key, value in connection.execute(
        "SELECT url, key, value FROM preferences WHERE user = ? ORDER BY url, key", (user,)
    ):
        preferences.setdefault(url, {})[key] = value
    revision = connection.execute(
        "SELECT revision FROM revisions WHERE user = ?", (user,)
    ).fetchone()
    return UserState(servers, row[0] if row else None, preferences, revision[0] if revision else 0)


def _changed(connection: sqlite3.Connection, user: str, before: int) -> UserState:
    """Count a new revision if anything changed since ``before``; read the state back."""
    if connection.total_changes != before:
        connection.execute(
            "INSERT INTO revisions (user, revision) VALUES (?, 1) "
            "ON CONFLICT (user) DO UPDATE SET revision = revision + 1",
            (user,),
        )
    return _read(connection, user)


def _has_server(connection: sqlite3.Connection, user: str, url: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM servers WHERE user = ? AND url = ?", (user, url)
    ).fetchone()
    return row is not None


def _server_count(connection: sqlite3.Connection, user: str) -> int:
    row = connection.execute("SELECT count(*) FROM servers WHERE user = ?", (user,)).fetchone()
    return int(row[0])


_INSERT = (
    "INSERT INTO servers (user, url, name, username, position) VALUES (?, ?, ?, ?, "
    "(SELECT coalesce(max(position), 0) + 1 FROM servers WHERE user = ?)) "
    "ON CONFLICT (user, url) "
)
# A new server goes to the end; one already there keeps its place, takes the new fields.
_UPSERT = (
    _INSERT + "DO UPDATE SET name = excluded.name, username = excluded.username "
    "WHERE name IS NOT excluded.name OR username IS NOT excluded.username"
)
# An imported server already there keeps its record.
_ADD_IF_NEW = _INSERT + "DO NOTHING"


def _insert(connection: sqlite3.Connection, sql: str, user: str, record: ServerRecord) -> None:
    connection.execute(sql, (user, record.url, record.name, record.username, user))


def _upsert(connection: sqlite3.Connection, user: str, record: ServerRecord) -> None:
    if (
        not _has_server(connection, user, record.url)
        and _server_count(connection, user) >= MAX_SERVERS
    ):
        raise TooManyServers(
            f"You keep {MAX_SERVERS} servers already, the most this service keeps "
            "for one user: remove some first."
        )
    _insert(connection, _UPSERT, user, record)


def upsert_server(connection: sqlite3.Connection, user: str, record: ServerRecord) -> UserState:
    """Add a server at the end of the list, or replace the name and username of one there."""
    with transaction(connection):
        before = connection.total_changes
        _upsert(connection, user, record)
        return _changed(connection, user, before)


def replace_server(
    connection: sqlite3.Connection,
    user: str,
    old_url: str,
    record: ServerRecord,
    operator_urls: frozenset[str],
) -> UserState:
    """A server's new address (and fields) in place of its old one, in one transaction.

    The new address takes the old one's place in the list, and its place as the default;
    its preferences go with it, unless the new address has its own. An entry the list
    already had for the new address is merged into this one. An old address the list
    does not have (another tab removed it) is an ordinary add. Like :func:`remove_server`,
    an old address the operator offers too keeps its preferences and default.
    """
    with transaction(connection):
        before = connection.total_changes
        if old_url == record.url or not _has_server(connection, user, old_url):
            _upsert(connection, user, record)
            return _changed(connection, user, before)
        connection.execute("DELETE FROM servers WHERE user = ? AND url = ?", (user, record.url))
        connection.execute(
            "UPDATE servers SET url = ?, name = ?, username = ? WHERE user = ? AND url = ?",
            (record.url, record.name, record.username, user, old_url),
        )
        keep_old = old_url in operator_urls
        has_own = connection.execute(
            "SELECT 1 FROM preferences WHERE user = ? AND url = ? LIMIT 1", (user, record.url)
        ).fetchone()
        if has_own is None:
            connection.execute(
                "INSERT INTO preferences (user, url, key, value) "
                "SELECT user, ?, key, value FROM preferences WHERE user = ? AND url = ?",
                (record.url, user, old_url),
            )
        if not keep_old:
            connection.execute(
                "DELETE FROM preferences WHERE user = ? AND url = ?", (user, old_url)
            )
            connection.execute(
                "UPDATE default_servers SET url = ? WHERE user = ? AND url = ?",
                (record.url, user, old_url),
            )
        return _changed(connection, user, before)


def remove_server(
    connection: sqlite3.Connection, user: str, url: str, operator_urls: frozenset[str]
) -> UserState:
    """Remove a server from the list with its preferences, and as default.

    A server the operator offers too stays usable, so its preferences and its place as
    the default stay.
    """
    with transaction(connection):
        before = connection.total_changes
        connection.execute("DELETE FROM servers WHERE user = ? AND url = ?", (user, url))
        if url not in operator_urls:
            connection.execute("DELETE FROM preferences WHERE user = ? AND url = ?", (user, url))
            connection.execute(
                "DELETE FROM default_servers WHERE user = ? AND url = ?", (user, url)
            )
        return _changed(connection, user, before)


def _check_known(
    connection: sqlite3.Connection, user: str, url: str, operator_urls: frozenset[str]
) -> None:
    if url not in operator_urls and not _has_server(connection, user, url):
        raise UnknownServer(
            f"{url} is neither one of your servers nor one this notebook's operator offers: "
            "add it first."
        )


def set_default(
    connection: sqlite3.Connection, user: str, url: str | None, operator_urls: frozenset[str]
) -> UserState:
    """Make a server the user's default, or (None) fall back to the operator's."""
    with transaction(connection):
        before = connection.total_changes
        if url is None:
            connection.execute("DELETE FROM default_servers WHERE user = ?", (user,))
        else:
            _check_known(connection, user, url, operator_urls)
            connection.execute(
                "INSERT INTO default_servers (user, url) VALUES (?, ?) ON CONFLICT (user) "
                "DO UPDATE SET url = excluded.url WHERE url IS NOT excluded.url",
                (user, url),
            )
        return _changed(connection, user, before)


def update_preferences(
    connection: sqlite3.Connection,
    user: str,
    url: str,
    changes: Mapping[str, str | None],
    operator_urls: frozenset[str],
) -> UserState:
    """Set (or, for None, remove) preferences of one server; other keys stay."""
    with transaction(connection):
        before = connection.total_changes
        _check_known(connection, user, url, operator_urls)
        for key, value in changes.items():
            if value is None:
                connection.execute(
                    "DELETE FROM preferences WHERE user = ? AND url = ? AND key = ?",
                    (user, url, key),
                )
            else:
                connection.execute(
                    "INSERT INTO preferences (user, url, key, value) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user, url, key) DO UPDATE SET value = excluded.value "
                    "WHERE value IS NOT excluded.value",
                    (user, url, key, value),
                )
        return _changed(connection, user, before)


def import_servers(
    connection: sqlite3.Connection,
    user: str,
    records: Iterable[ServerRecord],
    default_url: str | None,
    operator_urls: frozenset[str],
) -> UserState:
    """Add the servers not yet in the list (those there win) and a default if there is none.

    Running it twice changes nothing the second time. Refused whole (nothing added) when
    the list would pass its limit.
    """
    with transaction(connection):
        before = connection.total_changes
        fresh: dict[str, ServerRecord] = {}
        for record in records:
            if record.url not in fresh and not _has_server(connection, user, record.url):
                fresh[record.url] = record
        if _server_count(connection, user) + len(fresh) > MAX_SERVERS:
            raise TooManyServers(
                f"Importing {len(fresh)} servers would pass the {MAX_SERVERS} this service "
                "keeps for one user; nothing was imported."
            )
        for record in fresh.values():
            _insert(connection, _ADD_IF_NEW, user, record)
        if default_url is not None and (
            default_url in operator_urls or _has_server(connection, user, default_url)
        ):
            connection.execute(
                "INSERT INTO default_servers (user, url) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user, default_url),
            )
        return _changed(connection, user, before)
