"""The `statuspress` command line: the only module that prints, prompts or exits."""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys
from types import ModuleType
from typing import Any, TextIO

import click

from . import __version__

COMMANDS = (
    "init",
    "new",
    "update",
    "resolve",
    "maintenance",
    "postmortem",
    "check",
    "build",
    "serve",
    "status",
    "report",
    "notify",
    "lock",
    "import",
)
MODULES = {"import": "importing"}  # a command whose name is a Python keyword


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `--help` and each command start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _module(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _module(cmd_name) if cmd_name in COMMANDS else None
        return getattr(module, "command", None)


def _module(name: str) -> ModuleType | None:
    try:
        module = MODULES.get(name, name)
        return importlib.import_module(f"statuspress.commands.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"statuspress.commands.{MODULES.get(name, name)}":
            return None
        raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statuspress")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Publish a status site from incident updates committed to git."""
    show_controls_visibly(ctx)


# Control characters a terminal would act on (escape sequences, bell, backspace) and those
# that reorder the text shown (bidirectional overrides): what the program prints quotes
# titles, names and paths from the content, so each is shown as `\x1b`, `\u202e`...
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def visible(text: str) -> str:
    """`text` with every terminal control written out as an escape (ESC as backslash x1b)."""
    return _TERMINAL_CONTROLS.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _VisibleControls:
    """A text stream that writes what it is given with `visible`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def show_controls_visibly(ctx: click.Context) -> None:
    """For the command's run: standard output and error show control characters as escapes.
    (The build's own progress line writes its cursor controls to `raw_stderr()`.)"""
    saved = sys.stdout, sys.stderr
    sys.stdout = _VisibleControls(sys.stdout)
    sys.stderr = _VisibleControls(sys.stderr)

    def restore() -> None:
        sys.stdout, sys.stderr = saved

    ctx.call_on_close(restore)


def raw_stderr() -> TextIO:
    """Standard error without `visible`: for the program's own terminal controls."""
    stream = sys.stderr
    return stream.stream if isinstance(stream, _VisibleControls) else stream


_finished_with_everything_written = False


def skip_teardown() -> None:
    """Called by a command once all its output is written and closed (`build`): the program
    then exits without freeing its objects one by one, which after a long history's build
    takes the interpreter about a second."""
    global _finished_with_everything_written
    _finished_with_everything_written = True


def run() -> None:
    """The `statuspress` program: `main`, leaving at once when the command allows it."""
    try:
        main(prog_name="statuspress")
    except SystemExit as done:
        if not _finished_with_everything_written:
            raise
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
