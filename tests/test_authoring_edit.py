"""`--edit` with a real $EDITOR (a small script), and templates a site overrides."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from test_authoring import FIRST, FOLDER, NOW, assert_publishable, in_site, read, run

_site = pytest.fixture(in_site, name="site")
NEW = ("new", "Elevated API error rates", "-c", "api=major_outage", "--now", NOW)


def editor(tmp_path: Path, body: str) -> dict[str, str]:
    """An $EDITOR that runs `body` with `path` (the file to edit) and `text` (its content)."""
    script = tmp_path / "fake-editor.py"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text()\n"
        f"{body}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"EDITOR": str(script), "VISUAL": ""}


def test_edit_opens_the_editor_then_checks_the_file(site: Path, tmp_path: Path) -> None:
    env = editor(
        tmp_path,
        "path.write_text(text.replace('We do not know the cause yet',"
        " 'API requests fail in every region. We do not know the cause yet'))",
    )
    result = run(site, *NEW, "--edit", env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {FIRST}\n")
    _, body = read(site, FIRST)
    assert "API requests fail in every region. We do not know the cause yet" in body
    assert_publishable(site, NOW)


def test_errors_made_in_the_editor_are_reported_with_the_line(site: Path, tmp_path: Path) -> None:
    env = editor(
        tmp_path,
        "path.write_text(text.replace('status: investigating', "
        "'status: investigatin').replace('next_update:', 'nxt_update:'))",
    )
    result = run(site, *NEW, "--edit", env=env)
    assert result.exit_code == 1
    assert result.output == (
        f"Wrote {FIRST}\n"
        f"{FIRST}:4: error[unknown-status]: 'investigatin' is not an incident status\n"
        "  hint: did you mean 'investigating'?\n"
        f"{FIRST}:8: error[unknown-key]: unknown key 'nxt_update'\n"
        "  hint: did you mean 'next_update'?\n"
        "2 errors in 1 file\n"
        "The file is written but has errors: fix them, then run 'statuspress check'.\n"
    )
    assert (site / FIRST).is_file()  # the user's words are kept


def test_emptying_the_file_in_the_editor_writes_nothing(site: Path, tmp_path: Path) -> None:
    result = run(site, *NEW, "--edit", env=editor(tmp_path, "path.write_text('  \\n')"))
    assert result.exit_code == 1
    assert result.output == "Nothing written: the file was empty after editing.\n"
    assert not (site / FOLDER).exists()


def test_a_failing_editor_keeps_the_file(site: Path, tmp_path: Path) -> None:
    result = run(site, *NEW, "--edit", env=editor(tmp_path, "sys.exit(3)"))
    assert result.exit_code == 1
    assert "Error: the editor failed: " in result.output
    assert f"hint: the file is kept at {FIRST}; edit it, then run 'statuspress check'" in (
        result.output
    )
    assert (site / FIRST).is_file()


def test_a_site_template_replaces_the_bundled_one(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "new.md.j2").write_text(
        "---\n"
        "title: {{ title | yaml }}\n"
        "at: {{ at | iso }}\n"
        "status: {{ status }}\n"
        "impact: {{ impact }}\n"
        "components:\n"
        "{% for c in components %}\n"
        "  {{ c.id }}: {{ c.state }}\n"
        "{% endfor %}\n"
        "next_update: {{ next_update }}\n"
        "apology: {{ ('Sorry from ' ~ company ~ ': ' ~ (problems | problems(true)) ~ '.')"
        " | yaml }}\n"
        "---\n"
        "{{ company }} is on it: {{ problems | problems }} since {{ at | clock }}. Next update "
        "by {{ next_update_at | clock }}.\n",
        encoding="utf-8",
    )
    result = run(site, *NEW)
    assert result.exit_code == 0, result.output
    meta, body = read(site, FIRST)
    assert meta["apology"] == "Sorry from Test: the outage of API."
    assert body == "Test is on it: an outage of API since 14:05 UTC. Next update by 14:25 UTC.\n"
    assert_publishable(site, NOW)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "---\ntitle: {{ title }\n---\n",
            "templates/new.md.j2:2: template syntax error: unexpected '}'",
        ),
        (
            "---\ntitle: {{ nonsense }}\n---\n",
            "templates/new.md.j2: the template failed: 'nonsense' is undefined",
        ),
        (
            "title: {{ title }}\n",
            "templates/new.md.j2 writes front matter that cannot be read:\n"
            f"{FIRST}:1: error[front-matter]: the file does not start with front matter",
        ),
    ],
)
def test_a_broken_site_template_is_named_and_nothing_is_written(
    site: Path, template: str, message: str
) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "new.md.j2").write_text(template, encoding="utf-8")
    result = run(site, *NEW)
    assert result.exit_code == 1
    assert message in result.output
    assert (
        "hint: fix the template in your site's templates/ folder, or delete it to use the "
        "bundled one"
    ) in result.output
    assert not (site / FOLDER).exists()
