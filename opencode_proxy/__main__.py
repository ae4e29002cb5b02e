"""``python -m opencode_proxy``: command line -> settings -> run."""

from __future__ import annotations

from .cli import settings_from
from .serve.supervisor import run


def main() -> None:
    """Entry point of the ``opencode-proxy`` command."""
    run(settings_from())


if __name__ == "__main__":
    main()
