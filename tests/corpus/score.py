"""Score the communication linter on the labelled corpus of real incident texts.

Every text becomes real content files (an incident folder with its updates, or a postmortem)
in a site of its company's own, which the real loader reads and the real linter judges, as
`statuspress check` and `statuspress report` would. A text's expected rules are compared with
the rules that fired on it: per rule and overall, precision and recall.

    python -m tests.corpus.score [--details] [--docs] [--part texts|holdout|fresh|timing]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PARTS = {
    "texts": HERE / "texts.yaml",
    "holdout": HERE / "holdout.yaml",
    "fresh": HERE / "fresh.yaml",
}
TIMING = HERE / "timing.yaml"

# Rules judged on the texts: every rule that reads words and is on by default. The others
# read fields or the clock (impact-missing, cause-too-long, the timing rules) and are scored
# on the timelines, or are off by default (action-item-owner).
TEXT_RULES = (
    "rote-apology",
    "generic-statement",
    "vague-scope",
    "vendor-blame",
    "person-blame",
    "evasive-apology",
    "internal-detail",
    "exclamation",
    "eta-in-text",
    "apology-missing",
    "resolution-incomplete",
    "followup-missing",
    "no-new-information",
    "status-mismatch",
    "hedged-cause",
    "cause-jargon",
    "minimising",
    "impact-underrated",
    "postmortem-incomplete",
    "postmortem-apology-missing",
    "action-item-vague",
    "action-item-people",
)
TIMING_RULES = (
    "next-update-missing",
    "promise-broken",
    "slow-acknowledgement",
    "cadence-gap",
    "eta-while-investigating",
    "long-silence",
)
# Which rules can apply to which kind of text (a rule that cannot fire there is not scored).
POSTMORTEM_ONLY = {"postmortem-incomplete", "postmortem-apology-missing"}
ACTION_ONLY = {"action-item-vague", "action-item-people"}
UPDATE_ONLY = {
    "eta-in-text",
    "apology-missing",
    "resolution-incomplete",
    "followup-missing",
    "no-new-information",
    "status-mismatch",
    "cause-jargon",
    "impact-underrated",
}

CONFIG = """\
site_name: {company} Status
site_url: https://status.example.com/
docs_dir: incidents
theme:
  name: statuspress
plugins:
  - statuspress:
      company: {company_yaml}
      components:
        - id: api
          name: API
        - id: dashboard
          name: Dashboard
"""
# A plain, complete postmortem around a summary or an action item under test: it says what
# happened, why, what changes, and apologizes, so that only the text under test is judged.
NEUTRAL_BODY = """\
## What happened

From 14:05 to 14:50 UTC, 12% of requests to the API failed with HTTP 503.

## Root cause

A configuration change lowered the number of connections the API may open to its database.

## What we are changing

We now check connection limits before a configuration change reaches production. We are
sorry that requests failed for 45 minutes.
"""
NEUTRAL_FIRST = (
    "About 10% of API requests fail with HTTP 503. We are sorry: your requests may fail "
    "until this is fixed. We are investigating."
)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score:
    rules: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    mistakes: list[str] = field(default_factory=list)
    error_false_positives: list[str] = field(default_factory=list)
    texts: int = 0

    def add(
        self,
        label: str,
        scored: Iterable[str],
        expected: set[str],
        found: set[str],
        errors: frozenset[str] = frozenset(),
    ) -> None:
        """`errors`: the rules among `found` that fired at error level."""
        for rule in scored:
            tally = self.rules[rule]
            if rule in expected and rule in found:
                tally.tp += 1
            elif rule in found:
                tally.fp += 1
                self.mistakes.append(f"false positive {rule}: {label}")
                if rule in errors:
                    self.error_false_positives.append(f"{rule}: {label}")
            elif rule in expected:
                tally.fn += 1
                self.mistakes.append(f"false negative {rule}: {label}")

    def overall(self, rules: Iterable[str]) -> Tally:
        total = Tally()
        for rule in rules:
            tally = self.rules.get(rule, Tally())
            total.tp, total.fp, total.fn = (
                total.tp + tally.tp,
                total.fp + tally.fp,
                total.fn + tally.fn,
            )
        return total


def load(path: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return entries


def scored_rules(entry: dict[str, Any]) -> list[str]:
    kind = entry["kind"]
    rules = set(TEXT_RULES)
    if kind != "postmortem":
        rules -= POSTMORTEM_ONLY
    if kind != "action_item":
        rules -= ACTION_ONLY
    if kind != "update":
        rules -= UPDATE_ONLY
    else:
        if not entry.get("final"):
            rules -= {"resolution-incomplete", "followup-missing"}
        if not entry.get("first"):
            rules -= {"apology-missing"}
    return [rule for rule in TEXT_RULES if rule in rules]


def _yaml_text(text: str) -> str:
    return (
        yaml.safe_dump(text, allow_unicode=True, width=10_000).strip().removesuffix("...").strip()
    )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_name(moment: datetime, status: str) -> str:
    return f"{moment:%Y%m%dT%H%MZ}-{status}.md"


def _update(fields: dict[str, Any], body: str) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {v}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {value}")
    return "\n".join([*lines, "---", body.strip(), ""])


@dataclass
class Written:
    """Where a text under test was written: its file, and its line in a postmortem."""

    label: str
    path: str
    line: int | None
    expected: set[str]
    scored: list[str]


def write_text_entry(root: Path, index: int, entry: dict[str, Any]) -> Written:
    """The entry's incident folder; returns where its findings will point."""
    day = datetime.fromisoformat(str(entry["date"])).replace(tzinfo=timezone.utc)
    start = day + timedelta(hours=12)
    folder_name = f"{day:%Y-%m-%d}-text-{index:03d}"
    folder = root / "incidents" / folder_name
    folder.mkdir(parents=True)
    impact = entry.get("impact", "minor")
    state = entry.get("components", "partial_outage")
    label = f"{entry['id']} ({entry['source']})"
    kind = entry["kind"]
    if kind == "update":
        return _write_update_entry(folder, folder_name, start, entry, impact, state, label)
    first = {
        "title": f"Text {index}",
        "at": _stamp(start),
        "status": "investigating",
        "impact": impact,
        "components": {"api": state},
        "next_update": "30m",
    }
    (folder / _file_name(start, "investigating")).write_text(
        _update(first, NEUTRAL_FIRST), encoding="utf-8"
    )
    end = start + timedelta(minutes=45)
    resolved = {"at": _stamp(end), "status": "resolved", "components": {"api": "operational"}}
    (folder / _file_name(end, "resolved")).write_text(
        _update(resolved, "API requests succeed again. Thank you for your patience."),
        encoding="utf-8",
    )
    published = _stamp(end + timedelta(days=2))
    text = entry["text"]
    if kind == "postmortem":
        head = ["---", f"title: Postmortem {index}", f"published: {published}", "---"]
        path = folder / "postmortem.md"
        path.write_text("\n".join([*head, text.strip(), ""]), encoding="utf-8")
        return Written(
            label, _relative(root, path), None, set(entry["expect"]), scored_rules(entry)
        )
    summary = text if kind == "summary" else "12% of API requests failed for 45 minutes."
    item = text if kind == "action_item" else "Check connection limits before each deploy"
    head = [
        "---",
        f"title: Postmortem {index}",
        f"published: {published}",
        f"summary: {_yaml_text(summary)}",
        "action_items:",
        f"  - what: {_yaml_text(item)}",
        "    owner: Platform team",
        "---",
    ]
    path = folder / "postmortem.md"
    path.write_text("\n".join([*head, NEUTRAL_BODY]), encoding="utf-8")
    line = 4 if kind == "summary" else 6
    return Written(label, _relative(root, path), line, set(entry["expect"]), scored_rules(entry))


def _write_update_entry(
    folder: Path,
    folder_name: str,
    start: datetime,
    entry: dict[str, Any],
    impact: str,
    state: str,
    label: str,
) -> Written:
    status = entry["status"]
    maintenance = bool(entry.get("maintenance"))
    fields: dict[str, Any] = {"title": f"Text {folder_name}", "impact": impact}
    if maintenance:
        fields = {
            "kind": "maintenance",
            **fields,
            "window": {
                "start": _stamp(start + timedelta(days=3)),
                "end": _stamp(start + timedelta(days=3, hours=2)),
            },
        }
    moment = start
    if not entry.get("first") and not maintenance:
        first = {
            **fields,
            "at": _stamp(start),
            "status": "investigating",
            "components": {"api": state},
            "next_update": "30m",
        }
        (folder / _file_name(start, "investigating")).write_text(
            _update(first, NEUTRAL_FIRST), encoding="utf-8"
        )
        fields = {}
        moment = start + timedelta(minutes=10)
    closing = status in ("resolved", "completed")
    own: dict[str, Any] = {
        **fields,
        "at": _stamp(moment),
        "status": status,
        "components": {"api": "operational" if closing else state},
    }
    if not closing and not maintenance:
        own["next_update"] = "30m"
    path = folder / _file_name(moment, status)
    path.write_text(_update(own, entry["text"]), encoding="utf-8")
    if not closing and not maintenance:
        later = moment + timedelta(minutes=20)
        resolved = {"at": _stamp(later), "status": "resolved", "components": {"api": "operational"}}
        (folder / _file_name(later, "resolved")).write_text(
            _update(resolved, "API requests succeed again. We are sorry for the failed requests."),
            encoding="utf-8",
        )
    return Written(
        label,
        _relative(folder.parent.parent, path),
        None,
        set(entry["expect"]),
        scored_rules(entry),
    )


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _site(root: Path, company: str) -> Path:
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        CONFIG.format(company=company, company_yaml=_yaml_text(company)), encoding="utf-8"
    )
    return root


def _by_company(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        grouped[entry["company"]].append(entry)
    return grouped


def _findings(root: Path, now: datetime) -> list[Any]:
    from statuspress.lint.rules import RULES
    from statuspress.publishing.loading import load_project

    project = load_project(root / "mkdocs.yml", now)
    invalid = [d for d in project.diagnostics if d.is_error and d.rule not in RULES]
    if invalid:
        raise SystemExit(
            "the corpus made invalid content:\n" + "\n".join(d.render() for d in invalid)
        )
    return [d for d in project.diagnostics if d.rule in RULES]


def score_texts(entries: list[dict[str, Any]]) -> Score:
    score = Score(texts=len(entries))
    with tempfile.TemporaryDirectory(prefix="statuspress-corpus-") as temp:
        for number, (company, group) in enumerate(sorted(_by_company(entries).items())):
            root = _site(Path(temp) / f"site-{number}", company)
            written = [write_text_entry(root, index, entry) for index, entry in enumerate(group)]
            latest = max(datetime.fromisoformat(str(e["date"])) for e in group)
            now = latest.replace(tzinfo=timezone.utc) + timedelta(days=3)
            diagnostics = _findings(root, now)
            for text in written:
                mine = [
                    d
                    for d in diagnostics
                    if d.path == text.path and (text.line is None or d.line == text.line)
                ]
                errors = frozenset(d.rule for d in mine if d.is_error)
                score.add(text.label, text.scored, text.expected, {d.rule for d in mine}, errors)
    return score


def score_timing(incidents: list[dict[str, Any]]) -> Score:
    from statuspress.lint.linter import history_findings
    from statuspress.publishing.loading import load_project

    score = Score()
    with tempfile.TemporaryDirectory(prefix="statuspress-timing-") as temp:
        for number, incident in enumerate(incidents):
            root = _site(Path(temp) / f"site-{number}", incident["company"])
            folder = root / "incidents" / f"{incident['updates'][0]['at'][:10]}-timeline"
            folder.mkdir(parents=True)
            paths = []
            for index, update in enumerate(incident["updates"]):
                moment = datetime.fromisoformat(update["at"].replace("Z", "+00:00"))
                fields: dict[str, Any] = {"at": update["at"], "status": update["status"]}
                if index == 0:
                    fields = {
                        "title": incident["id"],
                        **fields,
                        "impact": incident["impact"],
                        "components": {"api": "partial_outage"},
                    }
                    if "started" in incident:
                        fields["started"] = incident["started"]
                if update["status"] == "resolved":
                    fields["components"] = {"api": "operational"}
                if "next_update" in update:
                    fields["next_update"] = update["next_update"]
                body = "Requests to the API fail. We are sorry for the failed requests."
                path = folder / _file_name(moment, update["status"])
                path.write_text(_update(fields, body), encoding="utf-8")
                paths.append((_relative(root, path), set(update["expect"])))
            last = datetime.fromisoformat(incident["updates"][-1]["at"].replace("Z", "+00:00"))
            project = load_project(root / "mkdocs.yml", last + timedelta(days=1))
            history = [d for _, d in history_findings(project.site, last + timedelta(days=1))]
            for index, (path, expected) in enumerate(paths):
                label = f"{incident['id']} update {index + 1} ({incident['source']})"
                mine = [d for d in history if d.path == path]
                errors = frozenset(d.rule for d in mine if d.is_error)
                score.add(label, TIMING_RULES, expected, {d.rule for d in mine}, errors)
                score.texts += 1
    return score


def table(score: Score, rules: Iterable[str]) -> Iterator[str]:
    yield "| rule | TP | FP | FN | precision | recall |"
    yield "| --- | --- | --- | --- | --- | --- |"
    for rule in rules:
        tally = score.rules.get(rule, Tally())
        if tally.tp + tally.fp + tally.fn == 0:
            continue
        yield (
            f"| `{rule}` | {tally.tp} | {tally.fp} | {tally.fn} | "
            f"{tally.precision:.2f} | {tally.recall:.2f} |"
        )
    total = score.overall(rules)
    yield (
        f"| **all** | {total.tp} | {total.fp} | {total.fn} | "
        f"{total.precision:.2f} | {total.recall:.2f} |"
    )


def score_all() -> dict[str, Score]:
    """Every part: the texts of each part, and the timelines."""
    scores = {part: score_texts(load(path)) for part, path in PARTS.items()}
    scores["timing"] = score_timing(load(TIMING))
    return scores


PART_NAMES = {
    "texts": "development",
    "holdout": "held out",
    "fresh": "second held out",
    "timing": "timelines",
}


def _cell(tally: Tally | None) -> str:
    if tally is None or tally.tp + tally.fp + tally.fn == 0:
        return "–"
    return f"{tally.precision:.2f} / {tally.recall:.2f} ({tally.tp + tally.fn})"


def docs_table(scores: dict[str, Score]) -> str:
    """The lint rules reference's table of measured precision and recall, per rule and part."""
    text_parts = [p for p in PARTS if p in scores]
    head = " | ".join(PART_NAMES[p] for p in text_parts)
    rows = [
        f"| rule | {head} |",
        "| --- |" + " --- |" * len(text_parts),
    ]
    for rule in TEXT_RULES:
        cells = [_cell(scores[p].rules.get(rule)) for p in text_parts]
        if set(cells) != {"–"}:
            rows.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    rows.append(
        "| **text rules** | "
        + " | ".join(_cell(scores[p].overall(TEXT_RULES)) for p in text_parts)
        + " |"
    )
    timing = scores.get("timing")
    if timing is not None:
        rows += ["", "| timing rule | timelines, replayed update by update |", "| --- | --- |"]
        for rule in TIMING_RULES:
            cell = _cell(timing.rules.get(rule))
            if cell != "–":
                rows.append(f"| `{rule}` | {cell} |")
        rows.append(f"| **timing rules** | {_cell(timing.overall(TIMING_RULES))} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="list every mistake")
    parser.add_argument("--part", choices=[*PARTS, "timing"], action="append")
    parser.add_argument("--docs", action="store_true", help="print the reference's table too")
    args = parser.parse_args(argv)
    for part in args.part or [*PARTS, "timing"]:
        if part == "timing":
            score, rules = score_timing(load(TIMING)), TIMING_RULES
        else:
            score, rules = score_texts(load(PARTS[part])), TEXT_RULES
        print(f"\n## {part} ({score.texts} {'updates' if part == 'timing' else 'texts'})\n")
        print("\n".join(table(score, rules)))
        if args.details:
            print("\n".join(["", *sorted(score.mistakes)]))
    if args.docs:
        print("\n" + docs_table(score_all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
