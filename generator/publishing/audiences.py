"""Audience sites: beside the public site, one site per `audiences:` item, showing only its
components.

Each audience site is a status site of its own, built by the same build from a copy of the
content made for it in the cache folder: its configuration lists only the audience's
components, and each update keeps only the states of those components. An incident that
touches none of them is left out; drafts never leave the site's own content. So the audience
site has its own overall state, feeds, API, badges and calendar, and its own leak guard scan,
with nothing of the other components in any of them. It is then copied under `/<id>/` of
the public site, or built into its own folder (`site_dir`) for a separate host.

Who may read an audience site is up to the host that serves it (a password, a VPN, a private
Pages site): statuspress writes static files and controls no access.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from ..configuration.configfile import plugin_options, read_config
from ..diagnostics import Diagnostic, error
from ..model.extras import Audience
from ..model.load import incident_folder_name
from ..model.source import split_front_matter
from ..model.types import Settings

AUDIENCES_FOLDER = "audiences"  # in the cache folder: each audience's content and site
CONFIG_NAME = "mkdocs.yml"
POSTMORTEM = "postmortem.md"
# Options of the public site that an audience site does not take: it sends no notifications,
# drafts no alerts, shows no third-party services and has no audiences of its own.
_DROPPED_OPTIONS = ("notify", "alerts", "audiences", "vendors", "vendor_timeout", "cache_dir")
# MkDocs settings naming files relative to mkdocs.yml, made absolute for the copy's.
_PATH_KEYS = ("INHERIT",)


class AudienceProblem(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("audience site")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class AudienceSite:
    audience: Audience
    source: Path  # the audience's configuration and content
    target: Path  # where it is built
    inside: bool  # copied under /<id>/ of the public site


def plan(config_path: Path, settings: Settings, site_dir: Path) -> list[AudienceSite]:
    """Where each audience is made and built."""
    root = config_path.parent
    sites = []
    for audience in settings.audiences:
        source = root / settings.cache_dir / AUDIENCES_FOLDER / audience.id
        if audience.site_dir:
            target = Path(os.path.abspath(root / audience.site_dir))
            if target.is_relative_to(os.path.abspath(site_dir)):
                raise AudienceProblem(
                    [
                        error(
                            config_path.name,
                            0,
                            "config-option",
                            f"audience '{audience.id}': site_dir {audience.site_dir} is inside "
                            "the public site's folder, which each build replaces",
                            "leave site_dir out to publish it under /"
                            f"{audience.id}/, or name a folder outside the site",
                        )
                    ]
                )
            sites.append(AudienceSite(audience, source, target, inside=False))
        else:
            sites.append(AudienceSite(audience, source, source / "site", inside=True))
    return sites


def build_all(
    config_path: Path,
    settings: Settings,
    site_dir: Path,
    build: Callable[[Path, Path], object],
) -> list[AudienceSite]:
    """Make each audience's copy and build it with `build(config, target)`; a failure is
    reported with the audience's name."""
    sites = plan(config_path, settings, site_dir)
    for site in sites:
        prepare(config_path, settings, site.audience, site.source)
        build(site.source / CONFIG_NAME, site.target)
    return sites


# --- the audience's configuration -----------------------------------------------------------


def prepare(config_path: Path, settings: Settings, audience: Audience, source: Path) -> None:
    """Write the audience's mkdocs.yml and content under `source`, leaving what is the same."""
    wanted = {CONFIG_NAME: audience_config(config_path, settings, audience).encode()}
    content = config_path.parent / settings.docs_dir
    for relative, data in audience_content(content, set(audience.components)):
        wanted[f"{settings.docs_dir}/{relative}"] = data
    _sync(source, wanted, keep=("site", ".statuspress-cache"))


def audience_config(config_path: Path, settings: Settings, audience: Audience) -> str:
    config, problems = read_config(config_path)
    if config is None:
        raise AudienceProblem(problems)
    config = dict(config)
    options = dict(plugin_options(config) or {})
    for key in _DROPPED_OPTIONS:
        options.pop(key, None)
    options["components"] = [
        item
        for item in options.get("components") or []
        if isinstance(item, dict) and str(item.get("id")) in audience.components
    ]
    config["plugins"] = _with_options(config.get("plugins"), options)
    config["site_name"] = audience.title
    base = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    config["site_url"] = audience.site_url or (
        urljoin(base, f"{audience.id}/") if settings.site_url else ""
    )
    config.pop("site_dir", None)
    root = config_path.parent.resolve()
    for key in _PATH_KEYS:
        if isinstance(config.get(key), str):
            config[key] = str(root / config[key])
    theme = config.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        config["theme"] = {**theme, "custom_dir": str(root / theme["custom_dir"])}
    try:
        return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:
        raise AudienceProblem(
            [
                error(
                    config_path.name,
                    0,
                    "config",
                    f"audience '{audience.id}': mkdocs.yml has values that cannot be copied "
                    "into the audience site's configuration (YAML tags such as !ENV)",
                    "write those settings as plain values to build audience sites",
                )
            ]
        ) from None


def _with_options(plugins: Any, options: dict[str, Any]) -> Any:
    if isinstance(plugins, dict):
        return {**plugins, "statuspress": options}
    return [
        {"statuspress": options}
        if entry == "statuspress" or (isinstance(entry, dict) and "statuspress" in entry)
        else entry
        for entry in plugins or []
    ]


# --- the audience's content -----------------------------------------------------------------


def audience_content(content: Path, components: set[str]) -> Iterator[tuple[str, bytes]]:
    """(path under the content folder, bytes) of everything the audience site is built from."""
    if not content.is_dir():
        return
    for entry in sorted(content.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and incident_folder_name(entry.name):
            yield from _incident(entry, components)
        elif entry.is_file() and not entry.is_symlink():
            yield entry.name, entry.read_bytes()


def _incident(folder: Path, components: set[str]) -> Iterator[tuple[str, bytes]]:
    """The folder's files for the audience, or nothing when no published update touches its
    components."""
    updates: list[tuple[Path, str, dict[str, str] | None, Any]] = []
    others: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file() or path.is_symlink():
            continue
        if path.suffix != ".md" or path.name == POSTMORTEM:
            others.append(path)
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        raw, _ = split_front_matter(path.name, text)
        if raw is None:
            updates.append((path, text, None, None))
        elif _is_draft(raw.meta.get("draft")):
            continue  # a draft is never published: it stays in the site's own content
        else:
            states = raw.meta.get("components")
            mapped = (
                {str(k): str(v) for k, v in states.items()} if isinstance(states, dict) else None
            )
            updates.append((path, text, mapped, raw))
    kept = [{k: v for k, v in (m or {}).items() if k in components} for _, _, m, _ in updates]
    if not any(kept):
        return
    first_known = next(k for k in kept if k)
    for index, (path, text, mapped, raw) in enumerate(updates):
        name = f"{folder.name}/{path.name}"
        if raw is None or (mapped is None and index):
            yield name, text.encode("utf-8", "surrogateescape")
            continue
        states = kept[index] or (first_known if index == 0 else {})
        top = {k: line for k, line in raw.lines.items() if k in raw.meta}
        yield name, _with_components(text, top, states).encode("utf-8", "surrogateescape")
    for path in others:
        yield f"{folder.name}/{path.name}", path.read_bytes()


def _is_draft(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "yes", "on", "1")


def _with_components(text: str, key_lines: dict[str, int], states: dict[str, str]) -> str:
    """The update with `components` replaced by `states` (left out when empty), keeping every
    other line where it was: the value is written on the key's line, the rest made comments."""
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    first = key_lines.get("components")
    value = "{" + ", ".join(f"{k}: {v}" for k, v in states.items()) + "}"
    if first is None:
        if not states:
            return text
        return "\n".join([*lines[:close], f"components: {value}", *lines[close:]])
    end = next((line for line in sorted(key_lines.values()) if line > first), close + 1)
    lines[first - 1] = f"components: {value}" if states else "# components: (none shown here)"
    for index in range(first, end - 1):
        lines[index] = "#"
    return "\n".join(lines)


def _sync(folder: Path, wanted: dict[str, bytes], keep: tuple[str, ...]) -> None:
    """Make `folder` hold exactly `wanted` (besides the top-level `keep`), writing only what
    changed, so the audience's own build cache sees unchanged files as unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory, folders, files in os.walk(folder, topdown=True):
        here = Path(directory)
        if here == folder:
            folders[:] = [f for f in folders if f not in keep]
        for name in files:
            relative = (here / name).relative_to(folder).as_posix()
            if relative not in wanted:
                (here / name).unlink()
    for relative, data in wanted.items():
        path = folder / relative
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for directory, _, _ in sorted(os.walk(folder), key=lambda d: -len(d[0])):
        here = Path(directory)
        if here != folder and here.relative_to(folder).parts[0] not in keep:
            with contextlib.suppress(OSError):
                here.rmdir()  # only when empty


# --- into the public site -------------------------------------------------------------------


def copy_into(stage: Path, sites: list[AudienceSite]) -> list[str]:
    """Copy each audience site built for `/<id>/` into the public site's stage; the files
    copied, relative to the stage."""
    copied: list[str] = []
    for site in sites:
        if not site.inside:
            continue
        destination = stage / site.audience.id
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(site.target, destination, symlinks=True)
        for directory, _, files in os.walk(destination):
            for name in files:
                copied.append((Path(directory) / name).relative_to(stage).as_posix())
    return sorted(copied)
