"""`statuspress notify`: send each newly published update once to every configured channel."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from ..configuration.configfile import plugin_options, read_config
from ..configuration.notify import (
    Channel,
    EmailChannel,
    NotifyConfig,
    environment_names,
    parse_notify,
    problem_diagnostics,
)
from ..diagnostics import Diagnostic, count_errors, format_text
from ..model import Project
from ..notify.delivery import RetryPolicy
from ..notify.live import FeedProblem, entry_ids, fetch_live_feed, live_feed_url, read_saved_feed
from ..notify.message import plain_text
from ..notify.plan import Plan, plan_chosen, plan_new, read_built_feed
from ..notify.send import deliver
from ..publishing.loading import ConfigProblem, load_project
from .options import clock, config_option, now_option

NOTHING_SENT = "Nothing was sent."


@click.command("notify")
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The freshly built site (default: site_dir, i.e. site/).",
)
@click.option(
    "--live-url", metavar="URL", default=None, help="Where the site is live (default: site_url)."
)
@click.option(
    "--live-feed",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Compare with this copy of the live updates.atom, saved with --save-live "
    "before deploying, instead of fetching it.",
)
@click.option(
    "--save-live",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Only save the live updates.atom to this file (run it before deploying).",
)
@click.option(
    "--update",
    "update_ids",
    multiple=True,
    metavar="ID",
    help="Send this update (<incident folder>/<file name>) whatever is live; repeatable.",
)
@click.option(
    "--channel",
    "channel_names",
    multiple=True,
    metavar="NAME",
    help="Send on this channel only; repeatable.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@now_option
def command(
    config_file: Path,
    site_dir: Path | None,
    live_url: str | None,
    live_feed: Path | None,
    save_live: Path | None,
    update_ids: tuple[str, ...],
    channel_names: tuple[str, ...],
    dry_run: bool,
    now: datetime | None,
) -> None:
    """Send each newly published update once to every configured channel.

    New means: in the built site's updates.atom but not in the live site's. Channels and the
    environment variables holding their secrets are set under 'notify:' in mkdocs.yml.

    \b
    Examples:
      statuspress notify --dry-run
      statuspress notify --save-live live.atom     # before deploying
      statuspress notify --live-feed live.atom     # after deploying
      statuspress notify --update 2026-11-20-api-errors/20261120T1405Z-investigating
    """
    _exclusive(live_url=live_url, live_feed=live_feed, update=update_ids or None)
    _exclusive(
        save_live=save_live, live_feed=live_feed, update=update_ids or None, dry_run=dry_run or None
    )
    config, options = _notify_config(config_file)
    channels = _chosen_channels(config, channel_names)
    if not channels:
        if save_live:  # so the step after the deploy finds its file and has nothing to do
            _write(save_live, b"")
        click.echo(
            "No notification channels are configured ('channels:' under 'notify:' in "
            "mkdocs.yml): nothing to send."
        )
        return
    clock_now = clock(now)
    base_url = live_url or str(options.get("site_url") or "")
    if save_live:
        _save_live(base_url, save_live, config.timeout)
        return
    project = _project(config_file, clock_now)
    plan = _plan(project, config, config_file, site_dir, base_url, live_feed, update_ids, clock_now)
    if plan is None:
        return
    _send(plan, channels, config, dry_run)


def _exclusive(**options: object) -> None:
    given = [name for name, value in options.items() if value is not None]
    if len(given) > 1:
        names = " and ".join("--" + name.replace("_", "-") for name in given)
        raise click.UsageError(f"{names} cannot be used together")


def _fail(
    diagnostics: list[Diagnostic] | None = None, message: str = "", hint: str = ""
) -> NoReturn:
    if diagnostics:
        click.echo(format_text(diagnostics))
    if message:
        click.echo(f"error: {message}" + (f"\n  hint: {hint}" if hint else ""), err=True)
    click.echo(NOTHING_SENT, err=True)
    raise SystemExit(1)


def _notify_config(config_file: Path) -> tuple[NotifyConfig, dict[str, object]]:
    """The `notify:` option with every problem at its line; the mkdocs.yml mapping."""
    data, problems = read_config(config_file)
    if data is None:
        _fail(problems)
    options = plugin_options(data)
    if not isinstance(options, dict):
        return NotifyConfig(), data
    components = options.get("components")
    known = tuple(
        str(c.get("id"))
        for c in (components if isinstance(components, list) else [])
        if isinstance(c, dict)
    )
    config, notify_problems = parse_notify(options.get("notify"), known)
    if config is None:
        _fail(problem_diagnostics(notify_problems, config_file))
    return config, data


def _chosen_channels(config: NotifyConfig, names: tuple[str, ...]) -> tuple[Channel, ...]:
    known = [channel.name for channel in config.channels]
    for name in names:
        if name not in known:
            raise click.BadParameter(
                f"no channel named '{name}'; the channels are: {', '.join(known) or 'none'}",
                param_hint="'--channel'",
            )
    return tuple(c for c in config.channels if not names or c.name in names)


def _save_live(base_url: str, target: Path, timeout: float) -> None:
    try:
        feed = fetch_live_feed(base_url, timeout)
        count = len(entry_ids(feed, live_feed_url(base_url))) if feed else 0
    except FeedProblem as problem:
        _fail(message=problem.message, hint=problem.hint)
    _write(target, feed or b"")
    if feed is None:
        click.echo(
            f"Nothing is live at {live_feed_url(base_url)} yet: saved an empty "
            f"{target}, so the first deploy notifies nobody."
        )
    else:
        click.echo(f"Saved the live feed ({count} entries) to {target}.")


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _project(config_file: Path, now: datetime) -> Project:
    """The content, checked like a build: any error means nothing is sent."""
    try:
        project = load_project(config_file, now)
    except ConfigProblem as problem:
        _fail(problem.diagnostics)
    if count_errors(project.diagnostics):
        _fail(
            list(project.diagnostics),
            "the content has errors",
            "fix them as 'statuspress check' shows; notifications follow the page's rules",
        )
    return project


def _plan(
    project: Project,
    config: NotifyConfig,
    config_file: Path,
    site_dir: Path | None,
    base_url: str,
    live_feed: Path | None,
    update_ids: tuple[str, ...],
    now: datetime,
) -> Plan | None:
    """What to send, or None (after saying why) when nothing is to be sent."""
    site = project.site
    try:
        if update_ids:
            return plan_chosen(site, update_ids, now, config.maintenance_reminder)
        built = read_built_feed(site_dir or _default_site_dir(config_file))
        source = str(live_feed) if live_feed else live_feed_url(base_url)
        live = (
            read_saved_feed(live_feed) if live_feed else fetch_live_feed(base_url, config.timeout)
        )
        if live is None:
            click.echo(
                f"Nothing was live at {source}: this is the first deploy, so nobody is "
                "notified of the updates it publishes."
            )
            return None
        plan = plan_new(
            site, built, entry_ids(live, source), now, config.max_age, config.maintenance_reminder
        )
    except FeedProblem as problem:
        _fail(message=problem.message, hint=problem.hint)
    for notice in plan.too_old:
        click.echo(f"Not sent, older than max_age ({notice.when(notice.at)}): {notice.update_id}")
    if plan.imported:
        count = len(plan.imported)
        click.echo(
            f"Not sent: {count} imported update{'s' if count != 1 else ''} "
            "(their subscribers heard of them on the old page)."
        )
    for notice in plan.overtaken:
        click.echo(
            f"Not sent, overtaken by the maintenance window since "
            f"({notice.when(notice.stale_after or notice.at)}): {notice.update_id}"
        )
    if not plan.send:
        click.echo(f"No new updates since {source}: nothing to send.")
        return None
    return plan


def _default_site_dir(config_file: Path) -> Path:
    data, _ = read_config(config_file)
    return config_file.parent / str((data or {}).get("site_dir") or "site")


def _send(plan: Plan, channels: tuple[Channel, ...], config: NotifyConfig, dry_run: bool) -> None:
    count = len(plan.send)
    click.echo(f"{count} new update{'s' if count != 1 else ''} to send:")
    for notice in plan.send:
        click.echo(f"  {notice.headline} ({notice.update_id})")
    if dry_run:
        _print_dry_run(plan, channels)
        return
    policy = RetryPolicy(retries=config.retries, base_delay=config.retry_delay)
    report = deliver(list(plan.send), channels, os.environ, policy, config.timeout, click.echo)
    click.echo(report.summary())
    if report.failed:
        raise SystemExit(1)


def _print_dry_run(plan: Plan, channels: tuple[Channel, ...]) -> None:
    for notice in plan.send:
        click.echo(f"\n--- {notice.key}\n{plain_text(notice)}")
    click.echo("Dry run: nothing was sent. Each update would go to:")
    for channel in channels:
        click.echo(f"  {channel.name}: {_destination(channel)}")


def _destination(channel: Channel) -> str:
    """Where a channel sends, naming the variables, never their values."""
    missing = [name for name in environment_names(channel) if not os.environ.get(name)]
    unset = f" ({', '.join('$' + n for n in missing)} not set here)" if missing else ""
    if isinstance(channel, EmailChannel):
        return (
            f"e-mail to {channel.to} via the SMTP server in ${channel.host_env}"
            f"{' with STARTTLS' if channel.starttls else ''}{unset}"
        )
    return f"{channel.type} webhook at the URL in ${channel.url_env}{unset}"
