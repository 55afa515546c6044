"""`statuspress serve`: a live-reloading preview of the site while you write."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ..diagnostics import format_text
from ..incremental.records import DecodedPacks
from ..publishing.build import BuildFailed, WriteFailed, build_site
from . import authoring as a
from .options import config_option, now_option

log = logging.getLogger("mkdocs.statuspress.serve")
DEFAULT_ADDRESS = "127.0.0.1:8000"


class DevAddress(click.ParamType):
    """`HOST:PORT`, e.g. 127.0.0.1:8000."""

    name = "HOST:PORT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, int]:
        if isinstance(value, tuple):
            return value
        host, sep, port = str(value).strip().rpartition(":")
        host = host.strip("[]")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            self.fail(f"'{value}' is not HOST:PORT; write e.g. 127.0.0.1:8000", param, ctx)
        return host, int(port)


@click.command("serve")
@config_option
@click.option(
    "-a",
    "--dev-addr",
    type=DevAddress(),
    default=DEFAULT_ADDRESS,
    show_default=True,
    help="Where to serve the preview.",
)
@now_option
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
def command(
    config_file: Path, dev_addr: tuple[str, int], now: datetime | None, open_browser: bool
) -> None:
    """Preview the site, rebuilt and reloaded on every change.

    Watches the content folder, mkdocs.yml and the theme (with its custom_dir). A change
    that breaks the content is reported here, and the preview keeps the last good build
    until it is fixed. Stop it with Ctrl+C.

    \b
    Example:
      statuspress serve
      statuspress serve -a 127.0.0.1:8001 --now 2026-11-22T10:00:00Z
    """
    config_path = a.locate_config(config_file)
    if now is not None:  # the plugin and MkDocs both read the build clock from here
        os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    _log_to_terminal()
    from mkdocs.exceptions import Abort, ConfigurationError

    try:
        preview(config_path, dev_addr, open_browser)
    except BuildFailed as failed:
        click.echo(format_text(failed.diagnostics), err=True)
        raise a.AuthoringError(
            "the site cannot be built",
            "fix what is reported above, then run 'statuspress serve' "
            "again; 'statuspress check' lists every problem",
        ) from None
    except WriteFailed as failed:
        raise a.AuthoringError(
            f"the site cannot be built: {failed}",
            "check the free space and permissions of the temporary folder ($TMPDIR), then "
            "run 'statuspress serve' again",
        ) from None
    except (Abort, ConfigurationError) as exc:
        reason = str(exc).strip()  # MkDocs' own "Aborted with a BuildError!" adds nothing
        detail = "" if reason.startswith("Aborted with") else f": {reason}"
        raise a.AuthoringError(
            f"the site cannot be built{detail}",
            "fix what is reported above, then run 'statuspress serve' "
            "again; 'statuspress check' lists every problem",
        ) from None
    except OSError as exc:
        host, port = dev_addr
        raise a.AuthoringError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}",
            "pass another address, e.g. --dev-addr 127.0.0.1:8001",
        ) from None


def preview(config_path: Path, address: tuple[str, int], open_browser: bool) -> None:
    """Build once (a broken site stops here), then serve and rebuild on every change.

    Each build is `statuspress build`'s, into a private folder: validated and scanned for
    leaks before the preview shows it, and a rebuild renders only what changed (the incident
    records and the spare site). Third-party services are read by the first build; rebuilds
    show them as last read, so an unreachable one never slows the preview."""
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    host, port = address
    folder = Path(tempfile.mkdtemp(prefix="statuspress-serve-"))
    site_dir = folder / "site"  # the spare site and the stages go beside it, in `folder`
    offline = False
    decoded = DecodedPacks()  # what each build decoded, for the next

    def builder(_config: Any = None) -> None:
        nonlocal offline
        result = build_site(config_path, site_dir, offline=offline, decoded=decoded)
        offline = True
        for note in result.notes:
            log.info(note.render())
        log.info(result.summary())

    try:
        builder()
        config = load_config(config_file=str(config_path), site_dir=str(site_dir))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        config.plugins.on_startup(command="serve", dirty=False)
        mount_path = urlsplit(config.site_url or "/").path
        server = LiveReloadServer(
            builder=_keep_last_good(builder),
            host=host,
            port=port,
            root=str(site_dir),
            mount_path=mount_path,
        )
        server.error_handler = _error_pages(site_dir)
        for path in watched(config, config_path):
            server.watch(path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        _run(server, open_browser)
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def watched(config: Any, config_path: Path) -> list[str]:
    """The content, the configuration, the theme's folders and anything `watch:` adds."""
    paths = [config.docs_dir, str(config_path), *config.theme.dirs, *config.watch]
    return [p for p in dict.fromkeys(str(p) for p in paths) if os.path.exists(p)]


def _keep_last_good(builder: Callable[[], None]) -> Callable[[], None]:
    """A rebuild that fails is reported without a traceback; the last good build stays."""

    def rebuild() -> None:
        try:
            builder()
        except BuildFailed as failed:
            log.error(format_text(failed.diagnostics))
        except WriteFailed as failed:
            log.error(f"cannot write the preview: {failed}")
        else:
            return
        log.error("The preview keeps the last good build until the problems above are fixed.")

    return rebuild


def _error_pages(site_dir: Path) -> Callable[[int], bytes | None]:
    def error_page(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    return error_page


def _run(server: Any, open_browser: bool) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly on `kill` as on Ctrl+C
    try:
        server.serve(open_in_browser=open_browser)
    except KeyboardInterrupt:
        log.info("Stopped.")
    finally:
        server.shutdown()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {record.getMessage()}"


def _log_to_terminal() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h.formatter, _Formatter) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(_Formatter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
