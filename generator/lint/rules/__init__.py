"""The communication lint rules (COMMS_RULES.md), one small function per rule id.

Importing the package registers every rule in `RULES`, in the order of ORDER (the
lint rules reference's).
"""

from __future__ import annotations

from . import (  # noqa: F401
    blame,
    content,
    phrases,
    postmortems,
    promises,
    scope,
    silence,
    substance,
    timing,
    translations,
)
from .registry import (
    ERROR,
    OFF,
    RULES,
    WARNING,
    Context,
    Finding,
    Rule,
    Scope,
    Thresholds,
    UpdateView,
    register_external,
)

register_external(
    "silent-edit",
    WARNING,
    Scope.EDIT,
    summary="`check --since REV`: a published update or postmortem whose text changed after "
    "publication without a visible correction note",
    reason="Published words are corrected openly, not rewritten: customers and their tools "
    "may have read and quoted the old text (SPEC §4.1; GitLab's incident-communication "
    "handbook).",
    advice='keep the published text and add a paragraph starting with "Correction '
    '(date):" that says what changed, or post a new update',
)

ORDER = (  # the order of COMMS_RULES.md, used by the docs and `--help`
    "next-update-missing",
    "update-overdue",
    "promise-broken",
    "slow-acknowledgement",
    "cadence-gap",
    "long-silence",
    "eta-while-investigating",
    "eta-in-text",
    "promise-mismatch",
    "maintenance-overrun",
    "apology-missing",
    "rote-apology",
    "generic-statement",
    "vague-scope",
    "vendor-blame",
    "person-blame",
    "evasive-apology",
    "no-new-information",
    "status-mismatch",
    "hedged-cause",
    "minimising",
    "cause-too-long",
    "cause-jargon",
    "internal-detail",
    "impact-missing",
    "impact-underrated",
    "exclamation",
    "resolution-incomplete",
    "followup-missing",
    "postmortem-missing",
    "postmortem-incomplete",
    "postmortem-unfinished",
    "postmortem-apology-missing",
    "action-item-owner",
    "action-item-vague",
    "action-item-people",
    "action-item-overdue",
    "translation-missing",
    "silent-edit",
)
_registered = dict(RULES)
RULES.clear()
RULES.update({rule_id: _registered.pop(rule_id) for rule_id in ORDER})
RULES.update(_registered)  # a rule missing from ORDER still runs (a test catches it)

__all__ = [
    "ERROR",
    "OFF",
    "ORDER",
    "RULES",
    "WARNING",
    "Context",
    "Finding",
    "Rule",
    "Scope",
    "Thresholds",
    "UpdateView",
]
