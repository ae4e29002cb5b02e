"""The state database: its file, its schema steps, and the loud start-up errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from opencode_proxy.state.database import FILE_NAME, Database, StateError, connect
from opencode_proxy.state.migrations import APPLICATION_ID, CURRENT_VERSION, migrate
from tests.conftest import ROOT, ProxyProcess

TABLES = {
    "sessions",
    "credentials",
    "credential_changes",
    "servers",
    "default_servers",
    "preferences",
    "revisions",
}


def tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def start_proxy(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the proxy's command line until it exits (these tests expect it to)."""
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "opencode_proxy", "--port", "0", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "OPENCODE_PROXY_LOG_FORMAT": "json"},
        timeout=60,
    )


class TestFile:
    def test_fresh_directory(self, tmp_path: Path) -> None:
        """A missing directory is made (0700) with a 0600 file in WAL mode at the current schema."""
        directory = tmp_path / "a" / "b"
        connection = connect(directory / FILE_NAME)
        try:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
            assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
            assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
            assert tables(connection) == TABLES
        finally:
            connection.close()
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE((directory / FILE_NAME).stat().st_mode) == 0o600

    def test_opening_twice_changes_nothing(self, tmp_path: Path) -> None:
        """A current file is opened as it is: rows stay, no step runs again."""
        path = tmp_path / FILE_NAME
        first = connect(path)
        first.execute("INSERT INTO revisions (user, revision) VALUES ('u', 5)")
        first.close()
        second = connect(path)
        try:
            assert second.execute("SELECT revision FROM revisions").fetchall() == [(5,)]
        finally:
            second.close()


class TestMigrations:
    def test_from_version_1(self, tmp_path: Path) -> None:
        """A file at version 1 (sessions only) is brought to the current version, its rows kept."""
        path = tmp_path / FILE_NAME
        old = sqlite3.connect(path, isolation_level=None)
        assert migrate(old, target=1) == 0
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "servers" not in tables(old)
        old.execute("INSERT INTO sessions VALUES (x'01', 'alice', 1.0, 2.0)")
        old.execute("INSERT INTO credentials VALUES (x'01', 'http://a', 'u', x'00')")
        old.close()
        connection = connect(path)
        try:
            assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
            assert tables(connection) == TABLES
            assert connection.execute("SELECT user FROM sessions").fetchall() == [("alice",)]
            assert connection.execute("SELECT target FROM credentials").fetchall() == [
                ("http://a",)
            ]
        finally:
            connection.close()

    def test_a_failed_step_changes_nothing(self, tmp_path: Path) -> None:
        """A step that fails rolls the whole migration back: the file stays at its version."""
        path = tmp_path / FILE_NAME
        old = sqlite3.connect(path, isolation_level=None)
        migrate(old, target=1)
        # Something in the way of step 2's first table.
        old.execute("CREATE TABLE servers (x)")
        with pytest.raises(sqlite3.OperationalError):
            migrate(old)
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "default_servers" not in tables(old)
        old.close()

    def test_newer_version_refused(self, tmp_path: Path) -> None:
        """A file written by a newer version is refused, naming the path and what to do."""
        path = tmp_path / FILE_NAME
        connect(path).close()
        newer = sqlite3.connect(path)
        newer.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
        newer.close()
        with pytest.raises(StateError, match="newer opencode-proxy") as caught:
            connect(path)
        assert str(path) in str(caught.value)

    def test_another_programs_database_refused(self, tmp_path: Path) -> None:
        """A SQLite file of another program is not migrated into."""
        path = tmp_path / FILE_NAME
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (text)")
        other.commit()
        other.close()
        with pytest.raises(StateError, match="another program"):
            connect(path)
        other = sqlite3.connect(path)
        assert tables(other) == {"notes"}
        other.close()


class TestBadFiles:
    def test_not_a_database(self, tmp_path: Path) -> None:
        """A file that is not SQLite is reported as corrupt, naming it and the fix."""
        path = tmp_path / FILE_NAME
        path.write_bytes(b"this is not a database\n" * 100)
        with pytest.raises(StateError) as caught:
            connect(path)
        message = str(caught.value)
        assert str(path) in message
        assert "corrupt" in message
        assert "--state-dir" in message
        assert path.read_bytes().startswith(b"this is not")  # nothing was overwritten

    def test_damaged_pages(self, tmp_path: Path) -> None:
        """A database whose pages are damaged fails its integrity check at start-up."""
        path = tmp_path / FILE_NAME
        connection = connect(path)
        for i in range(400):
            connection.execute(
                "INSERT INTO servers VALUES ('u', ?, 'name', NULL, ?)", (f"http://s{i}", i)
            )
        connection.close()
        data = bytearray(path.read_bytes())
        page = 4096
        assert len(data) > 4 * page
        data[2 * page : 4 * page] = os.urandom(2 * page)
        path.write_bytes(bytes(data))
        with pytest.raises(StateError, match="corrupt"):
            connect(path)

    def test_fallback_to_memory(self, tmp_path: Path) -> None:
        """With the fallback chosen, a corrupt file leaves state in memory, not persistent."""
        (tmp_path / FILE_NAME).write_bytes(b"garbage" * 1000)
        database = Database(tmp_path, fallback=True)
        database.prepare()
        assert database.persistent is False
        strict = Database(tmp_path)
        with pytest.raises(StateError):
            strict.prepare()


class TestStartUp:
    def test_corrupt_file_stops_start_up(self, tmp_path: Path) -> None:
        """The proxy exits non-zero with the path and the fix, and no traceback."""
        (tmp_path / FILE_NAME).write_bytes(b"garbage" * 1000)
        result = start_proxy("--state-dir", str(tmp_path))
        assert result.returncode == 1
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        event = json.loads(output.strip().splitlines()[-1])
        assert event["event"] == "state.unusable"
        assert str(tmp_path / FILE_NAME) in event["message"]
        assert "--state-dir" in event["message"]

    def test_unwritable_directory_stops_start_up(self, tmp_path: Path) -> None:
        """A directory the proxy may not write to stops it, saying so and how to fix it."""
        directory = tmp_path / "locked"
        directory.mkdir(mode=0o500)
        prefix: list[str] = []
        if os.geteuid() == 0:
            # Root writes anywhere; without these capabilities it obeys the mode like anyone.
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv to drop CAP_DAC_OVERRIDE")
            prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
        result = start_proxy("--state-dir", str(directory / "state"), prefix=prefix)
        assert result.returncode == 1, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        message = json.loads(output.strip().splitlines()[-1])["message"]
        assert "not writable" in message
        assert str(directory) in message
        assert "--state-on-error memory" in message

    def test_path_through_a_file_stops_start_up(self, tmp_path: Path) -> None:
        """A state directory that cannot be a directory (a file is in the way) stops start-up."""
        (tmp_path / "file").write_text("x")
        result = start_proxy("--state-dir", str(tmp_path / "file" / "state"))
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
        assert str(tmp_path / "file") in result.stdout + result.stderr

    def test_fallback_starts_in_memory(
        self, tmp_path: Path, proxy_process: Callable[..., ProxyProcess]
    ) -> None:
        """With --state-on-error memory the proxy warns, starts, and says state is not persistent."""
        (tmp_path / FILE_NAME).write_bytes(b"garbage" * 1000)
        proxy = proxy_process("--state-dir", str(tmp_path), "--state-on-error", "memory")
        with urllib.request.urlopen(proxy.base + "/api/state", timeout=5) as response:
            assert json.load(response)["persistent"] is False
        with urllib.request.urlopen(proxy.base + "/readyz", timeout=5) as response:
            assert response.status == 200
        output = proxy.stop()
        warning = next(
            json.loads(line) for line in output.splitlines() if '"state.in_memory"' in line
        )
        assert warning["level"] == "warning"
        assert "corrupt" in warning["message"]
        assert (tmp_path / FILE_NAME).read_bytes() == b"garbage" * 1000

    def test_state_survives_a_restart(
        self, tmp_path: Path, proxy_process: Callable[..., ProxyProcess]
    ) -> None:
        """A user's servers are there after the proxy process restarts on the same directory."""
        first = proxy_process("--state-dir", str(tmp_path), "--allow", "*.svc.cluster.local")
        request = urllib.request.Request(
            first.base + "/api/state/servers",
            data=json.dumps({"url": "http://a.ns.svc.cluster.local:4096", "name": "A"}).encode(),
            headers={
                "Origin": f"http://127.0.0.1:{first.port}",
                "kubeflow-userid": "alice",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        first.stop()
        second = proxy_process("--state-dir", str(tmp_path), "--allow", "*.svc.cluster.local")
        request = urllib.request.Request(
            second.base + "/api/state", headers={"kubeflow-userid": "alice"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            state = json.load(response)
        assert state["servers"] == [{"url": "http://a.ns.svc.cluster.local:4096", "name": "A"}]
        assert state["persistent"] is True

    def test_metrics_cover_the_database(
        self, tmp_path: Path, proxy_process: Callable[..., ProxyProcess]
    ) -> None:
        """/metrics reports the database open, its size and its query timings."""
        proxy = proxy_process("--state-dir", str(tmp_path))
        with urllib.request.urlopen(proxy.base + "/api/state", timeout=5):
            pass
        with urllib.request.urlopen(proxy.base + "/metrics", timeout=5) as response:
            text = response.read().decode()
        assert "opencode_proxy_state_open 1.0" in text
        size = next(
            line for line in text.splitlines() if line.startswith("opencode_proxy_state_size_bytes")
        )
        assert float(size.split()[-1]) > 0
        assert 'opencode_proxy_state_query_seconds_count{operation="read_state"} 1.0' in text
        assert "# TYPE opencode_proxy_state_query_errors_total counter" in text
