"""Shared Click parameter types and option decorators, so flags match across commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from ..clock import (
    RANGE_TEXT,
    OutOfRange,
    checked,
    in_range,
    parse_duration,
    parse_time,
    resolve_now,
)
from ..model.types import ComponentState, Impact

F = TypeVar("F", bound=Callable[..., Any])


class AwareTime(click.ParamType):
    """An ISO 8601 time with a UTC offset or Z."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        moment = parse_time(str(value))
        if moment is None:
            self.fail(f"'{value}' is not a time; write e.g. 2026-11-20T14:05:00Z", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"'{value}' has no UTC offset; add Z or an offset such as +02:00", param, ctx)
        try:
            return checked(moment, "the time")
        except OutOfRange as exc:
            self.fail(str(exc), param, ctx)


class Duration(click.ParamType):
    """A duration such as 30m, 2h, 1h30m or 1d."""

    name = "DURATION"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        delta = duration_or_none(str(value), self, param, ctx)
        if delta is None or delta <= timedelta(0):
            self.fail(f"'{value}' is not a duration; write e.g. 30m, 2h, 1h30m or 1d", param, ctx)
        return delta


class TimeOrDuration(click.ParamType):
    """A time with an offset, a duration from now, or `unknown` when allowed."""

    name = "TIME|DURATION"

    def __init__(self, allow_unknown: bool = False) -> None:
        self.allow_unknown = allow_unknown

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime | timedelta | str:
        text = str(value).strip()
        if self.allow_unknown and text.lower() == "unknown":
            return "unknown"
        if duration_or_none(text, self, param, ctx) is not None:
            return Duration().convert(text, param, ctx)
        if parse_time(text) is not None:
            return AwareTime().convert(text, param, ctx)
        extra = ", or 'unknown'" if self.allow_unknown else ""
        self.fail(
            f"'{value}' is neither a duration (30m, 2h, 1h30m, 1d) nor a time "
            f"(2026-11-20T16:00:00Z){extra}",
            param,
            ctx,
        )


class DurationOrDate(click.ParamType):
    """A positive duration (7d, 90d), or a date or time that `moment` reads."""

    failure = "'{value}' is not a valid value"  # shown when neither reads the value

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> date | timedelta:
        if isinstance(value, (date, timedelta)):  # a datetime is a date too
            return value
        text = str(value).strip()
        delta = duration_or_none(text, self, param, ctx)
        if delta is not None and delta > timedelta(0):
            return delta
        moment = self.moment(text)
        if moment is None:
            self.fail(self.failure.format(value=value), param, ctx)
        if not in_range(moment):
            self.fail(f"'{value}' is outside the supported range, {RANGE_TEXT}", param, ctx)
        return moment

    def moment(self, text: str) -> date | None:
        raise NotImplementedError


def duration_or_none(
    text: str, kind: click.ParamType, param: click.Parameter | None, ctx: click.Context | None
) -> timedelta | None:
    """parse_duration, with a too long duration a usage error of `param`."""
    try:
        return parse_duration(text)
    except OutOfRange as exc:
        kind.fail(str(exc), param, ctx)


class ComponentAssignment(click.ParamType):
    """`ID=STATE`, e.g. `api=major_outage`."""

    name = "ID=STATE"

    def __init__(self, default_state: ComponentState | None = None) -> None:
        self.default_state = default_state  # when set, a bare `ID` means `ID=<default_state>`
        if default_state is not None:
            self.name = "ID[=STATE]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ComponentState]:
        if isinstance(value, tuple):
            return value
        component_id, sep, state = str(value).partition("=")
        if not sep and component_id.strip() and self.default_state is not None:
            return component_id.strip(), self.default_state
        states = [s.value for s in ComponentState]
        if not sep or not component_id:
            self.fail(f"'{value}' is not ID=STATE; write e.g. api=major_outage", param, ctx)
        if state not in states:
            self.fail(
                f"'{state}' is not a component state; use one of: {', '.join(states)}", param, ctx
            )
        return component_id.strip(), ComponentState(state)


IMPACT = click.Choice([i.value for i in Impact])


def config_option(func: F) -> F:
    return click.option(
        "-f",
        "--config-file",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("mkdocs.yml"),
        show_default=True,
        help="The site's configuration file.",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now",
        type=AwareTime(),
        default=None,
        help="Pin the clock (default: SOURCE_DATE_EPOCH, else an example site's as_of, "
        "else the real time).",
    )(func)


def strict_option(func: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(func)


def clock(now: datetime | None, config_file: Path | None = None) -> datetime:
    """`--now`, else SOURCE_DATE_EPOCH, else the as_of of an example site's config, else now;
    a time out of range is an error, not a traceback."""
    from ..configuration.settings import example_clock

    example = example_clock(config_file) if now is None and config_file else None
    try:
        return resolve_now(now, example_as_of=example)
    except OutOfRange as exc:
        raise click.ClickException(str(exc)) from None
