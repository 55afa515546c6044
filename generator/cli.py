"""The `statuspress` command line: the only module that prints, prompts or exits."""

from __future__ import annotations

import importlib

import click

from . import __version__

COMMANDS = (
    "init", "new", "update", "resolve", "maintenance", "postmortem", "check", "build",
    "serve", "status", "report", "notify",
)


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `--help` and each command start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _module(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _module(cmd_name) if cmd_name in COMMANDS else None
        return getattr(module, "command", None)


def _module(name: str):  # type: ignore[no-untyped-def]
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
