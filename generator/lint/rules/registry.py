"""The rule registry: every lint rule with its id, default level, scope, reason and advice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...model.types import Impact, Incident, Postmortem, Settings, Update

if TYPE_CHECKING:
    from .text import Prose

ERROR, WARNING, OFF = "error", "warning", "off"


class Scope(str, Enum):
    """What a rule looks at; it decides which arguments its function receives."""

    UPDATE = "update"  # fn(view: UpdateView, ctx) — every published update
    INCIDENT = "incident"  # fn(incident, ctx) — every incident or maintenance
    POSTMORTEM = "postmortem"  # fn(incident, postmortem, ctx) — every published postmortem
    EDIT = "edit"  # found by `check --since` (statuspress.commands.edits), not by the linter


@dataclass(frozen=True)
class Finding:
    """What a rule found, before its level and the file's `lint: ignore` are applied."""

    path: str
    line: int
    message: str
    hint: str = ""  # empty: the rule's advice
    ignore: frozenset[str] = frozenset()  # the rules silenced in the file concerned
    in_postmortem: bool = False
    level: str | None = None  # this finding's own default level, when the rule has two


def update_finding(
    update: Update, line: int, message: str, hint: str = "", level: str | None = None
) -> Finding:
    return Finding(update.path, line, message, hint, update.lint_ignore, level=level)


def postmortem_finding(
    postmortem: Postmortem, line: int, message: str, hint: str = "", level: str | None = None
) -> Finding:
    return Finding(postmortem.path, line, message, hint, postmortem.lint_ignore, True, level)


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind the timing and length rules (COMMS_RULES.md defaults)."""

    grace: timedelta = timedelta(minutes=5)
    acknowledge: dict[Impact, timedelta] = field(
        default_factory=lambda: {
            Impact.CRITICAL: timedelta(minutes=10),
            Impact.MAJOR: timedelta(minutes=15),
            Impact.MINOR: timedelta(minutes=30),
            Impact.NONE: timedelta(minutes=30),
        }
    )
    # minutes until the next update, per impact, for investigating/identified/monitoring
    cadence: dict[Impact, tuple[int, int, int]] = field(
        default_factory=lambda: {
            Impact.CRITICAL: (20, 20, 30),
            Impact.MAJOR: (30, 30, 60),
            Impact.MINOR: (60, 60, 60),
            Impact.NONE: (60, 60, 60),
        }
    )
    relax_after: timedelta = timedelta(hours=2)
    relax_factor: int = 2
    cause_max_words: int = 40
    cause_max_sentences: int = 2

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        """The defaults with the overrides of `lint_thresholds` in mkdocs.yml."""
        chosen = settings.lint_thresholds
        defaults = cls()
        plain = {
            key: value for key, value in chosen.items() if key not in ("acknowledge", "cadence")
        }
        acknowledge = {
            **defaults.acknowledge,
            **{Impact(k): v for k, v in chosen.get("acknowledge", {}).items()},
        }
        cadence = {
            **defaults.cadence,
            **{Impact(k): _minutes(v) for k, v in chosen.get("cadence", {}).items()},
        }
        return cls(**plain, acknowledge=acknowledge, cadence=cadence)


def _minutes(steps: Sequence[timedelta]) -> tuple[int, int, int]:
    investigating, identified, monitoring = (int(step.total_seconds() // 60) for step in steps)
    return investigating, identified, monitoring


@dataclass
class Context:
    """What every rule may consult: the clock, the settings and the thresholds. One lint
    run makes one (`linter.lint_context`), so what it keeps is that run's alone.

    `history` is False in `check` (timing rules judge open incidents as they stand now) and
    True in `report` (every incident is judged as it was, update by update).
    """

    now: datetime
    settings: Settings
    history: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    # The prepared text of the postmortem the rules are reading: they read one postmortem
    # after another, so the last one is kept, by this run alone (see `postmortem_prose`).
    _postmortem: tuple[Postmortem, Prose] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def postmortem_prose(self, postmortem: Postmortem) -> Prose:
        """The postmortem's prepared text, made once for the rules that read it in turn."""
        from .text import postmortem_prose

        held = self._postmortem
        if held is None or held[0] is not postmortem:
            held = (postmortem, postmortem_prose(postmortem))
            self._postmortem = held
        return held[1]

    @cached_property
    def scope_words(self) -> tuple[str, ...]:
        """Component ids and names, lower-case: naming one makes a scope specific."""
        words = {c.id.lower() for c in self.settings.components}
        words |= {c.name.lower() for c in self.settings.components}
        return tuple(sorted(w for w in words if len(w) > 1))


class UpdateView:
    """One update in its incident, with its prose prepared once for every phrase rule."""

    def __init__(self, incident: Incident, index: int) -> None:
        self.incident = incident
        self.index = index
        self.update = incident.updates[index]

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def is_latest(self) -> bool:
        return self.index == len(self.incident.updates) - 1

    @property
    def previous(self) -> Update | None:
        return self.incident.updates[self.index - 1] if self.index else None

    @cached_property
    def prose(self) -> Any:  # text.Prose; imported lazily to keep this module small
        from .text import update_prose

        return update_prose(self.update)


Check = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # the default: error or warning
    scope: Scope
    summary: str  # what it checks, one line
    reason: str  # why, with the source
    advice: str  # what to write instead: the hint of every finding without its own
    check: Check | None = None
    timing: bool = False  # judged on open incidents in `check`; history goes to `report`
    clock: bool = False  # reads the build clock: judged afresh by every build
    postmortem_level: str | None = None  # a different default inside postmortems
    postmortem_check: Check | None = None  # the same rule applied to postmortems
    level_note: str = ""  # when some findings have another default level: which ones

    def level_for(self, finding: Finding, configured: dict[str, str]) -> str:
        if self.id in configured:
            return configured[self.id]
        if finding.in_postmortem and self.postmortem_level:
            return self.postmortem_level
        return finding.level or self.level

    @property
    def level_label(self) -> str:
        if self.postmortem_level:
            return f"{self.level} ({self.postmortem_level} in postmortems)"
        if self.level_note:
            return f"{self.level} ({self.level_note})"
        return self.level


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    level: str,
    scope: Scope,
    *,
    reason: str,
    advice: str,
    timing: bool = False,
    clock: bool = False,
    postmortem_level: str | None = None,
    level_note: str = "",
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule `rule_id`; its docstring says
    what the rule checks."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule '{rule_id}' is registered twice")
        RULES[rule_id] = Rule(
            id=rule_id,
            level=level,
            scope=scope,
            summary=" ".join((check.__doc__ or "").strip().split("\n\n")[0].split()),
            reason=reason,
            advice=advice,
            check=check,
            timing=timing,
            clock=clock,
            postmortem_level=postmortem_level,
            level_note=level_note,
        )
        return check

    return register


def also_in_postmortems(rule_id: str) -> Callable[[Check], Check]:
    """Apply rule `rule_id` to postmortems too, with the decorated fn(incident, postmortem,
    ctx)."""

    def register(check: Check) -> Check:
        RULES[rule_id] = replace(RULES[rule_id], postmortem_check=check)
        return check

    return register


def register_external(
    rule_id: str, level: str, scope: Scope, *, summary: str, reason: str, advice: str
) -> Rule:
    """A rule whose findings come from elsewhere (e.g. git history), listed with the others."""
    RULES[rule_id] = Rule(rule_id, level, scope, summary, reason, advice)
    return RULES[rule_id]
