"""``python -m bench``: command line -> plan -> run."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()
