"""nginx configurations: a static-file upstream, and a reverse proxy peer.

Both are our own nginx processes (``nginx -c CONF -g 'daemon off;'``) with every path in a
temporary directory, never the system service. Each runs one worker, so "one process
each" holds for the proxy; the static upstream is a separate nginx process.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

KEEPALIVE_IDLE = 64


def _main_block(work: Path) -> str:
    # A root master would hand its worker to "nobody", which cannot read a 0700 temp dir.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    # As many descriptors as the harness has (it raised its limit as far as it may).
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    temp = "\n".join(
        f"    {kind}_temp_path {work / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
worker_rlimit_nofile {files};
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{
    worker_connections 32768;
}}
http {{
    access_log off;
{temp}
    default_type application/octet-stream;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
"""


def static_config(work: Path, port: int, files: Path) -> str:
    """nginx serving ``files`` on ``port``: the fastest upstream for GET and download."""
    return (
        _main_block(work)
        + f"""    sendfile on;
    tcp_nopush on;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {files};
    }}
}}
"""
    )


def proxy_config(work: Path, port: int, upstreams: dict[int, bool]) -> str:
    """nginx proxying ``/u/<port>/...`` to each upstream port (value: it streams events).

    Keep-alive to every upstream (``Connection`` is cleared unless upgrading; the headers
    are set per location because a location that sets any drops the server's); websocket
    upgrades pass through; request bodies stream (no spooling a 1 GiB upload to disk
    first) and responses never spill into temporary files; buffers are 256 KiB like
    ours (nginx's 4-16 KiB defaults halve its large-body throughput here); event-stream
    upstreams get ``proxy_buffering off``.
    """
    blocks = []
    locations = []
    for upstream, streams in sorted(upstreams.items()):
        blocks.append(
            f"""    upstream u{upstream} {{
        server 127.0.0.1:{upstream};
        keepalive {KEEPALIVE_IDLE};
    }}
"""
        )
        buffering = "            proxy_buffering off;\n" if streams else ""
        locations.append(
            f"""        location /u/{upstream}/ {{
            proxy_pass http://u{upstream}/;
            proxy_set_header Host 127.0.0.1:{upstream};
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
{buffering}        }}
"""
        )
    return (
        _main_block(work)
        + """    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' '';
    }
"""
        + "".join(blocks)
        + f"""    server {{
        listen 127.0.0.1:{port} backlog=4096;
        client_max_body_size 0;
        proxy_http_version 1.1;
        proxy_request_buffering off;
        client_body_buffer_size 256k;
        proxy_buffer_size 64k;
        proxy_buffers 8 256k;
        proxy_busy_buffers_size 256k;
        proxy_max_temp_file_size 0;
        proxy_read_timeout 3600s;
        proxy_send_timeout 3600s;
"""
        + "".join(locations)
        + """    }
}
"""
    )


def write_config(work: Path, text: str) -> Path:
    """Write ``nginx.conf`` and the temp directories it names into ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / kind).mkdir(exist_ok=True)
    path = work / "nginx.conf"
    path.write_text(text)
    return path
