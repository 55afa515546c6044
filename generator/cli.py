"""The `statuspress` command line: the only module that prints, prompts or exits."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from types import ModuleType

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
)


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `--help` and each command start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _module(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _module(cmd_name) if cmd_name in COMMANDS else None
        return getattr(module, "command", None)


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"statuspress.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"statuspress.commands.{name}":
            return None
        raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statuspress")
def main() -> None:
    """Publish a status site from incident updates committed to git."""


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
