"""``python -m tools.fake_model``: serve the scripted model."""

import argparse

from aiohttp import web

from . import __doc__ as about
from .server import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=about)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4097)
    parser.add_argument(
        "--demo", action="store_true", help="prompts without markers take the demo tour"
    )
    args = parser.parse_args()
    web.run_app(create_app(demo=args.demo), host=args.host, port=args.port, print=None)


main()
