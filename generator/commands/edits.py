"""`check --since REV`: published updates and postmortems whose words changed afterwards.

Published words are corrected openly, not rewritten. A file that was published at REV (it
existed there and was not a draft) and whose public content differs now is flagged
(`silent-edit`), unless the new text adds a correction note: a paragraph that starts with
"Correction" (or "Corrected"), or with "Update"/"Updated"/"Edit"/"Edited" followed by a date,
e.g. `**Correction (23 November):** the cause was a certificate, not a deploy.`
Re-wrapping lines, internal notes, `lint:` and action item progress are not changes.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..clock import parse_time
from ..configuration.settings import load_settings
from ..diagnostics import Diagnostic, Severity, error
from ..lint.rules import OFF, RULES
from ..model.source import RawFile, split_front_matter, strip_html_comments

RULE_ID = "silent-edit"
UPDATE_FIELDS = (
    "kind",
    "title",
    "at",
    "status",
    "impact",
    "components",
    "started",
    "window",
    "eta",
    "next_update",
    "apology",
    "cause",
    "workaround",
    "author",
)
POSTMORTEM_FIELDS = ("title", "published", "authors", "summary")
CORRECTION = re.compile(
    r"^[\s*_>#]*(?:correct(?:ion|ed)|erratum)\b|"
    r"^[\s*_>#]*(?:update[ds]?|edit(?:ed)?)\b[^:\n]{0,40}\d[^:\n]{0,40}:",
    re.IGNORECASE,
)
NO_REPO_HINT = "run it inside a git checkout, or leave out --since"
REV_HINT = (
    "use a commit, branch or tag that exists here, e.g. origin/main; in CI, fetch the "
    "history (actions/checkout with fetch-depth: 0)"
)


class GitProblem(Exception):
    pass


@dataclass(frozen=True)
class Published:
    """The public content of one file: what readers saw, normalised for comparison."""

    fields: dict[str, str]
    body: str
    lines: dict[str, int]
    body_line: int
    ignore: frozenset[str]


def edited_since(config_path: Path, rev: str, now: datetime | None = None) -> list[Diagnostic]:
    """Findings for files published at `rev` whose public content changed since; with `now`
    (the clock of `check`), a file dated after it at `rev` was never published."""
    settings, _ = load_settings(config_path)
    if settings is None:
        return []  # `check` reports the broken configuration
    level = settings.lint.get(RULE_ID, RULES[RULE_ID].level)
    root = config_path.resolve().parent
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
        _verify(root, rev)
        changed = _changed_files(root, top, rev, root / settings.docs_dir)
    except GitProblem as problem:
        message, hint = problem.args
        return [error(config_path.name, 0, "since", message, hint)]
    if level == OFF:
        return []
    found = [_judge(root, top, rev, status, path, now) for status, path in changed]
    return [
        Diagnostic(d.path, d.line, RULE_ID, Severity(level), d.message, d.hint)
        for d in found
        if d is not None
    ]


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitProblem("git is not installed", "install git, or leave out --since") from None
    if done.returncode:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if "not a git repository" in " ".join(detail):
            raise GitProblem(f"'{cwd}' is not in a git repository", NO_REPO_HINT)
        raise GitProblem(
            f"git {args[0]} failed: {detail[0] if detail else done.returncode}", NO_REPO_HINT
        )
    return done.stdout.decode("utf-8", "replace")


def _verify(cwd: Path, rev: str) -> None:
    if not rev or rev.startswith("-"):
        raise GitProblem(f"'{rev}' is not a git revision", REV_HINT)
    try:
        _git(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitProblem:
        raise GitProblem(f"'{rev}' is not a known git revision", REV_HINT) from None


def _changed_files(root: Path, top: Path, rev: str, content: Path) -> list[tuple[str, str]]:
    """(status letter, path from the repository root) of .md files changed since `rev`."""
    try:
        scope = content.resolve().relative_to(top).as_posix() or "."
    except ValueError:
        return []
    out = _git(root, "diff", "--name-status", "--no-renames", "-z", rev, "--", scope)
    parts = [p for p in out.split("\0") if p]
    pairs = list(zip(parts[::2], parts[1::2], strict=True))
    return [(status[0], path) for status, path in pairs if path.endswith(".md")]


def _judge(
    root: Path, top: Path, rev: str, status: str, repo_path: str, now: datetime | None
) -> Diagnostic | None:
    if status == "A":
        return None  # new since REV: not published then
    site_path = (top / repo_path).relative_to(root).as_posix()
    try:
        before = _published(site_path, _git(top, "show", f"{rev}:{repo_path}"))
    except GitProblem:
        return None
    if before is None or (now is not None and _dated_after(before, now)):
        return None  # a draft, a broken file or one dated later at REV: never published
    current = top / repo_path
    if status == "D" or not current.is_file():
        return _finding(
            site_path,
            0,
            "a published file was deleted",
            "restore it: readers, feeds and links rely on it; correct it with a new update instead",
        )
    after = _published(site_path, current.read_text(encoding="utf-8", errors="replace"))
    if after is None:
        return None  # now a draft or broken: the loader reports what it can
    if RULE_ID in after.ignore:
        return None
    return _compare(site_path, before, after)


def _compare(path: str, before: Published, after: Published) -> Diagnostic | None:
    changed = [
        key
        for key in sorted(set(before.fields) | set(after.fields))
        if before.fields.get(key) != after.fields.get(key)
    ]
    if before.body != after.body:
        changed.append("body")
    if not changed or adds_correction(before.body, after.body):
        return None
    line = after.body_line if changed[0] == "body" else after.lines.get(changed[0], 1)
    what = ", ".join("the text" if key == "body" else f"'{key}'" for key in changed)
    return _finding(path, line, f"published content changed since it was published: {what}")


def adds_correction(before: str, after: str) -> bool:
    """True when `after` has a correction paragraph that `before` did not."""
    old = set(_paragraphs(before))
    return any(CORRECTION.search(p) for p in _paragraphs(after) if p not in old)


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]


def _finding(path: str, line: int, message: str, hint: str = "") -> Diagnostic:
    rule = RULES[RULE_ID]
    return Diagnostic(path, line, RULE_ID, Severity.WARNING, message, hint or rule.advice)


def _published(path: str, text: str) -> Published | None:
    raw, problems = split_front_matter(path, text)
    if raw is None or problems or _is_draft(raw):
        return None
    keys = POSTMORTEM_FIELDS if PurePosixPath(path).name == "postmortem.md" else UPDATE_FIELDS
    fields = {key: _normal(raw.meta[key]) for key in keys if key in raw.meta}
    body = "\n\n".join(_paragraphs(strip_html_comments(raw.body)))
    return Published(fields, body, raw.lines, raw.body_line, _ignored(raw))


def _dated_after(published: Published, now: datetime) -> bool:
    """Whether the file's `at` (or a postmortem's `published`) lies after `now`."""
    text = published.fields.get("at") or published.fields.get("published") or ""
    moment = parse_time(text)
    return moment is not None and moment.tzinfo is not None and moment > now


def _is_draft(raw: RawFile) -> bool:
    return str(raw.meta.get("draft", "false")).strip().lower() in ("true", "yes", "on", "1")


def _ignored(raw: RawFile) -> frozenset[str]:
    lint = raw.meta.get("lint")
    ignore = lint.get("ignore") if isinstance(lint, dict) else None
    return frozenset(str(i) for i in ignore) if isinstance(ignore, list) else frozenset()


def _normal(value: Any) -> str:
    """A value as comparable text: whitespace collapsed, mappings in order."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_normal(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_normal(v) for v in value) + "]"
    return " ".join(str(value).split())
