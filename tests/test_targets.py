"""Parsing target addresses and building the upstream URL beneath them."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencode_proxy.edge.errors import BadPath, BadTarget
from opencode_proxy.target.parse import forward_query, parse_target, upstream_url


class TestParseTarget:
    @pytest.mark.parametrize(
        ("raw", "scheme", "host", "port", "base"),
        [
            (
                "http://sandbox.ns.svc.cluster.local:4096",
                "http",
                "sandbox.ns.svc.cluster.local",
                4096,
                "",
            ),
            (
                "HTTP://Sandbox.NS.svc.cluster.local.:4096/",
                "http",
                "sandbox.ns.svc.cluster.local",
                4096,
                "",
            ),
            ("https://oc.example", "https", "oc.example", 443, ""),
            ("http://oc.example/base/path/", "http", "oc.example", 80, "/base/path"),
            ("http://127.0.0.1:4096", "http", "127.0.0.1", 4096, ""),
            ("http://[::1]:4096", "http", "::1", 4096, ""),
            ("http://[0:0:0:0:0:0:0:1]:4096", "http", "::1", 4096, ""),
            ("http://xn--bcher-kva.example", "http", "xn--bcher-kva.example", 80, ""),
            ("http://a.b/c%20d", "http", "a.b", 80, "/c%20d"),
        ],
    )
    def test_accepts_and_normalises(
        self, raw: str, scheme: str, host: str, port: int, base: str
    ) -> None:
        """A well-formed base URL parses to its lower-cased host, explicit port and base path."""
        target = parse_target(raw)
        assert (target.scheme, target.host, target.port, target.base_path) == (
            scheme,
            host,
            port,
            base,
        )

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "sandbox:4096",
            "//sandbox:4096",
            "ftp://sandbox",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://user@sandbox.ns.svc.cluster.local",
            "http://user:pw@sandbox.ns.svc.cluster.local",
            "http://allowed.svc.cluster.local@evil.example",
            "http://evil.example\\@allowed.svc.cluster.local",
            "http://sandbox.ns.svc.cluster.local:4096?x=1",
            "http://sandbox.ns.svc.cluster.local:4096#frag",
            "http://sandbox.ns.svc.cluster.local:99999",
            "http://sandbox.ns.svc.cluster.local:0",
            "http://sandbox.ns.svc.cluster.local:+80",
            "http://sandbox%2ens.svc.cluster.local",
            "http://sandbox.ns.svc.cluster.local%00.evil",
            "http://sandbox.ns.svc.cluster.local\r\nX-Evil: 1",
            "http://sandbox .ns",
            "http://bücher.example",
            "http://xn--80ak6aa92e.svc.cluster.lоcal",
            "http://2130706433",
            "http://0177.0.0.1",
            "http://0x7f.0.0.1",
            "http://0x7f000001",
            "http://127.1",
            "http://127.0.0.01",
            "http://1.2.3.4.5",
            "http://[::1%25eth0]",
            "http://[::ffff:127.0.0.1",
            "http://[fe80::1]]",
            "http://a..b",
            "http://-a.example",
            "http://a_b.example",
            "http://a.b/base/../../x",
            "http://a.b/base/%2e%2e/x",
            "http://a.b/base//x",
            "http://a.b/ba se",
            "http://" + "a" * 64 + ".example",
            "http://a.b/" + "x" * 3000,
        ],
    )
    def test_refuses(self, raw: str) -> None:
        """Anything a URL parser might read two ways is refused as a bad target."""
        with pytest.raises(BadTarget):
            parse_target(raw)

    def test_websocket_schemes_only_for_upgrades(self) -> None:
        """ws:// and wss:// name targets only for websocket upgrades, mapped to http(s)."""
        with pytest.raises(BadTarget):
            parse_target("ws://sandbox.ns.svc.cluster.local:4096")
        assert parse_target("wss://sandbox.ns.svc.cluster.local", websocket=True).scheme == "https"

    def test_origin_and_url(self) -> None:
        """The target's origin omits the default port and brackets IPv6."""
        assert parse_target("http://a.b:80/x").origin == "http://a.b"
        assert parse_target("http://[::1]:4096/x").url == "http://[::1]:4096/x"
        assert parse_target("https://a.b:8443").host_port == "a.b:8443"


class TestUpstreamUrl:
    target = parse_target("http://sandbox.ns.svc.cluster.local:4096/base")

    @pytest.mark.parametrize(
        ("tail", "path"),
        [
            ("session", "/base/session"),
            ("", "/base/"),
            ("//evil.example/x", "/base///evil.example/x"),
            ("a%2Fb/c", "/base/a%2Fb/c"),
            ("a%5Cb", "/base/a%5Cb"),
            ("a\\b", "/base/a%5Cb"),
            ("@evil.example/x", "/base/@evil.example/x"),
            ("x:y@evil/", "/base/x:y@evil/"),
            ("file.txt", "/base/file.txt"),
            ("..a/b..", "/base/..a/b.."),
        ],
    )
    def test_path_stays_under_base(self, tail: str, path: str) -> None:
        """Whatever the tail, the URL has the target's origin and a path under its base."""
        url = upstream_url(self.target, tail, "")
        assert (url.scheme, url.host, url.port) == ("http", "sandbox.ns.svc.cluster.local", 4096)
        assert url.raw_path == path

    @pytest.mark.parametrize(
        "tail", ["..", "a/../..", "a/./b", "%2e%2e/x", "%2E./x", ".%2e/x", "a/%2e"]
    )
    def test_dot_segments_refused(self, tail: str) -> None:
        """Dot segments, plain or escaped, are refused instead of resolved."""
        with pytest.raises(BadPath):
            upstream_url(self.target, tail, "")

    @pytest.mark.parametrize(
        ("query", "kept"),
        [
            ("target=http://x&a=1", "a=1"),
            ("a=1&target=http%3A%2F%2Fx&b=%20", "a=1&b=%20"),
            ("%74arget=x&directory=%2Ftmp", "directory=%2Ftmp"),
            ("targets=1", "targets=1"),
            ("a=1&a=2", "a=1&a=2"),
            ("", ""),
        ],
    )
    def test_target_parameter_removed(self, query: str, kept: str) -> None:
        """Only the target parameter is removed; everything else is forwarded as sent."""
        assert forward_query(query) == kept

    def test_websocket_url(self) -> None:
        """Upgrades go to ws:// (or wss://) on the same host and port."""
        url = upstream_url(parse_target("https://a.b:8443"), "pty/1/connect", "cursor=0", True)
        assert str(url) == "wss://a.b:8443/pty/1/connect?cursor=0"


@given(tail=st.text(max_size=60), query=st.text(max_size=60))
def test_any_path_and_query_keep_scheme_host_port(tail: str, query: str) -> None:
    """For any path and query the proxy forwards, the upstream URL's origin is the target's."""
    target = parse_target("http://sandbox.ns.svc.cluster.local:4096/base")
    try:
        url = upstream_url(target, tail, query.replace("#", "%23"))
    except BadPath:
        return
    assert (url.scheme, url.host, url.port) == ("http", "sandbox.ns.svc.cluster.local", 4096)
    assert url.raw_path.startswith("/base/")


@given(address=st.ip_addresses())
def test_ip_literals_parse_to_the_same_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    """Every IP address, written canonically, parses back to itself."""
    literal = f"[{address}]" if address.version == 6 else str(address)
    target = parse_target(f"http://{literal}:4096")
    assert target.ip == address


TARGET_KEYS = json.loads((Path(__file__).parent / "target-keys.json").read_text())["cases"]


@pytest.mark.parametrize(("raw", "key"), TARGET_KEYS)
def test_canonical_form_shared_with_the_ui(raw: str, key: str) -> None:
    """The canonical form of a target is the key the UI lists it under (one shared table)."""
    assert parse_target(raw).url == key
