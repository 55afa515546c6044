"""The communication linter: runs the rules of `statuspress.lint.rules` over a site.

`run_lint` serves `check` and `build`: content rules judge every update, timing rules only
incidents open at the build clock (a late update last month cannot be fixed any more).
`history_findings` serves `report`: every rule on every incident, as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..diagnostics import Diagnostic, Severity, error
from ..model import Incident, Postmortem, Settings, Site, Update
from ..model.derive import is_open, site_at
from ..model.fields import did_you_mean
from .rules import OFF, RULES, Context, Finding, Rule, Scope, Thresholds, UpdateView


def run_lint(site: Site, now: datetime) -> list[Diagnostic]:
    """Findings for `check` and `build`, with the configured levels and suppressions."""
    ctx = lint_context(site.settings, now)
    found = [d for incident in site.incidents for d in incident_diagnostics(incident, ctx)]
    return [*found, *clock_diagnostics(site, now)]


def lint_context(settings: Settings, now: datetime, history: bool = False) -> Context:
    return Context(now=now, settings=settings, history=history, thresholds=Thresholds.of(settings))


def incident_diagnostics(incident: Incident, ctx: Context) -> list[Diagnostic]:
    """What the content of one incident alone decides, whatever the clock: a build keeps
    these with the incident's other results and reuses them while its files are unchanged."""
    rules = [r for r in RULES.values() if not r.timing and not r.clock]
    found = to_diagnostics(_findings(incident, ctx, rules), ctx.settings.lint)
    return [*_unknown_ignored(incident), *found]


def clock_diagnostics(site: Site, now: datetime) -> list[Diagnostic]:
    """What the build clock decides: timing rules on incidents open now, clock rules on all."""
    ctx = lint_context(site.settings, now)
    clock = [r for r in RULES.values() if r.clock and not r.timing]
    timing = [r for r in RULES.values() if r.timing]
    published = {i.id: i for i in site_at(site, now).incidents}  # as readers see it now
    found: list[tuple[Rule, Finding]] = []
    for incident in site.incidents:
        found += _findings(incident, ctx, clock)
        current = published.get(incident.id)
        if current is not None and is_open(current, now):
            found += _findings(current, ctx, timing)
    return to_diagnostics(found, site.settings.lint)


def history_findings(site: Site, now: datetime) -> list[tuple[str, Diagnostic]]:
    """(incident id, finding) for every rule on every incident as it was, timing included:
    what `report` counts."""
    ctx = lint_context(site.settings, now, history=True)
    rules = list(RULES.values())
    return [
        (incident.id, diagnostic)
        for incident in site.incidents
        for diagnostic in to_diagnostics(_findings(incident, ctx, rules), site.settings.lint)
    ]


def _findings(incident: Incident, ctx: Context, rules: list[Rule]) -> list[tuple[Rule, Finding]]:
    views: list[UpdateView] = []  # made for the first rule on updates (the clock has none)
    found: list[tuple[Rule, Finding]] = []
    for rule in rules:
        if rule.scope is Scope.UPDATE and not views:
            views = [UpdateView(incident, index) for index in range(len(incident.updates))]
        found += [(rule, finding) for finding in _run(rule, incident, views, ctx)]
    return found


def _run(
    rule: Rule, incident: Incident, views: list[UpdateView], ctx: Context
) -> Iterator[Finding]:
    if rule.check is None:
        return  # found elsewhere (silent-edit: `check --since`)
    if rule.scope is Scope.UPDATE:
        for view in views:
            yield from rule.check(view, ctx)
    elif rule.scope is Scope.INCIDENT:
        yield from rule.check(incident, ctx)
    elif rule.scope is Scope.POSTMORTEM and incident.postmortem is not None:
        yield from rule.check(incident, incident.postmortem, ctx)
    if rule.postmortem_check is not None and incident.postmortem is not None:
        yield from rule.postmortem_check(incident, incident.postmortem, ctx)


def to_diagnostics(
    found: list[tuple[Rule, Finding]], configured: dict[str, str]
) -> list[Diagnostic]:
    """Apply levels (`lint:` in mkdocs.yml) and each file's `lint: {ignore: [...]}`."""
    diagnostics = []
    for rule, finding in found:
        level = rule.level_for(finding, configured)
        if level == OFF or rule.id in finding.ignore:
            continue
        diagnostics.append(
            Diagnostic(
                finding.path,
                finding.line,
                rule.id,
                Severity(level),
                finding.message,
                finding.hint or rule.advice,
            )
        )
    return diagnostics


def _unknown_ignored(incident: Incident) -> Iterator[Diagnostic]:
    known = tuple(RULES)
    sources: list[Update | Postmortem] = [*incident.updates]
    if incident.postmortem:
        sources.append(incident.postmortem)
    for source in sources:
        for rule_id in sorted(source.lint_ignore - set(known)):
            yield error(
                source.path,
                source.lines.get("lint", 1),
                "unknown-rule",
                f"'{rule_id}' in 'lint: ignore' is not a lint rule",
                did_you_mean(rule_id, known),
            )


def rules_table() -> str:
    """The lint rules reference's table of rules: id, default level, what it checks and why."""
    rows = ["| rule | level | what it checks | why |", "| --- | --- | --- | --- |"]
    for rule in RULES.values():
        summary = " ".join(rule.summary.split()).replace("|", "\\|")
        reason = " ".join(rule.reason.split()).replace("|", "\\|")
        rows.append(f"| `{rule.id}` | {rule.level_label} | {summary} | {reason} |")
    return "\n".join(rows)
