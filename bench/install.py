"""Install what the benchmark needs and the project does not: nginx, wrk, jupyter-server-proxy.

Chromium (for the first-load scenario) comes from Debian as for the browser tests.

nginx and wrk come from Debian (``apt-get``, through ``sudo`` when not root);
jupyter-server-proxy and jupyter-server go into their own venv under ``.bench/`` so they
never touch the project's. The OpenCode binary is the one ``make`` installs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.support.chromium import CHROMIUM

from . import ROOT, STATE_DIR

APT_PACKAGES = {"nginx": "nginx", "wrk": "wrk"}
JSP_VENV = STATE_DIR / "jsp"
# Pinned so that runs on different days compare the same incumbent.
JSP_REQUIREMENTS = ("jupyter-server-proxy==4.6.0", "jupyter-server==2.21.1")
OPENCODE_DIR = ROOT / "tools" / "opencode"
OPENCODE_BIN = OPENCODE_DIR / "node_modules" / ".bin" / "opencode"
_SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")
# Debian's convention for "do not start services from maintainer scripts": without it,
# installing nginx would also start the system nginx on port 80.
_POLICY_RC = Path("/usr/sbin/policy-rc.d")


def which(name: str) -> str | None:
    """Find an executable on PATH or in the sbin directories (nginx lives in /usr/sbin)."""
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(_SBIN)
    return shutil.which(name, path=path)


def _privileged(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return argv
    if shutil.which("sudo") is None:
        raise RuntimeError(f"{argv[0]} needs root and sudo is not installed: run as root")
    return ["sudo", "--non-interactive", *argv]


def ensure_debian_tools(say: Callable[[str], None] = print) -> None:
    """``apt-get install`` nginx and wrk when either is missing."""
    missing = [pkg for exe, pkg in APT_PACKAGES.items() if which(exe) is None]
    if not missing:
        return
    say(f"installing {', '.join(missing)} from Debian ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    created_policy = False
    if not _POLICY_RC.exists() and os.geteuid() == 0:
        _POLICY_RC.write_text("#!/bin/sh\nexit 101\n")
        _POLICY_RC.chmod(0o755)
        created_policy = True
    try:
        subprocess.run(_privileged(["apt-get", "update", "-qq"]), env=env, check=True)
        subprocess.run(
            _privileged(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]),
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    finally:
        if created_policy:
            _POLICY_RC.unlink(missing_ok=True)
    still = [exe for exe in APT_PACKAGES if which(exe) is None]
    if still:
        raise RuntimeError(f"apt-get did not provide {', '.join(still)}")


def _base_python() -> str:
    base = getattr(sys, "_base_executable", None)
    return base if base and Path(base).exists() else "python3"


def ensure_jupyter_server_proxy(say: Callable[[str], None] = print) -> Path:
    """A venv under ``.bench/`` with jupyter-server and jupyter-server-proxy; its ``jupyter``."""
    stamp = JSP_VENV / ".installed"
    wanted = "\n".join(JSP_REQUIREMENTS)
    if stamp.exists() and stamp.read_text() == wanted:
        return JSP_VENV / "bin" / "jupyter"
    say("installing jupyter-server-proxy into .bench/jsp ...")
    subprocess.run([_base_python(), "-m", "venv", str(JSP_VENV)], check=True)
    pip = [str(JSP_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *JSP_REQUIREMENTS], check=True)
    stamp.write_text(wanted)
    return JSP_VENV / "bin" / "jupyter"


def ensure_chromium(say: Callable[[str], None] = print) -> None:
    """Debian's Chromium (for the first-load scenario), as ``make deps`` installs it."""
    if Path(CHROMIUM).exists():
        return
    say("installing chromium from Debian ...")
    subprocess.run([str(ROOT / "tools" / "ensure-debian-packages.sh"), "chromium"], check=True)


def ensure_opencode(say: Callable[[str], None] = print) -> Path:
    """The pinned OpenCode binary, installed as the Makefile does when it is missing."""
    if not OPENCODE_BIN.exists():
        say("installing OpenCode (npm install in tools/opencode) ...")
        # Not `npm ci`: the lock lists only the platform packages the registry serves,
        # and `npm ci` refuses a lock without every optional platform package.
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=OPENCODE_DIR,
            check=True,
        )
    return OPENCODE_BIN


def jsp_versions() -> dict[str, str]:
    """Versions inside the jupyter-server-proxy venv."""
    code = (
        "import importlib.metadata as m;"
        "print(';'.join(n + '=' + m.version(n) for n in "
        "('jupyter-server-proxy', 'jupyter-server', 'tornado')))"
    )
    try:
        out = subprocess.run(
            [str(JSP_VENV / "bin" / "python"), "-c", code],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {}
    return dict(item.split("=", 1) for item in out.split(";"))
