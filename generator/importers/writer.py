"""A history written as incident folders and files, exactly as the authoring commands write
them, and kept idempotent by a manifest of what the last import wrote.

The manifest (`.statuspress-import.json` beside mkdocs.yml, committed with the content) maps
each source id to the folder, file or component it became, and holds the SHA-256 of every file
as the import wrote it. A file whose bytes still match is the import's to refresh; one that no
longer matches was edited by a person and is never overwritten; one that was deleted is not
written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..clock import iso
from ..commands.authoring import incident_id, slugify, update_file_name, yaml_scalar
from ..model.load import INCIDENT_ID
from ..model.types import CLOSING_STATUSES, Component, ComponentState, Kind
from .history import History, SourceComponent, SourceError, SourceIncident, SourceUpdate

MANIFEST = ".statuspress-import.json"
MANIFEST_FORMAT = 1
POSTMORTEM = "postmortem.md"
UNTITLED = "incident"


@dataclass
class Manifest:
    components: dict[str, str] = field(default_factory=dict)  # source key -> component id
    incidents: dict[str, str] = field(default_factory=dict)  # source key -> folder name
    files: dict[str, str] = field(default_factory=dict)  # source key -> file, site-relative
    hashes: dict[str, str] = field(default_factory=dict)  # site-relative file -> sha256
    # site-relative file -> lint rules its `lint: ignore` silences (errors in old history)
    silenced: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> Manifest:
        path = root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(
                MANIFEST,
                f"the import manifest cannot be read ({exc})",
                "restore it from git; without it an import cannot tell what a person edited",
            ) from None
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise SourceError(
                MANIFEST,
                "the import manifest is not one this version of statuspress wrote",
                "restore it from git, or upgrade statuspress",
            )
        maps = [data.get(name) for name in ("components", "incidents", "files", "hashes")]
        silenced = data.get("silenced", {})
        if not all(isinstance(m, dict) and _all_text(m) for m in maps) or not _all_lists(silenced):
            raise SourceError(MANIFEST, "the import manifest is damaged", "restore it from git")
        components, incidents, files, hashes = maps
        return cls(components, incidents, files, hashes, silenced)  # type: ignore[arg-type]

    def write(self, root: Path) -> bool:
        """Write it when it changed; True when it did."""
        document = {
            "format": MANIFEST_FORMAT,
            "components": self.components,
            "incidents": self.incidents,
            "files": self.files,
            "hashes": self.hashes,
            "silenced": self.silenced,
        }
        text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        path = root / MANIFEST
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return False
        _write_atomically(path, text)
        return True


def _all_text(mapping: dict[Any, Any]) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())


def _all_lists(mapping: Any) -> bool:
    return isinstance(mapping, dict) and all(
        isinstance(v, list) and all(isinstance(r, str) for r in v) for v in mapping.values()
    )


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (file, why it was not written)
    components_added: list[Component] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    silenced: dict[str, list[str]] = field(default_factory=dict)  # newly, by this import

    @property
    def written(self) -> list[str]:
        return self.created + self.changed


# --- components ------------------------------------------------------------------------------


def map_components(
    history: History, declared: Iterable[Component], manifest: Manifest
) -> tuple[dict[str, str], list[Component]]:
    """Source key -> component id, and the components mkdocs.yml has to declare anew.

    A source component becomes the one the last import chose, else a declared component of
    the same name (and group), else a new one with an id made from its name."""
    declared = list(declared)
    taken = {c.id for c in declared}
    by_name = {(c.name.casefold(), (c.group or "").casefold()): c.id for c in declared}
    by_plain_name = {c.name.casefold(): c.id for c in declared}
    mapping: dict[str, str] = {}
    added: list[Component] = []
    for source in history.components:
        key = f"{history.source}:{source.key}"
        known = manifest.components.get(key)
        if known is None:
            known = by_name.get((source.name.casefold(), (source.group or "").casefold()))
        if known is None and not source.group:
            known = by_plain_name.get(source.name.casefold())
        if known is None:
            known = _new_component_id(source, taken)
        if known not in taken:  # new, or in the manifest but removed from mkdocs.yml since
            added.append(_component(known, source))
        taken.add(known)
        mapping[source.key] = known
        manifest.components[key] = known
    return mapping, added


def _component(component_id: str, source: SourceComponent) -> Component:
    return Component(
        component_id, source.name, source.group, source.description, start_date=source.start_date
    )


def _new_component_id(source: SourceComponent, taken: set[str]) -> str:
    base = slugify(source.name) or "component"
    candidates = [base]
    if source.group:
        candidates.append(f"{slugify(source.group)}-{base}".strip("-"))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


# --- planning files --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFile:
    path: str  # site-relative, with '/'
    text: str
    source_key: str  # the `imported_from` of the file


def plan_files(
    history: History,
    root: Path,
    content_dir: str,
    components: dict[str, str],
    manifest: Manifest,
) -> list[PlannedFile]:
    """Every file the history becomes, named as the last import named it when it did."""
    _check_manifest(manifest, content_dir)
    planned: list[PlannedFile] = []
    content = root / content_dir
    used_folders = set(manifest.incidents.values())
    if content.is_dir():
        used_folders.update(entry.name for entry in content.iterdir())
    names: dict[str, set[str]] = {}
    for path in manifest.files.values():
        folder, _, name = path.rpartition("/")
        names.setdefault(folder, set()).add(name)
    for incident in sorted(history.incidents, key=lambda i: (i.updates[0].at, i.key)):
        source_key = f"{history.source}:{incident.key}"
        folder_name = manifest.incidents.get(source_key)
        if folder_name is None:
            folder_name = _new_folder(incident, used_folders)
            used_folders.add(folder_name)
            manifest.incidents[source_key] = folder_name
        folder = f"{content_dir}/{folder_name}"
        taken = names.setdefault(folder, set())
        if (root / folder).is_dir():
            taken.update(entry.name for entry in (root / folder).iterdir())
        planned.extend(_incident_files(incident, source_key, folder, components, manifest, taken))
    return planned


_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.md")


def _check_manifest(manifest: Manifest, content_dir: str) -> None:
    """Every folder and file the manifest names is one the import could have written: an
    incident folder of the content folder and a Markdown file in it, never a path elsewhere."""
    for folder in manifest.incidents.values():
        if not INCIDENT_ID.fullmatch(folder):
            raise _damaged(f"'{folder}' is not an incident folder name")
    for path in manifest.files.values():
        parts = path.split("/")
        if (
            len(parts) != 3
            or parts[0] != content_dir
            or not INCIDENT_ID.fullmatch(parts[1])
            or not _FILE_NAME.fullmatch(parts[2])
        ):
            raise _damaged(f"'{path}' is not a file of an incident folder in {content_dir}/")


def _damaged(problem: str) -> SourceError:
    return SourceError(
        MANIFEST,
        f"the import manifest is damaged: {problem}",
        "restore it from git (if docs_dir was renamed, rename it in the manifest too)",
    )


def _new_folder(incident: SourceIncident, used: set[str]) -> str:
    base = incident_id(incident.updates[0].at, slugify(incident.title) or UNTITLED)
    name, number = base, 2
    while name in used:
        name, number = f"{base}-{number}", number + 1
    return name


def _incident_files(
    incident: SourceIncident,
    source_key: str,
    folder: str,
    components: dict[str, str],
    manifest: Manifest,
    names: set[str],
) -> list[PlannedFile]:
    files: list[PlannedFile] = []
    carried: dict[str, ComponentState] = {}
    title = incident.title
    previous: datetime | None = None
    for index, update in enumerate(incident.updates):
        key = f"{source_key}/{update.key}"
        path = manifest.files.get(key)
        if path is None:
            name = _new_file_name(update, names)
            names.add(name)
            path = f"{folder}/{name}"
            manifest.files[key] = path
        states = {components[c]: s for c, s in update.components.items() if c in components}
        if update.status in CLOSING_STATUSES:
            carried = dict.fromkeys(carried, ComponentState.OPERATIONAL)
        written = {c: s for c, s in states.items() if carried.get(c) is not s}
        carried.update(states)
        renamed = update.title if update.title and update.title != title else None
        title = renamed or title
        at = _written_at(update.at, previous)
        previous = update.at
        text = (
            _first_update_text(incident, update, at, written, key)
            if index == 0
            else _later_update_text(update, at, written, renamed, key)
        )
        files.append(PlannedFile(path, with_ignored(text, manifest.silenced.get(path)), key))
    if incident.postmortem is not None:
        key = f"{source_key}/postmortem"
        path = manifest.files.setdefault(key, f"{folder}/{POSTMORTEM}")
        text = with_ignored(_postmortem_text(incident, key), manifest.silenced.get(path))
        files.append(PlannedFile(path, text, key))
    return files


def with_ignored(text: str, rules: list[str] | None) -> str:
    """The file with `lint: ignore:` for `rules`, just before its `imported_from:` line."""
    if not rules:
        return text
    marker = "\nimported_from: "
    lines = f"\nlint:\n  ignore: [{', '.join(sorted(rules))}]"
    return text.replace(marker, lines + marker, 1)


def _new_file_name(update: SourceUpdate, taken: set[str]) -> str:
    name = update_file_name(update.at, update.status)
    number = 2
    while name in taken:
        name = update_file_name(update.at, update.status).removesuffix(".md") + f"-{number}.md"
        number += 1
    return name


def _written_at(moment: datetime, previous: datetime | None) -> str:
    """The time to the second, as a person writes it; with its fraction when the update
    before fell in the same second, so that the order stays the source's."""
    if previous is None or _time(previous) != _time(moment) or previous == moment:
        return _time(moment)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _first_update_text(
    incident: SourceIncident,
    update: SourceUpdate,
    at: str,
    states: dict[str, ComponentState],
    key: str,
) -> str:
    lines = []
    if incident.kind is Kind.MAINTENANCE:
        lines.append("kind: maintenance")
    lines += [
        f"title: {yaml_scalar(update.title or incident.title)}",
        f"at: {at}",
        f"status: {update.status}",
        f"impact: {incident.impact.value}",
    ]
    if incident.window is not None:
        lines += [
            "window:",
            f"  start: {_time(incident.window.start)}",
            f"  end: {_time(incident.window.end)}",
        ]
    lines += _component_lines(states)
    if incident.started is not None and _time(incident.started) < _time(update.at):
        lines.append(f"started: {_time(incident.started)}")
    lines.append(f"imported_from: {yaml_scalar(key)}")
    return _document(lines, update.body)


def _later_update_text(
    update: SourceUpdate,
    at: str,
    states: dict[str, ComponentState],
    title: str | None,
    key: str,
) -> str:
    lines = [f"title: {yaml_scalar(title)}"] if title else []
    lines += [f"at: {at}", f"status: {update.status}"]
    lines += _component_lines(states)
    lines.append(f"imported_from: {yaml_scalar(key)}")
    return _document(lines, update.body)


def _postmortem_text(incident: SourceIncident, key: str) -> str:
    postmortem = incident.postmortem
    assert postmortem is not None
    lines = [f"title: {yaml_scalar('Postmortem: ' + incident.title)}"]
    if postmortem.published is not None:
        lines.append(f"published: {_time(postmortem.published)}")
    lines.append(f"imported_from: {yaml_scalar(key)}")
    return _document(lines, postmortem.body)


def _component_lines(states: dict[str, ComponentState]) -> list[str]:
    if not states:
        return []
    return ["components:", *(f"  {c}: {s.value}" for c, s in states.items())]


def _time(moment: datetime) -> str:
    """UTC to the second, as the authoring commands write times (milliseconds are dropped:
    Statuspage keeps them, the content format needs none)."""
    return iso(moment.astimezone(timezone.utc).replace(microsecond=0))


def _document(lines: list[str], body: str) -> str:
    text = body.strip()
    return "---\n" + "\n".join(lines) + "\n---\n" + (text + "\n" if text else "")


# --- writing ---------------------------------------------------------------------------------


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_files(
    root: Path,
    planned: list[PlannedFile],
    manifest: Manifest,
    report: Report,
    step: Callable[[], None] = lambda: None,
) -> None:
    """Write what is new or changed at the source; keep what a person edited or deleted."""
    for item in planned:
        _write_one(root, item, manifest, report)
        step()


def _write_one(root: Path, item: PlannedFile, manifest: Manifest, report: Report) -> None:
    path = root / item.path
    if path.is_symlink() or path.parent.is_symlink() or path.parent.parent.is_symlink():
        report.kept.append((item.path, "a symbolic link is in the way; nothing written there"))
        return
    wanted = digest(item.text)
    recorded = manifest.hashes.get(item.path)
    current = _current_digest(path)
    if current is None and recorded is not None:
        report.kept.append((item.path, "deleted since the last import; not written again"))
        return
    if current is not None and recorded is None:
        report.kept.append((item.path, "a file the import did not write is in the way"))
        return
    if current is not None and current != recorded:
        report.kept.append((item.path, "edited since the last import; kept as it is"))
        return
    if current == wanted:
        report.unchanged.append(item.path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, item.text)
    manifest.hashes[item.path] = wanted
    (report.changed if current is not None else report.created).append(item.path)


def _current_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "a folder"


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.importing")
    with temporary.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)
