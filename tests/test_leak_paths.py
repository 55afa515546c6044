"""Every way of building is guarded, and `check` refuses whatever the build refuses: a leak
planted in any public field, in any form a reader would still read, stops `check`,
`statuspress build`, `mkdocs build` and `mkdocs serve` alike; hidden text stops none."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statuspress.model import Settings
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.gate import is_communication
from statuspress.publishing.leakguard import build_scanner, readable_text_of
from statuspress.publishing.loading import load_project
from statuspress.publishing.readable import plain
from test_leakguard import GUARDED_CONFIG

KEY = "AKIAIOSFODNN7EXAMPLE"
GUARD = build_scanner(
    Settings(forbidden_patterns=(r"INC-\d{4}",), private_emails=("ops@acme.example",))
)

# --- what a reader sees -----------------------------------------------------------------------


def seen(text: str, name: str = "index.html") -> set[str]:
    return {hit.group for hit in GUARD.hits(readable_text_of(text.encode(), name))}


READER_FORMS = {
    "typographic quotes": ("<p>“api_key”: “sk_live_51Habc123”</p>", "assignment"),
    "single typographic quotes": ("<p>‘password’: ‘hunter2!’</p>", "assignment"),
    "json escaped quotes": ('{"cause": "\\"api_key\\": \\"sk_live_51Habc123\\""}', "assignment"),
    "entity quotes": ("<p>&quot;api_key&quot;: &quot;sk_live_51H&quot;</p>", "assignment"),
    "soft hyphen": ("<p>AKIA&shy;IOSF\u00adODNN7EXAMPLE</p>", "aws_key"),
    "zero-width space": ("<p>AKIA\u200bIOSF&#8203;ODNN7\u2060EXAMPLE</p>", "aws_key"),
    "zero-width joiner": ("<p>AKIA\u200dIOSFODNN7\ufeffEXAMPLE</p>", "aws_key"),
    "bold inside": ("<p>AKIA<strong>IOSF</strong>ODNN7EXAMPLE</p>", "aws_key"),
    "code inside": ("<p>AKIA<code>IOSFODNN7</code>EXAMPLE</p>", "aws_key"),
    "emphasis and link": ('<p><em>AKIA</em><a href="#">IOSF</a>ODNN7EXAMPLE</p>', "aws_key"),
    "full-width letters": ("<p>ＡＫＩＡIOSFODNN7EXAMPLE</p>", "aws_key"),
    "typographic dashes": ("<p>–––––BEGIN RSA PRIVATE KEY–––––</p>", "private_key"),
    "forbidden split by markup": ("<p>INC-<b>12</b>34</p>", "f0"),
    "address with entity": ("<p>ops&#x40;acme.example</p>", "e0"),
    "address split by zero-width": ("<p>ops\u200b@acme\u00ad.example</p>", "e0"),
    "markdown escapes in json": ('{"body": "AKIA\\\\_IOSFODNN7EXAMPLE"}', None),
}


@pytest.mark.parametrize("form", READER_FORMS)
def test_the_guard_reads_what_a_reader_sees(form: str) -> None:
    text, group = READER_FORMS[form]
    name = "api.json" if text.startswith("{") else "index.html"
    if group is None:
        return
    assert group in seen(text, name), readable_text_of(text.encode(), name)


INVISIBLE = st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", ""])


@settings(max_examples=300, deadline=None)
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(KEY)), INVISIBLE), max_size=6),
    wrapper=st.sampled_from(["{}", "<b>{}</b>", "<code>{}</code>", "<em>{}</em>", "{}"]),
    name=st.sampled_from(["index.html", "api.json", "feed.atom", "notes.txt"]),
)
def test_invisible_characters_and_inline_markup_never_hide_a_key(
    cuts: list[tuple[int, str]], wrapper: str, name: str
) -> None:
    text = KEY
    for at, char in sorted(cuts, reverse=True):
        text = text[:at] + char + text[at:]
    middle = len(text) // 2
    if name.endswith(".html"):
        text = text[:middle] + wrapper.format(text[middle:])
    elif name.endswith(".json"):
        text = json.dumps({"body": text})
    assert "aws_key" in seen(f"x {text} y", name)


def test_plain_keeps_ordinary_text() -> None:
    for text in ("Resolved at 10:00 UTC.", "naïve café — “quoted”", "C:\\path"):
        assert plain(text).replace("-", "").replace('"', "") != ""


# --- check and build agree --------------------------------------------------------------------

FOLDER = "incidents/2026-11-10-mail-delay"
PUBLIC_FIELDS = ("title", "cause", "apology", "workaround", "author", "body")
POSTMORTEM_FIELDS = ("pm title", "pm summary", "pm owner", "pm body")
FILE_NAMES = ("attachment name", "update file name")
MARKDOWN_PLACES = ("body", "cause", "apology", "workaround", "pm summary", "pm body")
HIDDEN_PLACES = ("internal", "comment", "draft")
PLANTS = {
    "aws": KEY,
    "assignment": '"api_key": "sk_live_51Habc123"',
    "password": "password=hunter2",
    "forbidden": "INC-4312",
    "host": "db7.corp.acme.example",
    "email": "ops@acme.example",
    "domain email": "jane@hr.acme.example",
    "private key": "-----BEGIN OPENSSH PRIVATE KEY-----",
}
DISGUISES = {
    "as is": lambda text: text,
    "typographic quotes": lambda text: text.replace('"', "“", 1).replace('"', "”", 1),
    "soft hyphen": lambda text: text[:4] + "\u00ad" + text[4:],
    "zero-width space": lambda text: text[:3] + "\u200b" + text[3:],
    "entity": lambda text: text[:2] + f"&#{ord(text[2])};" + text[3:],
    "bold": lambda text: f"**{text[:5]}**{text[5:]}" if text[4:6].isalnum() else text,
    "code": lambda text: f"`{text[:6]}`{text[6:]}" if text[5:7].isalnum() else text,
}


def plant_site(root: Path, place: str, text: str, file_encoding: str) -> None:
    update = {
        "title": "Delayed e-mail",
        "at": "2026-11-10T08:00:00Z",
        "status": "investigating",
        "impact": "minor",
        "next_update": "1h",
    }
    body = "E-mail is delayed."
    draft = ""
    if place in PUBLIC_FIELDS and place != "body":
        update[place] = f"Note {text}" if place != "title" else f"Delayed {text}"
    elif place == "body":
        body += f"\n\nNote {text} here.\n"
    elif place == "internal":
        update["internal"] = f"paged {text}"
    elif place == "comment":
        body += f"\n<!-- {text} -->\n"
    elif place == "draft":
        draft = f"---\nat: 2026-11-10T08:30:00Z\nstatus: identified\ndraft: true\n---\n{text}\n"
    if place.startswith("pm "):
        update.update(status="resolved")
    front = "\n".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in update.items()
    )
    files = {
        "mkdocs.yml": GUARDED_CONFIG,
        f"{FOLDER}/20261110T0800Z-investigating.md": f"---\n{front}\n---\n{body}\n",
    }
    if draft:
        files[f"{FOLDER}/20261110T0830Z-identified.md"] = draft
    if place.startswith("pm "):
        files[f"{FOLDER}/postmortem.md"] = postmortem(place, text)
    write_files(root, files)
    if place in FILE_NAMES:
        safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in text).strip("-.")
        name = f"20261110T0900Z-{safe}.md" if place == "update file name" else f"{safe}.txt"
        content = "---\nat: 2026-11-10T09:00:00Z\nstatus: monitoring\n---\nOk.\n"
        (root / FOLDER / name).write_text(content if name.endswith(".md") else "notes\n")
    if place == "attachment":
        (root / FOLDER / "notes.txt").write_bytes(f"Notes: {text}\r\n".encode(file_encoding))
    elif place == "loose file":
        (root / "incidents" / "notes.txt").write_bytes(f"{text}\n".encode(file_encoding))
    elif place == "component name":
        config = root / "mkdocs.yml"
        config.write_text(config.read_text().replace("name: API", f"name: {json.dumps(text)}"))


def postmortem(place: str, text: str) -> str:
    values = {
        "pm title": ("Delayed " + text, "A queue filled up.", "Mail team", "It filled up."),
        "pm summary": ("Delayed", f"A queue {text}.", "Mail team", "It filled up."),
        "pm owner": ("Delayed", "A queue filled up.", text, "It filled up."),
        "pm body": ("Delayed", "A queue filled up.", "Mail team", f"It {text} filled up."),
    }[place]
    title, summary, owner = (json.dumps(v, ensure_ascii=False) for v in values[:3])
    body = values[3]
    return (
        f"---\ntitle: {title}\ndraft: false\npublished: 2026-11-12T10:00:00Z\n"
        f"summary: {summary}\naction_items:\n  - what: Alert on queue depth\n"
        f"    owner: {owner}\n    due: 2026-12-01\n---\n{body}\n"
    )


def refused_by_check(root: Path) -> list[str]:
    """The content errors `check` reports; communication errors, which it also fails on, never
    hold back a build and are left out of the comparison."""
    project = load_project(root / "mkdocs.yml", EXAMPLE_NOW)
    return [d.render() for d in project.diagnostics if d.is_error and not is_communication(d)]


def refused_by_build(root: Path) -> list[str]:
    try:
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    except BuildFailed as failed:
        return [d.render() for d in failed.diagnostics if d.is_error]
    return []


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    place=st.sampled_from(
        [
            *PUBLIC_FIELDS,
            *POSTMORTEM_FIELDS,
            *FILE_NAMES,
            *HIDDEN_PLACES,
            "attachment",
            "loose file",
            "component name",
        ]
    ),
    plant=st.sampled_from(sorted(PLANTS)),
    disguise=st.sampled_from(sorted(DISGUISES)),
    file_encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]),
)
def test_check_refuses_exactly_what_build_refuses(
    tmp_path: Path, place: str, plant: str, disguise: str, file_encoding: str
) -> None:
    root = tmp_path / "site-root"
    shutil.rmtree(root, ignore_errors=True)
    text = DISGUISES[disguise](PLANTS[plant])
    if place in ("attachment", "loose file", "component name", *FILE_NAMES):
        text = PLANTS[plant]  # entities and Markdown are not undone in a plain file
    plant_site(root, place, text, file_encoding)
    by_check, by_build = refused_by_check(root), refused_by_build(root)
    assert bool(by_check) == bool(by_build), (by_check, by_build)
    if place in HIDDEN_PLACES:
        assert by_check == [], by_check
    elif place in FILE_NAMES and plant not in ("aws", "forbidden", "host"):
        pass  # the characters that make them are not allowed in file names
    elif disguise in ("bold", "code") and place not in MARKDOWN_PLACES:
        pass  # shown as written: the reader sees the marks that break the token
    else:
        assert by_check, f"{plant} {disguise} in {place} passed"
    if by_build:
        assert not (root / "site").exists()


# --- every way of building --------------------------------------------------------------------

LEAKS = {
    "update body": (
        f"{FOLDER}/20261110T0800Z-investigating.md",
        "Use “api_key”: “sk_live_51Habc123” to sign in.",
    ),
    "cause": (f"{FOLDER}/20261110T0800Z-investigating.md", "cause: ops@acme.example"),
    "attachment in utf-16": (f"{FOLDER}/notes.txt", "password=hunter2"),
}
MKDOCS = [sys.executable, "-m", "mkdocs"]
STATUSPRESS = [sys.executable, "-c", "from statuspress.cli import main; main()"]


def leaking_site(root: Path, leak: str) -> Path:
    plant_site(root, "body" if leak == "update body" else "cause", "", "utf-8")
    path, text = LEAKS[leak]
    target = root / path
    content = target.read_text() if target.exists() else ""
    if leak == "attachment in utf-16":
        target.write_bytes(f"{text}\r\n".encode("utf-16"))
        return root
    if leak == "cause":
        content = content.replace("next_update", f"{text}\nnext_update", 1)
    else:
        content += f"\n{text}\n"
    target.write_text(content)
    return root


def first_error(output: str) -> str:
    return next(line for line in output.splitlines() if "error[" in line).split("-  ", 1)[-1]


@pytest.mark.parametrize("leak", LEAKS)
def test_mkdocs_build_is_guarded_with_the_same_message(tmp_path: Path, leak: str) -> None:
    root = leaking_site(tmp_path / "root", leak)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(EXAMPLE_NOW.timestamp()))}
    ours = subprocess.run(
        [
            *STATUSPRESS,
            "build",
            "--now",
            EXAMPLE_NOW.isoformat(),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    checked = subprocess.run(
        [*STATUSPRESS, "check", "--now", EXAMPLE_NOW.isoformat()],
        cwd=root,
        capture_output=True,
        text=True,
    )
    theirs = subprocess.run(
        [*MKDOCS, "build"], cwd=root, capture_output=True, text=True, env=env, timeout=120
    )
    assert ours.returncode == checked.returncode == theirs.returncode == 1, theirs.stderr
    assert "Traceback" not in theirs.stderr
    assert first_error(theirs.stderr) == first_error(ours.stdout + ours.stderr)
    assert first_error(checked.stdout) == first_error(ours.stdout + ours.stderr)
    assert not (root / "site").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_mkdocs_serve_is_guarded(tmp_path: Path) -> None:
    root = leaking_site(tmp_path / "root", "update body")
    served = subprocess.run(
        [*MKDOCS, "serve", "--no-livereload", "-a", f"127.0.0.1:{free_port()}"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 1
    assert "error[secret]" in served.stderr and "Traceback" not in served.stderr


def test_a_leak_only_the_written_files_show_stops_mkdocs_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    """A theme override is the site's own code, not content: `check` reads its text, and a
    plain MkDocs build, which writes straight into site/, scans what it wrote and removes
    it."""
    root = leaking_site(tmp_path / "root", "update body")
    target = root / f"{FOLDER}/20261110T0800Z-investigating.md"
    target.write_text(target.read_text().replace("“api_key”: “sk_live_51Habc123”", "it"))
    assert refused_by_check(root) == []
    overrides = root / "overrides"
    overrides.mkdir()
    (overrides / "404.html").write_text("{% set k = 'AKIA' %}<p>{{ k }}IOSFODNN7EXAMPLE</p>")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "name: statuspress", "name: statuspress\n  custom_dir: overrides"
        )
    )
    assert refused_by_check(root) == []  # the key is only made when the page is rendered
    result = subprocess.run(
        [*MKDOCS, "build"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and "error[secret]" in result.stderr, result.stderr
    assert not any(p.is_file() for p in (root / "site").rglob("*"))
    (overrides / "404.html").write_text("<p>AKIAIOSFODNN7EXAMPLE</p>")
    assert any("error[secret]" in line for line in refused_by_check(root))
