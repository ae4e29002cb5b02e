"""The command line, derived from :class:`.Settings`: a flag and a variable per field.

Each field's flag is its name with dashes, its variable ``OPENCODE_PROXY_`` and the same
name in capitals; its help, default and parser come from the field itself. A flag given
on the command line wins over its variable; lists repeat the flag, or are comma-separated
in the variable.
"""

from __future__ import annotations

import argparse
import os
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .settings import Option, Settings, SettingsError, env_of, flag_of, options


@dataclass(frozen=True)
class Flag:
    """One setting as the command line offers it."""

    field: str
    flag: str
    env: str
    option: Option
    parse: Callable[[str], Any]
    repeat: bool

    def default(self, environ: Mapping[str, str]) -> Any:
        """The value when neither the flag nor the variable is given."""
        if self.option.from_environment is not None:
            return self.option.from_environment(environ)
        return _FIELD_DEFAULTS[self.field]

    def shown_default(self, environ: Mapping[str, str]) -> str:
        """The default as ``--help`` names it."""
        if self.option.shown_default is not None:
            return self.option.shown_default
        default = self.default(environ)
        if isinstance(default, tuple):
            return ",".join(default) or "none"
        return str(default) if default not in (None, "") else "none"


_FIELD_DEFAULTS = {name: getattr(Settings(), name) for name, _ in options()}
_HINTS = typing.get_type_hints(Settings)


def _parser_of(name: str, option: Option) -> tuple[Callable[[str], Any], bool]:
    """How one value of a field is read, and whether the field is a list."""
    hint = _HINTS[name]
    repeat = typing.get_origin(hint) is tuple
    if option.parse is not None:
        return option.parse, repeat
    if repeat:
        return str, True
    if hint in (int, float, str, Path):
        return hint, False
    return str, False  # Literal choices, checked by argparse


def flags() -> tuple[Flag, ...]:
    """Every setting the command line offers, in the order of Settings' fields."""
    result = []
    for name, option in options():
        parse, repeat = _parser_of(name, option)
        result.append(
            Flag(name, flag_of(name, option), env_of(name, option), option, parse, repeat)
        )
    return tuple(result)


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """The argument parser; its help names each option's variable and default."""
    parser = argparse.ArgumentParser(
        prog="opencode-proxy",
        description=(
            "Serve the OpenCode web UI under a Kubeflow notebook prefix and proxy its API "
            "calls, event streams and terminals to OpenCode servers in sandbox pods."
        ),
        epilog="Every option can also be set with the environment variable named in its help.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    for flag in flags():
        parser.add_argument(
            flag.flag,
            dest=flag.field,
            action="append" if flag.repeat else "store",
            default=None,
            metavar=flag.option.metavar,
            choices=flag.option.choices,
            help=(f"{flag.option.help} [env {flag.env}; default: {flag.shown_default(environ)}]"),
        )
    return parser


def settings_from(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Parse the command line and environment into validated Settings (exit 2 on error)."""
    environ = os.environ if environ is None else environ
    parser = build_parser(environ)
    args = parser.parse_args(argv)
    values: dict[str, Any] = {}
    for flag in flags():
        given = getattr(args, flag.field)
        source = flag.flag
        if given is None and flag.env in environ:
            given = environ[flag.env]
            source = flag.env
            if flag.repeat:
                given = [item for item in given.split(",") if item.strip()]
            elif flag.option.choices and given not in flag.option.choices:
                parser.error(f"{source}: must be one of {', '.join(flag.option.choices)}")
        if given is None:
            values[flag.field] = flag.default(environ)
            continue
        try:
            if flag.repeat:
                values[flag.field] = tuple(flag.parse(item.strip()) for item in given)
            else:
                values[flag.field] = flag.parse(given)
        except ValueError as exc:
            parser.error(f"{source}: {exc}")
    try:
        return Settings(**values)
    except SettingsError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error exits
