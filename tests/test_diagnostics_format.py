"""How findings are printed: text for people, GitHub workflow commands, JSON for tools."""

from __future__ import annotations

import json

from statuspress.diagnostics import (
    error,
    format_github,
    format_json,
    format_text,
    sort_diagnostics,
    warning,
)

FINDINGS = sort_diagnostics(
    [
        warning("incidents/b/x.md", 4, "cadence-gap", "next update in 2 h", "promise 30m"),
        error("incidents/a", 0, "bad-folder", "'a' is not a valid incident id", "rename it"),
        error("incidents/b/x.md", 4, "bad-time", "'at' is 100% wrong,\nreally", ""),
        error("incidents/b/x.md", 4, "bad-time", "'at' is 100% wrong,\nreally", ""),
    ]
)


def test_sorted_by_path_line_rule_without_duplicates() -> None:
    assert [(d.path, d.line, d.rule) for d in FINDINGS] == [
        ("incidents/a", 0, "bad-folder"),
        ("incidents/b/x.md", 4, "bad-time"),
        ("incidents/b/x.md", 4, "cadence-gap"),
    ]


def test_text() -> None:
    assert format_text(FINDINGS) == (
        "incidents/a: error[bad-folder]: 'a' is not a valid incident id\n"
        "  hint: rename it\n"
        "incidents/b/x.md:4: error[bad-time]: 'at' is 100% wrong,\nreally\n"
        "incidents/b/x.md:4: warning[cadence-gap]: next update in 2 h\n"
        "  hint: promise 30m\n"
        "2 errors and 1 warning in 2 files"
    )
    assert format_text([]) == "no problems found"


def test_github_escapes_properties_and_messages() -> None:
    odd = [error("incidents/a,b:c/x.md", 2, "bad-time", "50% off\nnow", "fix: it")]
    assert format_github(odd).splitlines() == [
        "::error file=incidents/a%2Cb%3Ac/x.md,line=2,title=statuspress bad-time::50%25 off"
        "%0Anow%0Afix: it",
        "1 error in 1 file",
    ]
    assert format_github(FINDINGS).splitlines()[2] == (
        "::warning file=incidents/b/x.md,line=4,title=statuspress cadence-gap::next update in "
        "2 h%0Apromise 30m"
    )


def test_json_rows_in_a_fixed_key_order() -> None:
    rows = json.loads(format_json(FINDINGS))
    assert rows[2] == {
        "path": "incidents/b/x.md",
        "line": 4,
        "severity": "warning",
        "rule": "cadence-gap",
        "message": "next update in 2 h",
        "hint": "promise 30m",
    }
    assert json.loads(format_json([])) == []
    assert "é" in format_json([error("p", 1, "r", "café")])
