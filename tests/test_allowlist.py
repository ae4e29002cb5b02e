"""Host patterns: parsed once, matched against parsed targets."""

from __future__ import annotations

import pytest

from opencode_proxy.policy.allowlist import Allowlist, HostPattern
from opencode_proxy.settings import SettingsError
from opencode_proxy.target.parse import parse_target


class TestMatching:
    @pytest.mark.parametrize(
        ("patterns", "target", "allowed"),
        [
            (["*.svc.cluster.local"], "http://oc.team-a.svc.cluster.local:4096", True),
            (["*.svc.cluster.local"], "http://OC.Team-A.svc.cluster.local.:4096", True),
            (["*.svc.cluster.local"], "https://a.b.c.svc.cluster.local", True),
            (["*.svc.cluster.local"], "http://svc.cluster.local", False),
            (["*.svc.cluster.local"], "http://evilsvc.cluster.local", False),
            (["*.svc.cluster.local"], "http://x.svc.cluster.local.evil.example", False),
            (["*.svc.cluster.local"], "http://127.0.0.1:4096", False),
            (["*.svc.cluster.local"], "http://[::1]:4096", False),
            (
                ["sandbox.ns.svc.cluster.local:4096"],
                "http://sandbox.ns.svc.cluster.local:4096",
                True,
            ),
            (
                ["sandbox.ns.svc.cluster.local:4096"],
                "http://sandbox.ns.svc.cluster.local:4097",
                False,
            ),
            (
                ["sandbox.ns.svc.cluster.local:4096"],
                "http://x.sandbox.ns.svc.cluster.local:4096",
                False,
            ),
            (["127.0.0.1:4096"], "http://127.0.0.1:4096", True),
            (["127.0.0.1:4096"], "http://127.0.0.1:4097", False),
            (["127.0.0.1:4096"], "http://[::ffff:127.0.0.1]:4096", False),
            (["127.0.0.1:4096"], "http://localhost:4096", False),
            (["[::1]:4096"], "http://[0::1]:4096", True),
            (["localhost:*"], "http://localhost:1234", True),
            (["localhost:*"], "http://localhost.evil.example:1234", False),
            (["sandbox-*.ns.svc.cluster.local"], "http://sandbox-7.ns.svc.cluster.local", True),
            (
                ["sandbox-*.ns.svc.cluster.local"],
                "http://sandbox-7.evil.ns.svc.cluster.local",
                False,
            ),
            (["*"], "http://anything.example:1", True),
            (["*"], "http://10.0.0.1", False),
            ([], "http://oc.ns.svc.cluster.local", False),
        ],
    )
    def test_table(self, patterns: list[str], target: str, allowed: bool) -> None:
        """Each pattern allows exactly the hosts and ports it names."""
        assert Allowlist(patterns).matches(parse_target(target)) is allowed

    def test_exact_host_port(self) -> None:
        """Only a pattern without wildcards naming a port names a host and port exactly."""
        allowlist = Allowlist(["127.0.0.1:4096", "*.svc.cluster.local", "oc.example", "[::1]:1"])
        assert allowlist.names_host_port("127.0.0.1", 4096)
        assert allowlist.names_host_port("::1", 1)
        assert not allowlist.names_host_port("a.svc.cluster.local", 4096)
        assert not allowlist.names_host_port("oc.example", 80)


class TestParsing:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "http://a.b",
            "a.b:port",
            "a.b:70000",
            "a b",
            "[::1",
            "[nothing]:1",
            "a/b",
            "*.a.b:0",
            "-a.b",
        ],
    )
    def test_invalid_patterns(self, text: str) -> None:
        """A malformed pattern is a configuration error that names it."""
        with pytest.raises(SettingsError, match="pattern"):
            HostPattern.parse(text)

    def test_texts_kept_as_written(self) -> None:
        """The patterns are reported as the operator wrote them."""
        assert Allowlist(["*.svc.cluster.local", "127.0.0.1:4096"]).texts == [
            "*.svc.cluster.local",
            "127.0.0.1:4096",
        ]
