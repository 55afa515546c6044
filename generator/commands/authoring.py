"""What the authoring commands share: the site they write into, choosing an incident, file
names, defaults taken from the communication rules, templates a site can override, and writing
files that never overwrite anything and are checked right after."""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
import jinja2
import yaml

from ..clock import iso
from ..configuration.settings import load_settings
from ..diagnostics import Diagnostic, count_errors, format_text
from ..model import ComponentState, Impact, Incident, Settings, Site, load_site
from ..model.contentfiles import printable
from ..model.derive import is_open
from ..model.fields import did_you_mean
from ..model.source import split_front_matter
from ..model.types import STATE_SEVERITY, STATUS_LABELS
from ..publishing.loading import ConfigProblem, load_project
from .options import AwareTime, ComponentAssignment, clock, config_option, now_option

BUNDLED_TEMPLATES = Path(__file__).parent / "templates"
OVERRIDE_DIR = "templates"  # beside mkdocs.yml: files here replace the bundled templates
CONFIG_NAME = "mkdocs.yml"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_LIMIT = 50
POSTMORTEM_FILE = "postmortem.md"


class AuthoringError(click.ClickException):
    """A problem the user can fix (exit 1): what is wrong, then what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(f"{message}\n  hint: {hint}" if hint else message)


# --- the site being written to -------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The site's configuration and content as they are on disk before a command writes."""

    config_path: Path
    settings: Settings
    site: Site
    problems: tuple[Diagnostic, ...]  # from loading the content, before anything is written

    @property
    def root(self) -> Path:
        return self.config_path.parent

    @property
    def content(self) -> Path:
        return self.root / self.settings.docs_dir

    def rel(self, path: Path) -> str:
        """A path as findings name it: relative to the site root, with '/'."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()


def shown(path: Path) -> str:
    """A path as the user typed it best: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(resolved)


def locate_config(config_file: Path) -> Path:
    """The given config file; when the default is not here, the nearest one in a parent folder."""
    if config_file.is_file():
        return config_file
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source("config_file") if ctx else None
    if source is click.core.ParameterSource.DEFAULT:
        for folder in Path.cwd().resolve().parents:
            if (folder / CONFIG_NAME).is_file():
                return folder / CONFIG_NAME
    raise AuthoringError(
        f"no configuration file {config_file}",
        "run the command in your status site's folder, pass -f path/to/mkdocs.yml, "
        "or create a site with 'statuspress init'",
    )


def open_workspace(config_file: Path, lint_at: datetime | None = None) -> Workspace:
    """The site as it is on disk; with `lint_at`, its problems include the lint's findings."""
    config_path = locate_config(config_file)
    if lint_at is not None:
        try:
            project = load_project(config_path, lint_at)
        except ConfigProblem as problem:
            raise _config_error(problem.diagnostics) from None
        return Workspace(config_path, project.settings, project.content, project.diagnostics)
    settings, problems = load_settings(config_path)
    if settings is None:
        raise _config_error(problems)
    site, diagnostics = load_site(config_path.parent, settings)
    return Workspace(config_path, settings, site, tuple(diagnostics))


def _config_error(problems: Sequence[Diagnostic]) -> AuthoringError:
    return AuthoringError(
        f"the configuration cannot be used:\n{format_text(problems)}",
        "fix mkdocs.yml, then run the command again",
    )


# --- components ------------------------------------------------------------------------------

COMPONENT_HINT = "'-c' / '--component'"


def checked_components(
    settings: Settings, pairs: Sequence[tuple[str, ComponentState]]
) -> dict[str, ComponentState]:
    """`-c` values checked against the components declared in mkdocs.yml (a usage error)."""
    known = settings.component_ids
    states: dict[str, ComponentState] = {}
    for component_id, state in pairs:
        if component_id not in known:
            hint = did_you_mean(component_id, list(known))
            if not hint.startswith("did"):
                hint = "known components: " + (", ".join(known) or "none declared in mkdocs.yml")
            raise click.BadParameter(
                f"unknown component '{component_id}'; {hint}", param_hint=COMPONENT_HINT
            )
        if states.get(component_id, state) is not state:
            raise click.BadParameter(
                f"component '{component_id}' is given twice with different states",
                param_hint=COMPONENT_HINT,
            )
        states[component_id] = state
    return states


def require_components(settings: Settings, states: dict[str, ComponentState], example: str) -> None:
    """The first update must say what is affected (`impact-missing`)."""
    if states:
        return
    known = settings.component_ids
    raise click.UsageError(
        f"name at least one affected component with -c, e.g. -c "
        f"{known[0] if known else 'api'}{example} (known: "
        f"{', '.join(known) or 'none'})"
    )


def impact_for(states: Iterable[ComponentState]) -> Impact:
    """An impact that fits the worst state, the way Statuspage reads component states."""
    worst = max((STATE_SEVERITY[s] for s in states), default=0)
    return {4: Impact.CRITICAL, 3: Impact.MAJOR, 2: Impact.MINOR, 1: Impact.MINOR}.get(
        worst, Impact.NONE
    )


# --- choosing an incident --------------------------------------------------------------------


def choose_incident(
    ws: Workspace, ident: str | None, now: datetime, *, reopen: bool | None = None
) -> Incident:
    """The incident an ID names (the folder or a unique part of it), or the only open one.

    With `reopen` False (an update without `--reopen`), a resolved incident is never chosen:
    a part of an ID matches open incidents only, and naming a resolved one is an error that
    says how to reopen it."""
    if ident is None:
        return _only_open(ws, now)
    names = _folder_names(ws)
    needle = ident.strip().strip("/").rsplit("/", 1)[-1].lower()
    matches = [n for n in names if n == needle] or [n for n in names if needle in n]
    if reopen is False and matches:
        matches = _unless_resolved(ws, ident, matches)
    if not matches:
        raise click.BadParameter(
            f"no incident folder in {ws.settings.docs_dir}/ matches "
            f"'{ident}'.{_listing('Recent incidents', _recent(ws))}",
            param_hint="ID",
        )
    if len(matches) > 1:
        candidates = [ws.site.incident(n) or n for n in matches]
        raise click.BadParameter(
            f"'{ident}' matches {len(matches)} incidents; use more of the "
            f"name.{_listing('Candidates', candidates)}",
            param_hint="ID",
        )
    incident = ws.site.incident(matches[0])
    if incident is None:
        raise _unreadable(ws, matches[0])
    return incident


def _unless_resolved(ws: Workspace, ident: str, matches: list[str]) -> list[str]:
    """The matches that are not resolved; an error naming the resolved ones when that leaves
    none (an exact name is kept only if open)."""
    resolved = [i for n in matches if (i := ws.site.incident(n)) is not None and i.is_closed]
    open_ones = [n for n in matches if n not in {i.id for i in resolved}]
    if open_ones or not resolved:
        return open_ones
    which = "is" if len(resolved) == 1 else "are"
    raise click.UsageError(
        f"'{ident}' names only {'a ' if len(resolved) == 1 else ''}resolved "
        f"incident{'s' if len(resolved) > 1 else ''}, which an update would reopen."
        f"{_listing('Resolved', resolved)}\n"
        f"If it {which} back, reopen it on purpose: statuspress update "
        f"{resolved[0].id} --reopen -c COMPONENT=STATE (name what is affected now)."
    )


def _folder_names(ws: Workspace) -> list[str]:
    if not ws.content.is_dir():
        return []
    return sorted(p.name for p in ws.content.iterdir() if p.is_dir())


def _only_open(ws: Workspace, now: datetime) -> Incident:
    found = [i for i in ws.site.incidents if is_open(i, now)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise click.UsageError(
            "no incident is open, so name the one you mean: "
            f"ID is its folder name or a unique part of it."
            f"{_listing('Recent incidents', _recent(ws))}"
        )
    raise click.UsageError(
        f"{len(found)} incidents are open; name the one you mean "
        f"(its folder name or a unique part of it).{_listing('Open', found)}"
    )


def _recent(ws: Workspace, count: int = 5) -> list[Incident]:
    return sorted(ws.site.incidents, key=lambda i: i.latest.at, reverse=True)[:count]


def _listing(heading: str, items: Sequence[Incident | str]) -> str:
    if not items:
        return ""
    lines = [f"  {i}" if isinstance(i, str) else f"  {i.id}  ({i.status}) {i.title}" for i in items]
    return f"\n{heading}:\n" + "\n".join(lines)


def _unreadable(ws: Workspace, name: str) -> AuthoringError:
    folder = f"{ws.settings.docs_dir}/{name}"
    problems = [d for d in ws.problems if d.path == folder or d.path.startswith(folder + "/")]
    if problems:
        return AuthoringError(
            f"{folder} cannot be read:\n{format_text(problems)}", "fix these problems first"
        )
    return AuthoringError(
        f"{folder} has no published update yet (every update is a draft)",
        "publish its first update (remove 'draft: true') before adding another",
    )


# --- names -----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_LIMIT:
        cut = slug[:SLUG_LIMIT]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def checked_slug(slug: str | None, title: str) -> str:
    if slug is not None:
        if not SLUG.fullmatch(slug):
            raise click.BadParameter(
                f"'{printable(slug)}' is not a slug; use lower-case letters, digits "
                "and single hyphens, e.g. api-errors",
                param_hint="'--slug'",
            )
        return slug
    made = slugify(title)
    if not made:
        raise click.BadParameter(
            "the title has no ASCII letters or digits to name the folder "
            "after; pass --slug, e.g. --slug api-errors",
            param_hint="TITLE",
        )
    return made


def incident_id(at: datetime, slug: str) -> str:
    """`YYYY-MM-DD-<slug>`, dated by the first update in UTC."""
    return f"{at.astimezone(timezone.utc):%Y-%m-%d}-{slug}"


def update_file_name(at: datetime, status: str) -> str:
    """`<UTC time as YYYYMMDDTHHMMZ>-<status>.md`, as SPEC §4.1 recommends."""
    return f"{at.astimezone(timezone.utc):%Y%m%dT%H%MZ}-{status}.md"


# --- defaults from the communication rules ---------------------------------------------------

# The cadence table of the `cadence-gap` rule (minutes for investigating, identified,
# monitoring), capped at 30 minutes before monitoring: the default `next_update` keeps it.
CADENCE = {
    Impact.CRITICAL: (20, 20, 30),
    Impact.MAJOR: (30, 30, 60),
    Impact.MINOR: (30, 30, 60),
    Impact.NONE: (30, 30, 60),
}
CADENCE_STATUSES = ("investigating", "identified", "monitoring")


def default_next_update(impact: Impact, status: str) -> timedelta:
    index = CADENCE_STATUSES.index(status) if status in CADENCE_STATUSES else 0
    return timedelta(minutes=CADENCE[impact][index])


def compact_duration(delta: timedelta) -> str:
    """The front matter's own duration syntax: `30m`, `2h`, `1h30m`, `1d`."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def written_time(value: datetime | timedelta | str) -> str:
    """A time option as it goes into the front matter."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, timedelta):
        return compact_duration(value)
    return value


def moment_of(value: datetime | timedelta | str | None, at: datetime) -> datetime | None:
    """The absolute time a time option stands for: durations count from `at`."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, timedelta):
        return at + value
    return None


# --- facts the templates receive -------------------------------------------------------------


@dataclass(frozen=True)
class ComponentFact:
    id: str
    name: str
    state: str  # a ComponentState value

    @property
    def label(self) -> str:
        return ComponentState(self.state).label.lower()


def component_facts(settings: Settings, states: dict[str, ComponentState]) -> list[ComponentFact]:
    """States in configuration order, each with the component's display name."""
    order = {c: index for index, c in enumerate(settings.component_ids)}
    facts = []
    for component_id in sorted(states, key=lambda c: order.get(c, len(order))):
        component = settings.component(component_id)
        name = component.name if component else component_id
        facts.append(ComponentFact(component_id, name, states[component_id].value))
    return facts


def worst_states(incident: Incident, extra: dict[str, ComponentState]) -> dict[str, ComponentState]:
    """Each affected component's worst state over the incident, this new update included."""
    worst: dict[str, ComponentState] = {}
    for states in [*(u.components for u in incident.updates), extra]:
        for component_id, state in states.items():
            if STATE_SEVERITY[state] >= STATE_SEVERITY[worst.get(component_id, state)]:
                worst[component_id] = state
    return worst


@dataclass(frozen=True)
class UpdateFact:
    at: datetime
    status: str
    label: str
    summary: str  # the first sentence of the public text


def update_facts(incident: Incident) -> list[UpdateFact]:
    return [
        UpdateFact(u.at, u.status, STATUS_LABELS.get(u.status, u.status), first_sentence(u.body))
        for u in incident.updates
    ]


def first_sentence(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s", flat)
    sentence = flat[: match.start()] if match else flat
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def incident_facts(
    ws: Workspace, incident: Incident, at: datetime, extra: dict[str, ComponentState]
) -> dict[str, Any]:
    """What the update, resolve and postmortem templates know about an incident."""
    latest = incident.latest
    end = incident.closed_at or at
    now = component_facts(ws.settings, {**latest.components, **extra})
    return {
        "id": incident.id,
        "title": incident.title,
        "kind": incident.kind.value,
        "impact": incident.impact.value,
        "status": latest.status,
        "started": incident.started,
        "first_at": incident.first.at,
        "end": end,
        "duration": max(timedelta(0), end - incident.started),
        "window": incident.window.at(at) if incident.window else None,  # of a series: `at`'s
        # The worst each component was (what a resolution or a postmortem tells of) ...
        "problems": _problems(component_facts(ws.settings, worst_states(incident, extra))),
        # ... and what the new update leaves it at (what an update says is wrong now).
        "problems_now": _problems(now),
        "components": now,
        "updates": update_facts(incident),
        "cause": next((u.cause for u in reversed(incident.updates) if u.cause), None),
        "workaround": next(
            (u.workaround for u in reversed(incident.updates) if u.workaround), None
        ),
        "authors": list(dict.fromkeys(u.author for u in incident.updates if u.author)),
    }


def _problems(facts: list[ComponentFact]) -> list[ComponentFact]:
    """The components that were not operational; all affected ones when none was (a glitch)."""
    return [c for c in facts if c.state != ComponentState.OPERATIONAL.value] or facts


# --- templates -------------------------------------------------------------------------------


class _ScalarDumper(yaml.SafeDumper):
    """Multi-line text as a `|` block, where YAML allows it; PyYAML quotes it otherwise."""


_ScalarDumper.add_representer(
    str,
    lambda dumper, data: dumper.represent_scalar(
        "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None
    ),
)


def yaml_scalar(value: Any) -> str:
    """Text as the value of a top-level key that reads back the same (quoted only if needed)."""
    text = str(value).strip()
    dumped = yaml.dump({"k": text}, Dumper=_ScalarDumper, allow_unicode=True, width=10**6)
    if yaml.safe_load(dumped) == {"k": text}:
        return dumped.removeprefix("k: ").rstrip("\n")
    return _double_quoted(text)  # e.g. line breaks YAML would fold (NEL, LS, PS)


_YAML_BREAKS = frozenset("\u2028\u2029\ufeff")


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar, escaping every character outside YAML's plain printable set."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif _printable(char):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def _printable(char: str) -> bool:
    code = ord(char)
    return char not in _YAML_BREAKS and (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )


def words(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    parts = [str(i) for i in items]
    if len(parts) < 3:
        return " and ".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


_PROBLEM_PHRASES = {  # state -> (indefinite, definite) noun phrase; avoids verb agreement
    "major_outage": ("an outage of {}", "the outage of {}"),
    "partial_outage": ("a partial outage of {}", "the partial outage of {}"),
    "degraded_performance": ("degraded performance of {}", "the degraded performance of {}"),
    "under_maintenance": ("maintenance of {}", "the maintenance of {}"),
    "operational": ("a problem with {}", "the problem with {}"),
}


def problems(items: Iterable[ComponentFact], definite: bool = False) -> str:
    """`an outage of API and degraded performance of Dashboard`."""
    return words(_PROBLEM_PHRASES[c.state][int(definite)].format(c.name) for c in items)


_EXPECTATIONS = {  # state -> what customers will notice, with modal verbs (no agreement)
    "major_outage": "{} will be unavailable",
    "partial_outage": "parts of {} will be unavailable",
    "degraded_performance": "{} may respond more slowly than usual",
    "under_maintenance": "{} may be unavailable at times",
    "operational": "{} will keep working normally",
}


def expectations(items: Iterable[ComponentFact]) -> str:
    """`API may be unavailable at times and Dashboard will keep working normally`."""
    return words(_EXPECTATIONS[c.state].format(c.name) for c in items)


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def oneline(text: str) -> str:
    return " ".join(str(text).split())


class Times:
    """Times as readers of the site see them: in its display zone."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)

    def clock(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return f"{local:%H:%M} {local.tzname()}"

    def stamp(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return f"{local.day} {local:%b %H:%M}"

    def near(self, moment: datetime, now: datetime) -> str:
        """The clock time, with the date when it is not today's."""
        local = moment.astimezone(self.zone)
        if local.date() == now.astimezone(self.zone).date():
            return self.clock(moment)
        return f"{local.day} {local:%b} {self.clock(moment)}"

    def day(self, moment: datetime | date) -> str:
        local = moment.astimezone(self.zone) if isinstance(moment, datetime) else moment
        return f"{local.day} {local:%B %Y}"


def duration_words(delta: timedelta) -> str:
    """`2 hours and 48 minutes`, `45 minutes`, `3 days and 4 hours`."""
    minutes = max(0, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    units = [(days, "day"), (hours, "hour"), (mins, "minute")]
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in units if n]
    return words(parts[:2]) or "less than a minute"


def template_environment(root: Path, zone: str) -> jinja2.Environment:
    """The site's `templates/` first, then the bundled templates."""
    env = jinja2.Environment(  # Markdown and YAML out, not HTML: nothing to escape
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(root / OVERRIDE_DIR)),
                jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES)),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    times = Times(zone)
    env.filters.update(
        yaml=yaml_scalar,
        iso=iso,
        clock=times.clock,
        day=times.day,
        stamp=times.stamp,
        duration=duration_words,
        compact=compact_duration,
        words=words,
        problems=problems,
        expectations=expectations,
        capfirst=capfirst,
        oneline=oneline,
    )
    return env


def render(ws: Workspace, name: str, context: dict[str, Any], target: str) -> str:
    """A template rendered and its front matter read back; a broken override is named."""
    env = template_environment(ws.root, ws.settings.timezone)
    try:
        template = env.get_template(name)
        text = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise AuthoringError(
            f"{_template_path(exc.filename, name)}:{exc.lineno}: "
            f"template syntax error: {exc.message}",
            _OVERRIDE_HINT,
        ) from None
    except jinja2.TemplateError as exc:
        raise AuthoringError(
            f"{_template_path(None, name)}: the template failed: {exc}", _OVERRIDE_HINT
        ) from None
    _, problems_found = split_front_matter(target, text)
    if problems_found:
        raise AuthoringError(
            f"{_template_path(template.filename, name)} writes front matter "
            f"that cannot be read:\n{format_text(problems_found)}",
            _OVERRIDE_HINT,
        )
    return text


_OVERRIDE_HINT = (
    "fix the template in your site's templates/ folder, or delete it to use the bundled one"
)


def _template_path(filename: str | None, name: str) -> str:
    return shown(Path(filename)) if filename else f"{OVERRIDE_DIR}/{name}"


# --- writing ---------------------------------------------------------------------------------


@dataclass
class Written:
    """What a command wrote, and what the check of it found."""

    path: Path
    findings: list[Diagnostic] = field(default_factory=list)
    created_folder: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if count_errors(self.findings) else 0


def create_file(path: Path, text: str, exists_hint: str) -> Written:
    """Write a new file; an existing one is never touched."""
    created_folder = not path.parent.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise AuthoringError(
            f"{shown(path)} already exists; nothing was written", exists_hint
        ) from None
    return Written(path, created_folder=created_folder)


def edit_in_editor(written: Written) -> bool:
    """Open $EDITOR on the file; False (and the file removed) when the user emptied it."""
    try:
        click.edit(filename=str(written.path))
    except click.ClickException as exc:
        raise AuthoringError(
            f"the editor failed: {exc.message}",
            f"the file is kept at {shown(written.path)}; edit it, then run 'statuspress check'",
        ) from None
    if written.path.read_text(encoding="utf-8").strip():
        return True
    written.path.unlink()
    if written.created_folder and not any(written.path.parent.iterdir()):
        written.path.parent.rmdir()
    return False


def check_written(ws: Workspace, written: Written, now: datetime) -> Written:
    """Findings about the new file or its folder, from the same checks as `statuspress check`."""
    try:
        project = load_project(ws.config_path, now)
    except ConfigProblem as problem:
        written.findings = list(problem.diagnostics)
        return written
    file_rel = ws.rel(written.path)
    folder_rel = file_rel.rsplit("/", 1)[0]
    written.findings = [d for d in project.diagnostics if d.path in (file_rel, folder_rel)]
    return written


def finish(
    ws: Workspace, written: Written, now: datetime, *, edit: bool, next_step: Sequence[str]
) -> tuple[str, int]:
    """Edit when asked, check, and say what happened and what to do next (text, exit code)."""
    if edit and not edit_in_editor(written):
        return "Nothing written: the file was empty after editing.", 1
    check_written(ws, written, now)
    lines = [f"Wrote {shown(written.path)}"]
    if written.findings:
        lines.append(format_text(written.findings))
        if written.exit_code:
            lines.append(
                "The file is written but has errors: fix them, then run 'statuspress check'."
            )
            return "\n".join(lines), 1
        lines.append(
            "Warnings only: it will publish, but 'statuspress check --strict' fails "
            "until they are fixed."
        )
    lines.extend(next_step)
    return "\n".join(lines), 0


def publish_steps(
    folder: Path, message: str, at: datetime | None = None, now: datetime | None = None
) -> list[str]:
    """The next step after writing an update: review, then commit and push; for an update
    dated after the clock (`at`, `now` as given), when it goes live."""
    steps = [
        "Next: read it over (preview with 'statuspress serve'), then publish it:",
        f"  git add {shlex.quote(shown(folder))} && git commit -m {shlex.quote(message)} "
        "&& git push",
    ]
    if at is not None and at > clock(now):
        steps.append(
            f"It is dated {iso(at)}: no build publishes it before then; the first build at or "
            "after then does (the scheduled rebuild, every 15 minutes)."
        )
    return steps


def after_at(value: datetime | timedelta | str | None, at: datetime, param_hint: str) -> None:
    """A promise (`eta`, `next_update`) points to after the update's time."""
    if isinstance(value, datetime) and value <= at:
        raise click.BadParameter(
            f"{iso(value)} is not after the update's time ({iso(at)}); "
            "give a later time or a duration such as 30m",
            param_hint=param_hint,
        )


def later_than_latest(incident: Incident, at: datetime) -> None:
    """An update must come after the incident's latest one, or the order on the page breaks."""
    if at < incident.latest.at:
        raise click.BadParameter(
            f"{iso(at)} is before the incident's latest update ({iso(incident.latest.at)}); "
            "an update is added after the last one",
            param_hint="'--at'",
        )


# --- options shared by the writing commands ---------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def writing_options(func: F) -> F:
    """-f, --now, --at, -m, --edit, --author and --draft: the same on every writing command."""
    decorators = [
        config_option,
        now_option,
        click.option(
            "--at",
            type=AwareTime(),
            default=None,
            help="The update's time (default: now, see --now).",
        ),
        click.option(
            "-m",
            "--message",
            default=None,
            help="The public text of the update, instead of the template's.",
        ),
        click.option("--edit", is_flag=True, help="Open $EDITOR on the new file, then check it."),
        click.option("--author", default=None, help="Who speaks, e.g. 'Platform team'."),
        click.option("--draft", is_flag=True, help="Write it as a draft: never published."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def component_option(
    help_text: str, default_state: ComponentState | None = None
) -> Callable[[F], F]:
    return click.option(
        "-c",
        "--component",
        "component_pairs",
        multiple=True,
        type=ComponentAssignment(default_state),
        help=help_text,
    )


def times(at: datetime | None, now: datetime | None) -> tuple[datetime, datetime]:
    """(the update's `at`, the clock to check with): a future `--at` is checked at its time."""
    clock_now = clock(now)
    moment = at.astimezone(timezone.utc) if at else clock_now
    return moment, max(moment, clock_now)


def message_text(message: str | None) -> str | None:
    """`-m` text, or None; an empty message would publish an update that says nothing."""
    if message is None:
        return None
    if not message.strip():
        raise click.BadParameter(
            "the message is empty; leave -m out to use the template",
            param_hint="'-m' / '--message'",
        )
    return message.strip()


def write_update(
    ws: Workspace,
    incident: Incident,
    template: str,
    context: dict[str, Any],
    clock: datetime,
    *,
    edit: bool,
    steps: list[str],
) -> tuple[str, int]:
    """Render one more update of `incident` into its folder, then edit and check it."""
    path = ws.content / incident.id / update_file_name(context["at"], context["status"])
    text = render(ws, template, context, ws.rel(path))
    written = create_file(
        path,
        text,
        "an update with this status was written in this minute "
        "already: edit that file, or pass --at with a later time",
    )
    return finish(ws, written, clock, edit=edit, next_step=steps)
