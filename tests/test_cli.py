"""The command line and environment build one validated Settings object."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from opencode_proxy.cli import build_parser, flags, settings_from
from opencode_proxy.settings import SettingsError, normalize_prefix, parse_size


class TestPrefix:
    @pytest.mark.parametrize(
        ("raw", "normalized"),
        [
            ("/", ""),
            ("", ""),
            ("/notebook/ns/nb", "/notebook/ns/nb"),
            ("/notebook/ns/nb/", "/notebook/ns/nb"),
            (" /a-b_c.d~/e ", "/a-b_c.d~/e"),
        ],
    )
    def test_valid(self, raw: str, normalized: str) -> None:
        """A prefix is kept without its trailing slash ('' for the root)."""
        assert normalize_prefix(raw) == normalized

    @pytest.mark.parametrize(
        "raw",
        [
            "notebook",
            "http://x/notebook",
            "//evil.example",
            "/a//b",
            "/a/../b",
            "/a/./b",
            "/a b",
            "/a?b",
            "/a#b",
            "/a%2fb",
            "/<script>",
            "/é",
        ],
    )
    def test_invalid(self, raw: str) -> None:
        """A prefix that is not plain path segments is refused."""
        with pytest.raises(SettingsError):
            normalize_prefix(raw)


class TestSettingsFrom:
    def test_defaults(self) -> None:
        """With nothing set, the defaults of the issue apply."""
        settings = settings_from([], {})
        assert (settings.host, settings.port, settings.prefix) == ("0.0.0.0", 8888, "")
        assert settings.allow == ("*.svc.cluster.local",)
        assert (settings.connect_timeout, settings.shutdown_timeout) == (10.0, 5.0)
        assert settings.max_ws_message == 16 * 1024 * 1024

    def test_nb_prefix(self) -> None:
        """Kubeflow's NB_PREFIX is the default prefix."""
        assert settings_from([], {"NB_PREFIX": "/notebook/ns/nb"}).prefix == "/notebook/ns/nb"

    def test_environment(self) -> None:
        """Every option can come from OPENCODE_PROXY_<NAME>; lists are comma-separated."""
        settings = settings_from(
            [],
            {
                "OPENCODE_PROXY_PORT": "9000",
                "OPENCODE_PROXY_ALLOW": "*.svc.cluster.local, 127.0.0.1:4096",
                "OPENCODE_PROXY_PREFIX": "/x",
                "OPENCODE_PROXY_MAX_WS_MESSAGE": "1MiB",
                "OPENCODE_PROXY_LOG_FORMAT": "console",
            },
        )
        assert settings.port == 9000
        assert settings.allow == ("*.svc.cluster.local", "127.0.0.1:4096")
        assert settings.prefix == "/x"
        assert settings.max_ws_message == 1024 * 1024
        assert settings.log_format == "console"

    def test_flags_win_over_environment(self) -> None:
        """A flag given on the command line replaces the variable."""
        settings = settings_from(
            ["--allow", "a.b:1", "--allow", "c.d"], {"OPENCODE_PROXY_ALLOW": "x.y"}
        )
        assert settings.allow == ("a.b:1", "c.d")

    @pytest.mark.parametrize(
        ("argv", "environ"),
        [
            (["--prefix", "no-slash"], {}),
            (["--port", "http"], {}),
            (["--port", "70000"], {}),
            (["--connect-timeout", "0"], {}),
            (["--max-ws-message", "lots"], {}),
            ([], {"OPENCODE_PROXY_LOG_FORMAT": "xml"}),
            ([], {"OPENCODE_PROXY_WORKERS": "0"}),
        ],
    )
    def test_bad_values_exit_2(
        self, argv: list[str], environ: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad value stops start-up with a message naming the setting."""
        with pytest.raises(SystemExit) as info:
            settings_from(argv, environ)
        assert info.value.code == 2
        assert "error" in capsys.readouterr().err

    def test_help_names_every_variable(self) -> None:
        """--help documents each option with its environment variable."""
        text = build_parser({}).format_help()
        flat = " ".join(text.split())
        for flag in flags():
            assert flag.flag in text
            assert flag.env in flat


@pytest.mark.parametrize(
    ("text", "size"),
    [("1024", 1024), ("64KiB", 65536), ("16M", 16 * 1024 * 1024), ("1 GiB", 1 << 30)],
)
def test_parse_size(text: str, size: int) -> None:
    """Sizes accept plain bytes and binary suffixes."""
    assert parse_size(text) == size


def test_module_help_runs() -> None:
    """python -m opencode_proxy --help works in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-m", "opencode_proxy", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=True,
    )
    assert "--allow PATTERN" in result.stdout


def test_unallowed_server_refused_at_start(tmp_path: Path) -> None:
    """A preset server outside the allow patterns stops start-up with a clear message."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "opencode_proxy",
            "--port",
            "0",
            "--server",
            "http://evil.example",
            "--log-format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=30,
    )
    assert result.returncode == 2
    assert "does not allow the server evil.example:80" in result.stderr


def test_readme_documents_every_option() -> None:
    """The README's settings tables name every flag and its variable."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for flag in flags():
        assert f"`{flag.flag}`" in readme, flag.flag
        assert f"`{flag.env}`" in readme, flag.env
