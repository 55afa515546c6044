"""Turn `incidents/` into a `Site`, collecting every problem; never raises on bad input."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error, warning
from . import fields as f
from . import recurrence
from .contentfiles import (
    NAME_HINT,
    Problem,
    file_name_problem,
    name_problem,
    printable,
    type_problem,
)
from .limits import markdown_problem
from .source import RawFile, decode, split_front_matter, strip_html_comments
from .translations import split_translations, update_text, with_translations
from .types import (
    CLOSING_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    ActionItem,
    ComponentState,
    Impact,
    Incident,
    Kind,
    Postmortem,
    Settings,
    Site,
    Update,
    UpdateText,
    Window,
)

INCIDENT_ID = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})-[a-z0-9]+(?:-[a-z0-9]+)*")
POSTMORTEM_FILE = "postmortem.md"
NOT_A_FILE: Problem = (
    "not-a-file",
    "this is a named pipe, socket or device, not an ordinary file",
    "remove it: the content folder holds only folders and ordinary files",
)
EMPTY_FOLDER: Problem = (
    "empty-folder",
    "the incident folder has no updates",
    "add the first update with 'statuspress new', or remove the folder",
)


@dataclass
class _Parsed:
    """One update file read on its own, before carry-forward."""

    raw: RawFile
    file: str
    values: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    draft: bool = False


FrontMatterParser = Callable[[str, str], tuple[RawFile | None, list[Diagnostic]]]


@dataclass(frozen=True)
class Readers:
    """How a folder's files are parsed and its Markdown rendered (for the leak guard's view
    of the public text): a build passes its memos' (`incremental.memo`), which give the
    same results from what earlier builds stored; by default, nothing is remembered."""

    front_matter: FrontMatterParser = split_front_matter
    # Text, raw HTML allowed -> sanitized HTML; None: outputs.markdown.render_markdown.
    markdown: Callable[[str, bool], str] | None = None


@dataclass
class _Collector:
    readers: Readers = field(default_factory=Readers)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, path: str, line: int, problem: Problem) -> None:
        self.diagnostics.append(error(path, line, *problem))

    def field_error(self, path: str, line: int, exc: f.FieldError) -> None:
        self.diagnostics.append(error(path, line, exc.rule, exc.message, exc.hint))


FolderLoader = Callable[
    [Path, list[Path], Settings], list[tuple[Incident | None, list[Diagnostic]]]
]


def missing_folder(docs_dir: str) -> Diagnostic:
    return error(
        docs_dir,
        0,
        "missing-folder",
        f"the content folder '{docs_dir}' does not exist",
        "create it, or run 'statuspress init'",
    )


def load_site(
    root: Path,
    settings: Settings,
    loader: FolderLoader | None = None,
    readers: Readers | None = None,
) -> tuple[Site, list[Diagnostic]]:
    """Read every incident folder under `root / settings.docs_dir`.

    `loader` loads a list of entries of the content folder, as `load_folder` loads one;
    without one, `load_folder` does, with `readers`.
    """
    content = root / settings.docs_dir
    if not content.is_dir():
        return Site(settings, ()), [missing_folder(settings.docs_dir)]
    entries = sorted(content.iterdir(), key=lambda p: p.name)
    if loader is None:
        loaded = [load_folder(root, entry, settings, readers) for entry in entries]
    else:
        loaded = loader(root, entries, settings)
    incidents = [incident for incident, _ in loaded if incident is not None]
    incidents.sort(key=lambda i: (i.first.at, i.id))
    return Site(settings, tuple(incidents)), [d for _, found in loaded for d in found]


def load_folder(
    root: Path, entry: Path, settings: Settings, readers: Readers | None = None
) -> tuple[Incident | None, list[Diagnostic]]:
    """One entry of the content folder: an incident folder, or a file published as it is."""
    out = _Collector(readers or Readers())
    return _load_folder(root, entry, settings, out), out.diagnostics


def incident_folder_name(name: str) -> bool:
    """The name of a folder `load_folder` loads as an incident (when it is a real folder, not
    a symlink): not hidden, a valid id."""
    return not name.startswith(".") and _valid_id(name)


def _relative(root: Path, path: Path) -> str:
    # Called for every file: plain string slicing when `path` was built under `root` (always,
    # here), as pathlib's relative_to costs a tenth of a 10,000-incident load.
    prefix, full = str(root) + os.sep, str(path)
    if full.startswith(prefix) and prefix != os.sep + os.sep:
        return full[len(prefix) :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def loose_files(content: Path) -> list[str]:
    """Files beside the incident folders (a favicon, robots.txt), published as they are."""
    with os.scandir(content) as entries:
        return sorted(
            entry.name
            for entry in entries
            if entry.is_file(follow_symlinks=False) and _published_loose(entry.name)
        )


def _published_loose(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(".md")


def _load_folder(root: Path, folder: Path, settings: Settings, out: _Collector) -> Incident | None:
    rel = printable(_relative(root, folder))
    named = name_problem(folder.name, "folder" if folder.is_dir() else "file")
    if named is not None:
        rule = "bad-folder" if folder.is_dir() else "bad-file-name"
        out.add(rel, 0, (rule, named, f"rename it: {NAME_HINT}"))
        return None
    if folder.name.startswith("."):
        return None
    if not (folder.is_dir() or folder.is_symlink()):
        if not folder.is_file():  # MkDocs would try to copy it and hang or fail
            out.add(rel, 0, NOT_A_FILE)
        elif _published_loose(folder.name) and _check_published(
            folder, folder.stat(), rel, settings, out
        ):  # published as it is, beside the incident folders
            _scan_loose_file(root, folder, rel, settings, out)
        return None
    problem = _folder_problem(folder)
    if problem is not None:
        out.add(rel, 0, problem)
        return None
    reported = len(out.diagnostics)
    updates, postmortem_file, assets = _scan_files(root, folder, settings, out)
    if not updates:
        if len(out.diagnostics) == reported:  # else its files were refused, each reported
            out.add(rel, 0, EMPTY_FOLDER)
        return None
    updates, translated = split_translations(
        updates, settings, lambda path: printable(_relative(root, path)), out.add
    )
    parsed = [p for p in (_parse_update(root, path, settings, out) for path in updates) if p]
    texts = _translations(root, translated, out)
    incident = _assemble(folder.name, rel, parsed, postmortem_file, assets, root, settings, out)
    if incident is not None:
        incident = with_translations(incident, texts)
        from ..publishing.publictext import (
            incident_leaks,  # the guard renders Markdown: loaded late
        )

        out.diagnostics.extend(incident_leaks(incident, root, settings, out.readers.markdown))
    return incident


def _translations(
    root: Path, translated: dict[str, list[tuple[Path, str]]], out: _Collector
) -> dict[str, list[UpdateText]]:
    """Each update's translations, read and checked as updates are."""
    texts: dict[str, list[UpdateText]] = {}
    for original, files in translated.items():
        for path, code in files:
            raw = read_raw(root, path, out)
            if raw is not None:
                texts.setdefault(original, []).append(update_text(raw, code, out.add))
    return texts


def _scan_loose_file(root: Path, path: Path, rel: str, settings: Settings, out: _Collector) -> None:
    """The leak guard on the name and the bytes of a file published beside the folders."""
    from ..publishing.leakguard import build_scanner
    from ..publishing.publictext import Segment, file_leaks, segment_leaks

    scanner = build_scanner(settings)
    name = [Segment(rel, 0, path.name)]
    out.diagnostics.extend(segment_leaks(scanner, rel, name, settings.allow_raw_html))
    out.diagnostics.extend(file_leaks(scanner, root, rel))


def _folder_problem(folder: Path) -> Problem | None:
    if folder.is_symlink():
        return (
            "symlink",
            "incident folders may not be symlinks",
            "move the folder itself into the content folder",
        )
    if not _valid_id(folder.name):
        return (
            "bad-folder",
            f"'{printable(folder.name)}' is not a valid incident id",
            "name the folder YYYY-MM-DD-slug, with a real date and a lower-case slug of "
            "letters, digits and hyphens, e.g. 2026-11-20-api-errors",
        )
    return None


def _valid_id(name: str) -> bool:
    match = INCIDENT_ID.fullmatch(name)
    if not match:
        return False
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return True


def _scan_files(
    root: Path, folder: Path, settings: Settings, out: _Collector
) -> tuple[list[Path], Path | None, list[str]]:
    updates: list[Path] = []
    postmortem: Path | None = None
    assets: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        rel = printable(_relative(root, path))
        if path.name.startswith(".") and name_problem(path.name) is None:
            continue  # neither read nor published
        if not _safe_file(path, folder, rel, settings, out):
            continue
        if path.name == POSTMORTEM_FILE:
            postmortem = path
        elif path.suffix == ".md":
            updates.append(path)
        else:
            assets.append(path.name)
    return updates, postmortem, assets


def _safe_file(path: Path, folder: Path, rel: str, settings: Settings, out: _Collector) -> bool:
    problem = _file_problem(path, folder)
    if problem is not None:
        out.add(rel, 0, problem)
        return False
    if path.name.endswith(".md"):
        return _check_size(path.stat(), rel, settings, out)
    return _check_published(path, path.stat(), rel, settings, out)


def _file_problem(path: Path, folder: Path) -> Problem | None:
    """Odd names, symlinks that leave the folder, sub-folders and special files are refused."""
    named = file_name_problem(path.name)
    if named is not None:
        return named
    info = path.lstat()  # one call for the link, folder, kind and size checks below
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(Path(os.path.realpath(folder))) or not target.is_file():
            return (
                "symlink",
                "a symlink that points outside the incident folder",
                "copy the file into the folder",
            )
        problem = _unpublished_target(path, target)
        if problem is not None:
            return problem
        info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        return (
            "bad-folder",
            "incident folders hold files, not sub-folders",
            "move the files up into the incident folder",
        )
    if not stat.S_ISREG(info.st_mode):
        return NOT_A_FILE  # reading a named pipe would wait forever
    return None


def _check_size(info: os.stat_result, rel: str, settings: Settings, out: _Collector) -> bool:
    if info.st_size <= settings.max_file_bytes:
        return True
    out.add(
        rel,
        0,
        (
            "file-too-large",
            f"the file is {info.st_size:,} bytes, over the limit of {settings.max_file_bytes:,}",
            "shrink it (compress images), or raise 'max_file_bytes' in mkdocs.yml",
        ),
    )
    return False


def _check_published(
    path: Path, info: os.stat_result, rel: str, settings: Settings, out: _Collector
) -> bool:
    """A file published as it is: a safe name, a size within the limit, and a type on the
    allowlist whose bytes are what its name says (unless every contributor is trusted)."""
    named = file_name_problem(path.name)
    if named is not None:
        out.add(rel, 0, named)
        return False
    if not _check_size(info, rel, settings, out):
        return False
    if settings.allow_raw_html:
        return True
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.add(rel, 0, ("unreadable", f"cannot read the file: {exc.strerror}", _PERMISSIONS))
        return False
    found = type_problem(path.name, data)
    if found is not None:
        out.add(rel, *found)
    return found is None


_PERMISSIONS = "check the file's permissions"


def _unpublished_target(path: Path, target: Path) -> Problem | None:
    """A link inside the folder may stand for another of its attachments, never for what
    the folder keeps from readers: a draft update, a draft postmortem, a hidden file."""
    if path.suffix == ".md" or not (
        target.name.startswith(".")
        or target.suffix == ".md"
        or file_name_problem(target.name) is not None
    ):
        return None
    return (
        "symlink",
        f"a symlink to '{target.name}', which is not published as it is (an update, a "
        "postmortem or a hidden file): its text would be published with drafts and internal "
        "notes",
        "copy the public part into a file of its own instead of linking",
    )


def read_raw(root: Path, path: Path, out: _Collector) -> RawFile | None:
    rel = _relative(root, path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.diagnostics.append(
            error(
                rel,
                0,
                "unreadable",
                f"cannot read the file: {exc.strerror}",
                _PERMISSIONS,
            )
        )
        return None
    text, problems = decode(rel, data)
    out.diagnostics.extend(problems)
    if text is None:
        return None
    raw, problems = out.readers.front_matter(rel, text)
    out.diagnostics.extend(problems)
    if raw is not None and _too_complex(raw, out):
        return None
    return raw


_LIMIT_RULE = "markdown-limit"


def _too_complex(raw: RawFile, out: _Collector) -> bool:
    """Whether the body or a text value is over a limit of `limits`; reported if so."""
    found = markdown_problem(raw.body)
    line = raw.body_line + found[0] if found else 0
    if found is None:
        for key, value in raw.meta.items():
            found = markdown_problem(value) if isinstance(value, str) else None
            if found is not None:
                line = raw.lines[key]
                break
    if found is None:
        return False
    out.diagnostics.append(error(raw.path, line, _LIMIT_RULE, found[1], found[2]))
    return True


_UPDATE_FIELDS = (
    "at",
    *f.SIMPLE_UPDATE_FIELDS,
    "status",
    "impact",
    "kind",
    "started",
    "eta",
    "next_update",
    "components",
    "window",
)


def _parse_update(root: Path, path: Path, settings: Settings, out: _Collector) -> _Parsed | None:
    raw = read_raw(root, path, out)
    if raw is None:
        return None
    out.diagnostics.extend(f.unknown_keys(raw.path, raw.meta, raw.lines, f.UPDATE_KEYS))
    parsed = _Parsed(raw=raw, file=path.name)
    if "at" not in raw.meta:
        out.diagnostics.append(
            error(
                raw.path,
                1,
                "missing-key",
                "'at' is missing",
                "every update needs 'at:', the time it was published, "
                "e.g. 'at: 2026-11-20T14:05:00Z'",
            )
        )
    for key in _UPDATE_FIELDS:
        if key not in raw.meta:
            continue
        try:
            parsed.values[key] = _convert(key, raw.meta[key], parsed.at, settings)
        except f.FieldError as exc:
            if exc.rule != f.NEEDS_AT:
                out.field_error(raw.path, raw.lines.get(exc.key or key, raw.lines[key]), exc)
            continue
        if key == "at":
            parsed.at = parsed.values["at"]
    # A draft flag that cannot be read keeps the update unpublished; the error says why.
    parsed.draft = bool(parsed.values.get("draft", "draft" in raw.meta))
    _check_order(parsed, out)
    return parsed


def _convert(key: str, value: Any, at: datetime | None, settings: Settings) -> Any:
    if key in f.SIMPLE_UPDATE_FIELDS:
        return f.SIMPLE_UPDATE_FIELDS[key](key, value)
    if key in ("at", "started"):
        return f.aware_time(key, value)
    if key == "eta":
        return f.eta(key, value, at)
    if key == "next_update":
        return f.time_or_duration(key, value, at)
    if key == "impact":
        return f.impact(key, value)
    if key == "kind":
        return Kind(f.enum_value(key, value, tuple(k.value for k in Kind), "bad-value"))
    if key == "status":
        return f.text(key, value)
    if key == "components":
        return _components(value, settings)
    return _window(value)


def _components(value: Any, settings: Settings) -> dict[str, ComponentState]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise f.FieldError(
            "bad-value",
            "'components' must map component ids to states",
            "write one 'id: state' line per component, e.g. 'api: major_outage'",
        )
    states: dict[str, ComponentState] = {}
    for component_id, state in value.items():
        if component_id not in settings.component_ids:
            raise f.FieldError(
                "unknown-component",
                f"unknown component '{component_id}'",
                _component_hint(component_id, settings),
                f"components.{component_id}",
            )
        states[component_id] = f.component_state(component_id, state)
    return states


def _component_hint(component_id: str, settings: Settings) -> str:
    hint = f.did_you_mean(component_id, list(settings.component_ids))
    if not hint.startswith("did"):
        hint = "known components: " + (", ".join(settings.component_ids) or "none")
    return f"{hint} Components are declared in mkdocs.yml under the statuspress plugin."


def _window(value: Any) -> Window:
    if not isinstance(value, dict) or not {"start", "end"} <= set(value) <= WINDOW_KEYS:
        raise f.FieldError(
            "bad-window",
            "'window' must have 'start' and 'end', and may have 'repeat'",
            "write 'window:' with 'start:' and 'end:' times below it, and 'repeat:' with an "
            "RFC 5545 rule for a series, e.g. 'FREQ=WEEKLY;BYDAY=SU;COUNT=8'",
        )
    start, start_zone = f.window_time("window.start", value["start"], None)
    end, end_zone = f.window_time("window.end", value["end"], start_zone)
    if start_zone and end_zone and start_zone != end_zone:
        raise f.FieldError(
            "bad-window",
            f"the window starts in {start_zone} and ends in {end_zone}",
            "write both times in the same zone",
            "window.end",
        )
    if end <= start:
        raise f.FieldError(
            "bad-window",
            "the maintenance window ends before it starts",
            "make 'end' later than 'start'",
            "window.end",
        )
    repeat = f.optional_text("window.repeat", value.get("repeat"))
    zone = start_zone or end_zone
    if repeat:
        try:
            recurrence.check_rule(start, end, zone, repeat)
        except recurrence.RecurrenceError as exc:
            raise f.FieldError("bad-window", exc.message, exc.hint, "window.repeat") from None
    # Kept in UTC: Python compares and subtracts two times of one zone by their wall clocks.
    return Window(start.astimezone(timezone.utc), end.astimezone(timezone.utc), zone, repeat)


WINDOW_KEYS = {"start", "end", "repeat"}


def _check_order(parsed: _Parsed, out: _Collector) -> None:
    if parsed.at is None:
        return
    for key in ("eta", "next_update"):
        try:
            f.check_after(key, parsed.values.get(key), parsed.at)
        except f.FieldError as exc:
            out.field_error(parsed.raw.path, parsed.raw.lines.get(key, 1), exc)
            parsed.values.pop(key, None)
    started = parsed.values.get("started")
    if isinstance(started, datetime) and started > parsed.at:
        out.diagnostics.append(
            error(
                parsed.raw.path,
                parsed.raw.lines.get("started", 1),
                "time-order",
                "'started' is after the update's 'at'",
                "'started' is when customer impact began, at or before the first update",
            )
        )
        parsed.values.pop("started")


def _assemble(
    incident_id: str,
    rel: str,
    parsed: list[_Parsed],
    postmortem_file: Path | None,
    assets: list[str],
    root: Path,
    settings: Settings,
    out: _Collector,
) -> Incident | None:
    usable = sorted((p for p in parsed if p.at is not None), key=lambda p: (p.at, p.file))
    if not usable or len(usable) != len(parsed):
        _check_statuses(parsed, out)
        return None  # an update without a valid 'at' cannot be ordered; already reported
    _check_folder_date(incident_id, rel, usable[0], out)
    public = [p for p in usable if not p.draft]
    kind = _kind(usable, out)
    updates = _chain(incident_id, public or usable, kind, out)
    postmortem = _load_postmortem(root, postmortem_file, incident_id, out)
    if not public or updates is None:
        return None
    return Incident(
        id=incident_id,
        kind=kind,
        path=rel,
        updates=tuple(updates),
        postmortem=postmortem,
        assets=tuple(assets),
    )


def _check_statuses(parsed: list[_Parsed], out: _Collector) -> None:
    """Unordered updates are not assembled, but each one's status is still checked."""
    first = next((p for p in parsed if "kind" in p.values), None)
    kind = first.values["kind"] if first else Kind.INCIDENT
    statuses = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    for item in parsed:
        _status(item, kind, statuses, out)


def _check_folder_date(incident_id: str, rel: str, first: _Parsed, out: _Collector) -> None:
    """The id carries the date of the first update, in UTC or in the update's own offset."""
    at = first.at
    assert at is not None
    dates = {at.date().isoformat(), at.astimezone(timezone.utc).date().isoformat()}
    if incident_id[:10] not in dates:
        out.diagnostics.append(
            warning(
                rel,
                0,
                "folder-date",
                f"the folder's date {incident_id[:10]} is not the date of "
                f"the first update ({min(dates)})",
                "rename the folder before it is published; "
                "once published, keep the id: it is the incident's permanent URL",
            )
        )


def _kind(usable: list[_Parsed], out: _Collector) -> Kind:
    kind = usable[0].values.get("kind", Kind.INCIDENT)
    for later in usable[1:]:
        if "kind" in later.values and later.values["kind"] is not kind:
            out.diagnostics.append(
                error(
                    later.raw.path,
                    later.raw.lines["kind"],
                    "kind-mismatch",
                    "'kind' differs from the first update's",
                    "set 'kind' in the first update only",
                )
            )
    return kind


_FIRST_REQUIRED = {
    Kind.INCIDENT: {
        "title": "'title: Elevated error rates on the API'",
        "impact": "'impact: major' (none, minor, major or critical)",
    },
    Kind.MAINTENANCE: {
        "title": "'title: Database upgrade'",
        "window": "'window:' with 'start:' and 'end:' times below it",
    },
}


def _chain(
    incident_id: str, items: list[_Parsed], kind: Kind, out: _Collector
) -> list[Update] | None:
    """Apply carry-forward across updates; None when any update cannot be used (reported)."""
    complete = _first_complete(items[0], kind, out)
    statuses = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    state: dict[str, Any] = {"title": "", "impact": Impact.NONE, "components": {}, "window": None}
    updates = [
        _one_update(incident_id, item, index, kind, statuses, state, out)
        for index, item in enumerate(items)
    ]
    if not complete or None in updates:
        return None
    return [u for u in updates if u is not None]


def _first_complete(first: _Parsed, kind: Kind, out: _Collector) -> bool:
    """The first update must name what later ones carry forward."""
    complete = True
    for key, example in _FIRST_REQUIRED[kind].items():
        if first.values.get(key) is not None:
            continue
        complete = False
        if key in first.raw.meta and key not in first.values:
            continue  # a bad value, reported already
        empty = key in first.raw.meta
        out.diagnostics.append(
            error(
                first.raw.path,
                first.raw.lines.get(key, 1),
                "missing-key",
                f"'{key}' is {'empty' if empty else 'missing'} in the first update",
                f"the first update sets {example}; later updates may leave it out",
            )
        )
    return complete


def _one_update(
    incident_id: str,
    item: _Parsed,
    index: int,
    kind: Kind,
    statuses: tuple[str, ...],
    state: dict[str, Any],
    out: _Collector,
) -> Update | None:
    """One update with the carried-forward values; `state` carries them to the next one."""
    values, raw = item.values, item.raw
    status = _status(item, kind, statuses, out)
    if status is None:
        return None
    for key in ("title", "impact", "window"):
        if values.get(key) is not None:
            state[key] = values[key]
    components = dict(state["components"])
    if status in CLOSING_STATUSES:
        components = dict.fromkeys(components, ComponentState.OPERATIONAL)
    state["components"] = {**components, **(values.get("components") or {})}
    if index and "started" in values:
        out.diagnostics.append(
            warning(
                raw.path,
                raw.lines["started"],
                "started-later",
                "'started' belongs in the first update only",
                "move it to the first update, or remove it here",
            )
        )
    return _update(incident_id, item, status, state, first=index == 0)


_TEXT_FIELDS = ("eta", "next_update", "apology", "cause", "workaround", "author", "imported_from")


def _update(
    incident_id: str, item: _Parsed, status: str, state: dict[str, Any], first: bool
) -> Update:
    raw, values = item.raw, item.values
    return Update(
        incident_id=incident_id,
        file=item.file,
        path=raw.path,
        at=values["at"],
        status=status,
        title=state["title"],
        impact=state["impact"],
        components=state["components"],
        window=state["window"],
        body=strip_html_comments(raw.body),
        started=values.get("started") if first else None,
        explicit=frozenset(raw.meta),
        lint_ignore=values.get("lint", frozenset()),
        lines=dict(raw.lines),
        body_line=raw.body_line,
        eta=values.get("eta"),
        next_update=values.get("next_update"),
        apology=values.get("apology"),
        cause=values.get("cause"),
        workaround=values.get("workaround"),
        author=values.get("author"),
        imported_from=values.get("imported_from"),
    )


def _status(item: _Parsed, kind: Kind, statuses: tuple[str, ...], out: _Collector) -> str | None:
    """The update's status if it is one of its kind's; otherwise None, reported."""
    raw = item.raw
    if "status" not in raw.meta:
        out.diagnostics.append(
            error(
                raw.path,
                1,
                "missing-key",
                "'status' is missing",
                "every update says where things stand: " + ", ".join(statuses),
            )
        )
        return None
    status = item.values.get("status")
    if status is None or status in statuses:
        return status  # None: a bad value, reported already
    other = MAINTENANCE_STATUSES if kind is Kind.INCIDENT else INCIDENT_STATUSES
    hint = f.did_you_mean(status, statuses)
    if status in other:
        hint = _KIND_HINTS[kind]
    elif not hint.startswith("did"):
        hint = "use one of: " + ", ".join(statuses)
    article = "an" if kind is Kind.INCIDENT else "a"
    out.diagnostics.append(
        error(
            raw.path,
            raw.lines["status"],
            "unknown-status",
            f"'{status}' is not {article} {kind.value} status",
            hint,
        )
    )
    return None


_KIND_HINTS = {
    Kind.INCIDENT: "that is a maintenance status: add 'kind: maintenance' and a 'window' to the "
    "first update, or use one of: " + ", ".join(INCIDENT_STATUSES),
    Kind.MAINTENANCE: "that is an incident status; a maintenance uses one of: "
    + ", ".join(MAINTENANCE_STATUSES),
}


_POSTMORTEM_FIELDS: dict[str, f.Parser] = {
    "draft": f.boolean,
    "published": lambda key, value: None if value is None else f.aware_time(key, value),
    "title": f.optional_text,
    "summary": f.optional_text,
    "authors": f.string_list,
    "lint": f.lint_ignore,
}


def _load_postmortem(
    root: Path, path: Path | None, incident_id: str, out: _Collector
) -> Postmortem | None:
    if path is None:
        return None
    raw = read_raw(root, path, out)
    if raw is None:
        return None
    out.diagnostics.extend(f.unknown_keys(raw.path, raw.meta, raw.lines, f.POSTMORTEM_KEYS))
    values: dict[str, Any] = {}
    for key, parser in _POSTMORTEM_FIELDS.items():
        try:
            values[key] = parser(key, raw.meta.get(key))
        except f.FieldError as exc:
            out.field_error(raw.path, raw.lines.get(exc.key or key, raw.lines.get(key, 1)), exc)
    items = _action_items(raw, out)
    if values.get("draft", True) or items is None or len(values) < len(_POSTMORTEM_FIELDS):
        return None  # a draft, or a problem reported above (an unreadable draft flag stays hidden)
    return Postmortem(
        incident_id=incident_id,
        path=raw.path,
        title=values["title"] or "",
        published=values["published"],
        authors=values["authors"],
        summary=values["summary"],
        action_items=items,
        body=strip_html_comments(raw.body),
        lines=dict(raw.lines),
        body_line=raw.body_line,
        lint_ignore=values["lint"],
    )


def _action_items(raw: RawFile, out: _Collector) -> tuple[ActionItem, ...] | None:
    value = raw.meta.get("action_items")
    if value is None:
        return ()
    if not isinstance(value, list):
        out.diagnostics.append(
            error(
                raw.path,
                raw.lines["action_items"],
                "bad-value",
                "'action_items' must be a list",
                "write each item as '- what: ...' with owner, due, status",
            )
        )
        return None
    items = [_action_item(raw, index, item, out) for index, item in enumerate(value)]
    if None in items:
        return None
    return tuple(item for item in items if item is not None)


def _action_item(raw: RawFile, index: int, item: Any, out: _Collector) -> ActionItem | None:
    line = raw.item_lines["action_items"][index]
    problem = _action_item_problem(index, item)
    if problem is not None:
        out.add(raw.path, line, problem)
        return None
    lines = {key: raw.lines.get(f"action_items.{index}.{key}", line) for key in item}
    for key in (k for k in item if k not in f.ACTION_ITEM_KEYS):
        out.add(
            raw.path,
            lines[key],
            (
                "unknown-key",
                f"unknown action item key '{key}'",
                f.did_you_mean(key, f.ACTION_ITEM_KEYS),
            ),
        )
    try:
        return ActionItem(
            what=f.text("what", item["what"]),
            owner=f.optional_text("owner", item.get("owner")),
            due=None if item.get("due") is None else f.plain_date("due", item["due"]),
            status=f.enum_value(
                "status", item.get("status") or "open", ("open", "done"), "bad-value"
            ),
            line=line,
        )
    except f.FieldError as exc:
        out.field_error(raw.path, lines.get(str(exc.key), line), exc)
        return None


def _action_item_problem(index: int, item: Any) -> Problem | None:
    if not isinstance(item, dict):
        return (
            "bad-value",
            f"action item #{index + 1} must be a mapping",
            "write '- what: ...' then 'owner:', 'due:', 'status:'",
        )
    if item.get("what") is None:
        return (
            "missing-key",
            f"action item #{index + 1} has no 'what'",
            "say what changes, e.g. 'what: Roll configuration out region by region'",
        )
    return None
