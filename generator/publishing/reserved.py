"""Names content may not take: those of the files the theme and the build write.

A file beside the incident folders is published at the site's root, an incident's file
beside its page: one named like the theme's stylesheet, a feed or a page would replace it
(MkDocs lets content override the theme's files, and the build would overwrite or be
shadowed by it). The names are taken from what the theme holds and what the build writes
for this configuration, never from a list kept by hand, and compared as a static host
compares them: case-insensitively, percent-escapes decoded, Unicode normalized.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..configuration.configfile import read_config
from ..diagnostics import Diagnostic, error
from ..model import Site
from ..model.load import loose_files

RULE = "reserved-name"


def host_key(name: str) -> str:
    """The name a case-insensitive, percent-decoding, Unicode-normalizing host serves."""
    return unicodedata.normalize("NFKC", unquote(name)).casefold().rstrip(". ")


def reserved_problems(config_path: Path, site: Site, now: datetime) -> list[Diagnostic]:
    """An error for every content file whose published path the theme or the build uses."""
    settings = site.settings
    content = config_path.parent / settings.docs_dir
    problems: list[Diagnostic] = []
    wanted = [(name, name) for name in _loose(content)]
    wanted += [(f"{i.id}/{asset}", asset) for i in site.incidents for asset in i.assets]
    if not wanted:  # most sites publish no file of their own: nothing to compare
        return problems
    taken = _taken(config_path, site, now, {host_key(p.split("/")[0]) for p, _ in wanted})
    for published, name in wanted:
        owner = taken.get(_key(published))
        if owner is not None:
            problems.append(
                error(
                    f"{settings.docs_dir}/{published}",
                    0,
                    RULE,
                    f"'{name}' is published where the site writes {owner}, which it would "
                    "replace or hide",
                    "rename the file; the theme's and the build's own files cannot be replaced "
                    "from the content folder (change the theme with 'custom_dir' instead)",
                )
            )
    return problems


def _loose(content: Path) -> list[str]:
    try:
        return loose_files(content)
    except OSError:
        return []  # no content folder: reported by the loader


def _key(path: str) -> str:
    return "/".join(host_key(part) for part in path.split("/"))


def _taken(config_path: Path, site: Site, now: datetime, tops: set[str]) -> dict[str, str]:
    """Every path the theme or the build writes whose first part is one of `tops` (by host
    key), and each of its folders, by host key."""
    from ..outputs.render import output_names  # rendering's modules, only when content is loaded

    written = {name: f"the theme's file '{name}'" for name in theme_files(config_path)}
    written |= output_names(site, now)
    taken: dict[str, str] = {}
    for path, owner in written.items():
        parts = path.split("/")
        if host_key(parts[0]) not in tops:  # cannot be the path of a file in `wanted`
            continue
        for depth in range(1, len(parts) + 1):
            taken.setdefault(_key("/".join(parts[:depth])), owner)
    return taken


def theme_files(config_path: Path) -> list[str]:
    """Every file of the configured theme (its `custom_dir` included) and the templates
    MkDocs renders to files, as MkDocs resolves them; none when the theme cannot be loaded
    (MkDocs reports that itself)."""
    theme = _theme(config_path)
    if theme is None:
        return []
    try:
        files = set(theme.get_env().list_templates())
    except Exception:  # an unreadable theme folder: MkDocs says what is wrong
        return []
    return sorted(files | set(theme.static_templates))


def _theme(config_path: Path) -> Any:
    from mkdocs.theme import Theme

    config, _ = read_config(config_path)
    value = (config or {}).get("theme") or "mkdocs"
    options = dict(value) if isinstance(value, dict) else {"name": value}
    custom_dir = options.get("custom_dir")
    if isinstance(custom_dir, str):
        options["custom_dir"] = str(config_path.parent / custom_dir)
    try:
        return Theme(**{str(key): item for key, item in options.items()})
    except Exception:  # an unknown theme or a bad option: MkDocs reports it
        return None
