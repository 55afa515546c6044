"""Named incident templates: prepared first updates in `templates/incidents/<name>.md`.

A named template is a first update without a time: front matter with the keys a first update
has (title, status, impact, components, eta, next_update, apology, cause, workaround, author,
internal) and the public text. `new --template NAME` and `update --template NAME` fill in what
the command line leaves open. The folder sits inside the site's `templates/` override folder
beside mkdocs.yml (whose `*.md.j2` files replace the bundled Jinja templates); the two never
collide: overrides end in `.md.j2`, named templates live in the `incidents/` sub-folder.

`check` validates every named template as the update it would become, with the same loader
and the same communication lint, so a broken template fails a pull request, not an incident.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from ..clock import OutOfRange, iso, parse_duration
from ..configuration.configfile import read_config_and_lines
from ..diagnostics import Diagnostic, error, format_text, sort_diagnostics
from ..model.fields import UPDATE_KEYS, did_you_mean
from ..model.load import load_folder
from ..model.source import decode, split_front_matter, strip_html_comments
from ..model.types import CLOSING_STATUSES, INCIDENT_STATUSES, ComponentState, Impact, Settings
from . import authoring as a

F = TypeVar("F", bound=Callable[..., Any])
NAMED_DIR = "templates/incidents"  # beside mkdocs.yml
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Keys of an update that a template cannot know in advance, and why.
_TIMED_KEYS = {
    "at": "the update's time comes from the command ('--at', or now)",
    "started": "when impact began comes from the command ('--started') or the alert",
    "draft": "drafts are chosen when writing ('--draft'), not in the template",
    "kind": "a named template opens an incident; plan maintenance with 'statuspress maintenance'",
    "window": "a named template opens an incident; plan maintenance with 'statuspress maintenance'",
}
# A template has every key of an update but those fixed when it is written.
TEMPLATE_KEYS = tuple(k for k in UPDATE_KEYS if k not in _TIMED_KEYS)
OPENING = tuple(s for s in INCIDENT_STATUSES if s not in CLOSING_STATUSES)
TEMPLATE_HINT = "see 'Named templates' in the documentation's guide to writing updates"


@dataclass(frozen=True)
class NamedTemplate:
    """A named template's values, read and checked; times stay relative (`30m`, `unknown`)."""

    name: str
    rel: str  # the file, relative to the site root
    title: str | None = None
    status: str | None = None
    impact: str | None = None
    components: dict[str, ComponentState] = field(default_factory=dict)
    eta: timedelta | str | None = None  # 'unknown', or how long after the update
    next_update: timedelta | None = None
    apology: str | None = None
    cause: str | None = None
    workaround: str | None = None
    author: str | None = None
    internal: str | None = None
    body: str = ""


def template_option(help_text: str) -> Callable[[F], F]:
    """`-t` / `--template NAME`, the same on `new` and `update`."""
    return click.option(
        "-t", "--template", "template_name", default=None, metavar="NAME", help=help_text
    )


def template_path(root: Path, name: str) -> Path:
    return root / NAMED_DIR / f"{name}.md"


def template_names(root: Path) -> list[str]:
    folder = root / NAMED_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix == ".md" and p.is_file())


def read_template(
    root: Path, settings: Settings, name: str
) -> tuple[NamedTemplate | None, list[Diagnostic]]:
    """The template called `name`, or None and the problems that make it unusable."""
    rel = f"{NAMED_DIR}/{name}.md"
    if not NAME.fullmatch(name):
        return None, [
            error(
                rel,
                0,
                "template",
                f"'{name}' is not a template name",
                "name templates with lower-case letters, digits and hyphens, e.g. card-payments",
            )
        ]
    path = template_path(root, name)
    if not path.is_file():
        known = template_names(root)
        hint = did_you_mean(name, known) if known else f"create {rel}"
        if known and not hint.startswith("did"):
            hint = "templates in this site: " + ", ".join(known)
        return None, [error(rel, 0, "template", f"no template named '{name}'", hint)]
    text, problems = _read_text(path, rel, settings)
    if text is None:
        return None, problems
    template, problems, _ = _parse(name, rel, text)
    return (None if problems else template), problems


def _read_text(path: Path, rel: str, settings: Settings) -> tuple[str | None, list[Diagnostic]]:
    try:
        with path.open("rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except OSError as exc:
        return None, [error(rel, 0, "unreadable", f"cannot read the template: {exc.strerror}")]
    if len(data) > settings.max_file_bytes:
        return None, [
            error(
                rel,
                0,
                "file-too-large",
                f"the template is larger than max_file_bytes ({settings.max_file_bytes:,})",
                "a template is one short update: shorten it",
            )
        ]
    return decode(rel, data)


def _parse(name: str, rel: str, text: str) -> tuple[NamedTemplate | None, list[Diagnostic], str]:
    """The template as far as it reads, its problems, and its text with every key at fault
    commented out (so the update it becomes can be checked too, at the same lines)."""
    raw, problems = split_front_matter(rel, text)
    if raw is None:
        return None, problems, text
    bad = {k for k in raw.meta if k in _TIMED_KEYS or k not in TEMPLATE_KEYS}
    for key in raw.meta:
        line = raw.lines.get(key, 1)
        if key in _TIMED_KEYS:
            problems.append(
                error(rel, line, "template", f"a template cannot set '{key}'", _TIMED_KEYS[key])
            )
        elif key not in TEMPLATE_KEYS:
            problems.append(
                error(
                    rel,
                    line,
                    "unknown-key",
                    f"unknown key '{key}'",
                    did_you_mean(key, TEMPLATE_KEYS),
                )
            )
    values: dict[str, Any] = {}
    for key in ("status", "eta", "next_update"):
        if key in raw.meta:
            try:
                values[key] = _RELATIVE[key](raw.meta[key])
            except ValueError as exc:
                bad.add(key)
                problems.append(
                    error(rel, raw.lines.get(key, 1), "bad-value", f"'{key}': {exc}", TEMPLATE_HINT)
                )
    body = strip_html_comments(raw.body).strip()
    if not body:
        problems.append(
            error(
                rel,
                raw.body_line,
                "template",
                "the template has no public text",
                "write the first update's text below the front matter",
            )
        )
    template = NamedTemplate(
        name=name,
        rel=rel,
        title=_text(raw.meta.get("title")),
        status=values.get("status"),
        impact=_text(raw.meta.get("impact")),
        components=_states(raw.meta.get("components")),
        eta=values.get("eta"),
        next_update=values.get("next_update"),
        apology=_text(raw.meta.get("apology")),
        cause=_text(raw.meta.get("cause")),
        workaround=_text(raw.meta.get("workaround")),
        author=_text(raw.meta.get("author")),
        internal=_text(raw.meta.get("internal")),
        body=body,
    )
    top = {key: line for key, line in raw.lines.items() if key in raw.meta}
    return template, problems, _commented_out(text, top, bad)


def _commented_out(text: str, key_lines: dict[str, int], keys: set[str]) -> str:
    """Each key of `keys` with its value turned into YAML comments, keeping every line."""
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    starts = sorted(key_lines.values())
    for key in keys:
        first = key_lines.get(key)
        if not first:
            continue
        end = next((line for line in starts if line > first), close + 1)
        for index in range(first - 1, end - 1):
            lines[index] = "# " + lines[index]
    return "\n".join(lines)


def _opening_status(value: Any) -> str:
    if str(value) not in OPENING:
        raise ValueError(f"'{value}' is not a status to open with; use {', '.join(OPENING)}")
    return str(value)


def _relative_eta(value: Any) -> timedelta | str:
    if str(value).strip().lower() == "unknown":
        return "unknown"
    return _duration(value)


def _duration(value: Any) -> timedelta:
    try:
        duration = parse_duration(str(value))
    except OutOfRange as exc:
        raise ValueError(str(exc)) from None
    if duration is None or duration <= timedelta(0):
        raise ValueError(
            f"'{value}' is not a duration; a template has no time, so write how long after "
            "the update, e.g. 30m or 2h"
        )
    return duration


_RELATIVE = {"status": _opening_status, "eta": _relative_eta, "next_update": _duration}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def _states(value: Any) -> dict[str, ComponentState]:
    """Valid states only: the check of the update it becomes reports the rest at their line."""
    if not isinstance(value, dict):
        return {}
    known = {s.value: s for s in ComponentState}
    return {str(k): known[str(v)] for k, v in value.items() if str(v) in known}


def for_command(
    ws: a.Workspace, name: str | None, now: datetime, strict: bool = False
) -> NamedTemplate | None:
    """The template `--template` names, refused with every error it has (as `check` shows);
    `strict`: with any finding at all (text published without review must be clean)."""
    if name is None:
        return None
    template, problems = read_template(ws.root, ws.settings, name)
    if template is not None:
        text = template_path(ws.root, name).read_text(encoding="utf-8")
        found = as_update_problems(template, text, ws.settings, now)
        problems = found if strict else [d for d in found if d.is_error]
    if problems:
        raise a.AuthoringError(
            f"the template '{name}' cannot be used:\n{format_text(sort_diagnostics(problems))}",
            "fix the template ('statuspress check' shows every problem), or leave --template out",
        )
    return template


def route_problems(root: Path, settings: Settings, config_file: Path) -> list[Diagnostic]:
    """`alerts:` routes naming a template that is not there, at the route's line."""
    lines = read_config_and_lines(config_file)[1]
    return [
        error(
            config_file.name,
            lines.get(f"alerts.{index}", lines.get("alerts", 0)),
            "config-option",
            f"option 'alerts': item #{index + 1}: no template named '{route.template}' "
            f"(no {NAMED_DIR}/{route.template}.md)",
            "create the template, or correct its name",
        )
        for index, route in enumerate(settings.alerts)
        if route.template and not template_path(root, route.template).is_file()
    ]


# --- check: a template as the update it becomes ----------------------------------------------


def check_templates(root: Path, settings: Settings, now: datetime) -> list[Diagnostic]:
    """Every named template's problems, at the template's own lines."""
    found: list[Diagnostic] = []
    folder = root / NAMED_DIR
    if not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        rel = f"{NAMED_DIR}/{entry.name}"
        if entry.is_dir() or entry.suffix != ".md":
            found.append(
                error(
                    rel,
                    0,
                    "template",
                    "not a named template: templates/incidents/ holds only '<name>.md' files",
                    "rename it to end in .md, or move it out of templates/incidents/",
                )
            )
            continue
        found.extend(template_problems(root, settings, entry.stem, now))
    return found


def template_problems(root: Path, settings: Settings, name: str, now: datetime) -> list[Diagnostic]:
    """The template's own problems; when it reads, those of the update it would become
    (front matter values and the communication lint's content rules)."""
    rel = f"{NAMED_DIR}/{name}.md"
    text, problems = _read_text(template_path(root, name), rel, settings)
    if text is None:
        return problems
    template, problems, checkable = _parse(name, rel, text)
    if template is None:
        return problems
    return sort_diagnostics([*problems, *as_update_problems(template, checkable, settings, now)])


def as_update_problems(
    template: NamedTemplate, text: str, settings: Settings, now: datetime
) -> list[Diagnostic]:
    """Load and lint the template as a first update written at `now`; findings are moved to
    the template's file, at the same lines (defaults are added after its last key)."""
    from ..lint.linter import incident_diagnostics, lint_context

    at = now.astimezone(timezone.utc).replace(second=0, microsecond=0)
    status = template.status or "investigating"
    with tempfile.TemporaryDirectory(prefix="statuspress-template-") as scratch:
        root = Path(scratch)
        folder = root / settings.docs_dir / f"{at:%Y-%m-%d}-template-{template.name}"
        folder.mkdir(parents=True)
        update = folder / f"{at:%Y%m%dT%H%MZ}-{status}.md"
        full, close, added = with_defaults(template, text, at, settings)
        update.write_text(full, encoding="utf-8")
        incident, found = load_folder(root, folder, settings)
        if incident is not None:
            found += incident_diagnostics(incident, lint_context(settings, now))
    return [_moved(d, template.rel, close, added) for d in found]


def with_defaults(
    template: NamedTemplate, text: str, at: datetime, settings: Settings
) -> tuple[str, int, int]:
    """The template's text with what `new` would add, inserted after its last key; the line
    of the closing `---` and how many lines were added."""
    keys = _keys(text)
    extra = {"at": iso(at)}
    if "title" not in keys:
        extra["title"] = a.yaml_scalar(f"Template {template.name}")
    if "status" not in keys:
        extra["status"] = "investigating"
    states = template.components
    impact = template.impact or a.impact_for(states.values()).value
    if "impact" not in keys:
        extra["impact"] = impact
    if "next_update" not in keys:
        known = Impact(impact) if impact in _IMPACTS else Impact.NONE
        default = a.default_next_update(known, template.status or "investigating")
        extra["next_update"] = a.compact_duration(default)
    if "apology" not in keys and states:
        facts = a.component_facts(settings, states)
        extra["apology"] = a.yaml_scalar(
            f"We're sorry for {a.problems(facts, True)}. We know this disrupts your work."
        )
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    added = [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines[:close], *added, *lines[close:]]), close + 1, len(added)


_IMPACTS = ("none", "minor", "major", "critical")


def _keys(text: str) -> set[str]:
    raw, _ = split_front_matter("template", text)
    return set(raw.meta) if raw else set()


def _moved(diagnostic: Diagnostic, rel: str, close: int, added: int) -> Diagnostic:
    """A finding about the update as one about the template: lines after the added defaults
    move back up; a finding about a default itself points at the front matter's start."""
    line = diagnostic.line
    if line > close + added - 1:
        line -= added
    elif line >= close:
        line = 1
    return Diagnostic(
        rel,
        line,
        diagnostic.rule,
        diagnostic.severity,
        diagnostic.message,
        diagnostic.hint,
    )
