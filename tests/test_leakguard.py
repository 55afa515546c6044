"""The leak guard: what is never published stays out of every file, and a secret in public
text stops the build at the line it was written on, with the old site left as it was."""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO, write_files
from statuspress.diagnostics import Diagnostic
from statuspress.model import Settings
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.leakguard import scan_tree

SECRETS = {
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "aws-session": "ASIAY34FZKBOKMUTVV7A",
    "private-key": "-----BEGIN RSA PRIVATE KEY-----",
    "openssh-key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "bearer": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl",
    "github": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "github-pat": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "slack": "xoxb-1234567890-abcdefghijkl",
    "password": "password=hunter2",
    "passwd": "passwd: s3cr3t!",
    "pwd": "pwd=Tr0ub4dor",
    "api-key": "api_key=9f8e7d6c5b4a",
    "json-password": '"password": "hunter2"',
    "url-credentials": "postgres://admin:hunter2@db.example.net/prod",
}
# Everyday status page prose that mentions the same words must not trip the guard.
INNOCENT = [
    "Reset your password: go to Settings, then Security.",
    "Bearer tokens issued before 14:00 were rejected; sign in again.",
    "API key rotation is delayed; existing API keys keep working.",
    "Our ASIA region is back to normal.",
    "The token: expired sessions were signed out.",
    "Secret scanning found nothing.",
    "Write to support@acme.example or devops@acme.example for help.",
    "Private key rotation finished on schedule.",
    "See https://status.acme.example/history/ for earlier incidents.",
    "Passwords were not affected.",
]
LINT_OFF = "".join(
    f"        {rule}: off\n"
    for rule in (
        "apology-missing",
        "rote-apology",
        "impact-missing",
        "internal-detail",
        "person-blame",
        "postmortem-incomplete",
        "action-item-owner",
        "postmortem-missing",
        "followup-missing",
        "resolution-incomplete",
    )
)
GUARDED_CONFIG = MINIMAL_CONFIG + (
    "      forbidden_patterns:\n"
    "        - '\\.corp\\.acme\\.example'\n"
    "        - 'INC-\\d{4}'\n"
    "      private_emails:\n"
    "        - ops@acme.example\n"
    "        - '@hr.acme.example'\n"
    f"      lint:\n{LINT_OFF}"
)


def settings(**options: object) -> Settings:
    values: dict[str, object] = {
        "forbidden_patterns": (r"\.corp\.acme\.example", r"INC-\d{4}"),
        "private_emails": ("ops@acme.example", "@hr.acme.example"),
    }
    values.update(options)
    return Settings(**values)  # type: ignore[arg-type]


def scan(
    tmp_path: Path,
    outputs: dict[str, str | bytes],
    sources: dict[str, str] | None = None,
    **options: object,
) -> list[Diagnostic]:
    site = tmp_path / ".site-build-test"
    for name, data in outputs.items():
        target = site / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode())
    write_files(tmp_path, sources or {})
    (tmp_path / "incidents").mkdir(exist_ok=True)
    return scan_tree(site, tmp_path, settings(**options))


# --- finding things in every kind of output -------------------------------------------

OUTPUT_SHAPES: dict[str, Callable[[str], str | bytes]] = {
    "page/index.html": lambda text: f"<html><body><p>{html.escape(text)}</p></body></html>",
    "history.atom": lambda text: (
        '<feed><entry><content type="html">'
        f"{html.escape('<p>' + html.escape(text) + '</p>')}</content></entry></feed>"
    ),
    "updates.rss": lambda text: f"<rss><item><title>{html.escape(text)}</title></item></rss>",
    "api/v2/incidents.json": lambda text: (
        '{"body": "' + "".join(f"\\u{ord(c):04x}" if c in "<>&@'\"" else c for c in text) + '"}'
    ),
    "badge.svg": lambda text: f"<svg><title>{html.escape(text)}</title></svg>",
    "maintenance.ics": lambda text: (
        "BEGIN:VEVENT\r\nDESCRIPTION:"
        + _folded(text.replace(",", "\\,").replace(";", "\\;"))
        + "\r\nEND:VEVENT\r\n"
    ),
    "sitemap.xml.gz": lambda text: gzip.compress(f"<urlset><loc>{text}</loc></urlset>".encode()),
}


def _folded(value: str) -> str:
    """iCalendar folds long lines; a secret may be cut in two."""
    return "\r\n ".join(value[i : i + 12] for i in range(0, len(value), 12))


@pytest.mark.parametrize("output", OUTPUT_SHAPES)
@pytest.mark.parametrize("name", SECRETS)
def test_secrets_are_found_in_every_output_type(tmp_path: Path, name: str, output: str) -> None:
    found = scan(tmp_path, {output: OUTPUT_SHAPES[output](f"Notes {SECRETS[name]} end")})
    assert [d.rule for d in found] == ["secret"], found


@pytest.mark.parametrize("output", OUTPUT_SHAPES)
@pytest.mark.parametrize(
    "text, rule",
    [
        ("host db7.corp.acme.example is down", "forbidden-pattern"),
        ("see INC-4312", "forbidden-pattern"),
        ("mail ops@acme.example", "private-email"),
        ("mail OPS@ACME.EXAMPLE", "private-email"),
        ("mail jane.doe@hr.acme.example", "private-email"),
    ],
)
def test_configured_patterns_and_addresses_are_found_in_every_output_type(
    tmp_path: Path, output: str, text: str, rule: str
) -> None:
    found = scan(tmp_path, {output: OUTPUT_SHAPES[output](text)})
    assert [d.rule for d in found] == [rule], found


@pytest.mark.parametrize(
    "written",
    [
        "ops&#64;acme.example",
        "ops&#x40;acme.example",
        "ops&commat;acme.example",
        "ops\\u0040acme.example",
        "mailto:ops%40acme.example",
        "ops&amp;#64;acme.example",
        '<a href="mailto:ops@acme.example">write to us</a>',
    ],
)
def test_escaped_forms_are_read_as_a_reader_sees_them(tmp_path: Path, written: str) -> None:
    found = scan(tmp_path, {"index.html": f"<p>{written}</p>"})
    assert [d.rule for d in found] == ["private-email"]


def test_markup_inside_an_assignment_does_not_hide_it(tmp_path: Path) -> None:
    found = scan(tmp_path, {"index.html": "<p>password=<code>hunter2</code></p>"})
    assert [d.rule for d in found] == ["secret"]


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_prose_is_not_a_leak(tmp_path: Path, text: str) -> None:
    assert scan(tmp_path, {"index.html": f"<p>{html.escape(text)}</p>"}) == []


def test_the_pixels_of_an_image_are_not_taken_for_text(tmp_path: Path) -> None:
    """An image's compressed pixels are noise to the guard; its metadata is read (see
    test_leakguard_binary)."""
    from test_leakguard_binary import png

    pixels = bytes(range(256)) * 400
    image = png(pixels)
    assert scan(tmp_path, {"2026-11-20-x/diagram.png": image, "2026-11-20-x/index.html": ""}) == []


def test_patterns_with_groups_or_flags_keep_their_meaning(tmp_path: Path) -> None:
    patterns = (r"(?i)secret-project", r"(ab){2}", r"(?P<host>db\d+)\.internal")
    outputs = {
        "a.html": "SECRET-PROJECT",
        "b.html": "abab",
        "c.html": "db3.internal",
        "d.html": "ab db.internal",
    }
    found = scan(tmp_path, outputs, forbidden_patterns=patterns)
    assert sorted(d.message.split(" would be published in ")[1] for d in found) == [
        "a.html: 'SECRET-PROJECT'",
        "b.html: 'abab'",
        "c.html: 'db3.internal'",
    ]


def test_secrets_are_masked_in_the_message(tmp_path: Path) -> None:
    (found,) = scan(tmp_path, {"index.html": "<p>AKIAIOSFODNN7EXAMPLE</p>"})
    assert "AKIAIOSFODNN7EXAMPLE" not in found.message
    assert "AKIAIO…" in found.message


# --- naming the source ------------------------------------------------------------------

UPDATE = """\
---
title: Slow API
at: 2026-11-20T10:00:00Z
status: investigating
impact: minor
internal: |
  paged via INC-4312, see db7.corp.acme.example
---
Requests are slow.
<!-- INC-4312 -->

Ticket INC-4312 tracks the work.
"""


def test_a_hit_names_the_public_line_it_came_from(tmp_path: Path) -> None:
    sources = {"incidents/2026-11-20-slow/a.md": UPDATE}
    (found,) = scan(tmp_path, {"index.html": "<p>Ticket INC-4312 tracks the work.</p>"}, sources)
    assert (found.path, found.line, found.rule) == (
        "incidents/2026-11-20-slow/a.md",
        12,
        "forbidden-pattern",
    )
    assert "index.html" in found.message
    assert "forbidden_patterns" in found.hint


def test_a_hit_only_in_hidden_text_still_names_that_line(tmp_path: Path) -> None:
    """If hidden text ever leaked, the guard points at it rather than at nothing."""
    sources = {"incidents/2026-11-20-slow/a.md": UPDATE}
    (found,) = scan(tmp_path, {"index.html": "<p>db7.corp.acme.example</p>"}, sources)
    assert (found.path, found.line) == ("incidents/2026-11-20-slow/a.md", 7)


def test_a_draft_postmortem_is_not_taken_for_the_source(tmp_path: Path) -> None:
    """A postmortem is a draft unless it says `draft: false`: it published nothing."""
    sources = {
        "incidents/2026-11-20-slow/postmortem.md": "---\ntitle: Notes\n---\nINC-4312\n",
        "incidents/2026-11-20-slow/z.md": UPDATE,
    }
    (found,) = scan(tmp_path, {"index.html": "<p>INC-4312</p>"}, sources)
    assert (found.path, found.line) == ("incidents/2026-11-20-slow/z.md", 12)


def test_an_entity_in_the_source_is_matched_to_its_line(tmp_path: Path) -> None:
    sources = {"incidents/2026-11-20-slow/a.md": UPDATE + "\nWrite to ops&#64;acme.example\n"}
    (found,) = scan(tmp_path, {"index.html": "<p>Write to ops&#64;acme.example</p>"}, sources)
    assert (found.path, found.line) == ("incidents/2026-11-20-slow/a.md", 14)


def test_a_hit_from_the_configuration_names_its_line(tmp_path: Path) -> None:
    config = GUARDED_CONFIG.replace("name: E-mail", "name: E-mail (ops@acme.example)")
    (found,) = scan(
        tmp_path,
        {"components/email/index.html": "E-mail (ops@acme.example)"},
        {"mkdocs.yml": config},
    )
    line = config.split("\n").index("          name: E-mail (ops@acme.example)") + 1
    assert (found.path, found.line, found.rule) == ("mkdocs.yml", line, "private-email")


def test_a_hit_with_no_source_names_the_output_file(tmp_path: Path) -> None:
    (found,) = scan(
        tmp_path, {"api/v2/summary.json": '{"x": "INC-9999"}'}, {"mkdocs.yml": GUARDED_CONFIG}
    )
    assert (found.path, found.line) == ("site/api/v2/summary.json", 0)


def test_files_of_an_unpublished_incident_are_an_error(tmp_path: Path) -> None:
    sources = {"incidents/2026-11-21-draft/notes.txt": "plans\n"}
    found = scan(tmp_path, {"2026-11-21-draft/notes.txt": "plans\n"}, sources)
    assert [(d.path, d.rule) for d in found] == [
        ("incidents/2026-11-21-draft/notes.txt", "unpublished-file")
    ]


def test_the_example_site_is_clean(tmp_path: Path) -> None:
    """How fast: python -m benchmarks.stages --guards."""
    site = tmp_path / "site"
    build_site(REPO / "mkdocs.yml", site, now=EXAMPLE_NOW)
    from statuspress.publishing.loading import load_project

    project = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW)
    assert scan_tree(site, project.root, project.settings) == []


# --- canaries through a real build ------------------------------------------------------

CANARY = "CANARY-7F3A"
CANARY_SITE = {
    "mkdocs.yml": GUARDED_CONFIG,
    # Published, with hidden parts everywhere they may be written.
    "incidents/2026-11-20-api-errors/20261120T1000Z-investigating.md": f"""\
        ---
        title: Elevated API errors <!-- {CANARY}-title-comment -->
        at: 2026-11-20T10:00:00Z
        status: investigating
        impact: major
        components:
          api: major_outage
        next_update: 30m
        cause: A configuration change. <!-- {CANARY}-cause-comment -->
        internal: |
          {CANARY}-internal pager notes
          second line {CANARY}-internal-2
        ---
        PUBLIC-MARKER: API requests are failing for some customers.
        <!-- {CANARY}-body-comment -->

        We are rolling the change back.
        <!-- {CANARY}-unclosed-comment
        """,
    "incidents/2026-11-20-api-errors/20261120T1030Z-identified.md": f"""\
        ---
        title: {CANARY}-draft-title
        at: 2026-11-20T10:30:00Z
        status: identified
        draft: true
        cause: {CANARY}-draft-cause
        ---
        {CANARY}-draft-body
        """,
    "incidents/2026-11-20-api-errors/20261120T1100Z-resolved.md": """\
        ---
        at: 2026-11-20T11:00:00Z
        status: resolved
        ---
        The change is rolled back and errors are back to normal.
        """,
    "incidents/2026-11-20-api-errors/postmortem.md": f"""\
        ---
        title: {CANARY}-postmortem-draft
        draft: true
        summary: {CANARY}-postmortem-summary
        ---
        {CANARY}-postmortem-body
        """,
    # Every update a draft: the incident does not exist for readers.
    "incidents/2026-11-21-canary-plans/20261121T0900Z-investigating.md": f"""\
        ---
        title: {CANARY}-draft-only-title
        at: 2026-11-21T09:00:00Z
        status: investigating
        impact: critical
        components:
          email: major_outage
        draft: true
        ---
        {CANARY}-draft-only-body
        """,
    "incidents/2026-11-22-canary-window/20261122T0800Z-scheduled.md": f"""\
        ---
        kind: maintenance
        title: {CANARY}-draft-maintenance
        at: 2026-11-22T08:00:00Z
        status: scheduled
        draft: true
        window:
          start: 2026-11-25T02:00:00Z
          end: 2026-11-25T03:00:00Z
        components:
          dashboard: under_maintenance
        ---
        {CANARY}-draft-maintenance-body
        """,
    # Published maintenance and postmortem, so the calendar and postmortem feed have entries.
    "incidents/2026-11-19-db-upgrade/20261119T0800Z-scheduled.md": f"""\
        ---
        kind: maintenance
        title: Database upgrade PUBLIC-MARKER
        at: 2026-11-19T08:00:00Z
        status: scheduled
        window:
          start: 2026-11-26T02:00:00Z
          end: 2026-11-26T03:00:00Z
        components:
          dashboard: under_maintenance
        internal: {CANARY}-maintenance-internal
        ---
        PUBLIC-MARKER: the dashboard is read-only during the window.
        <!-- {CANARY}-maintenance-comment -->
        """,
    "incidents/2026-11-10-mail-delay/20261110T0800Z-investigating.md": """\
        ---
        title: Delayed e-mail PUBLIC-MARKER
        at: 2026-11-10T08:00:00Z
        status: investigating
        impact: minor
        components:
          email: degraded_performance
        next_update: 1h
        ---
        PUBLIC-MARKER: e-mail is delayed by up to 20 minutes.
        """,
    "incidents/2026-11-10-mail-delay/20261110T0900Z-resolved.md": """\
        ---
        at: 2026-11-10T09:00:00Z
        status: resolved
        ---
        E-mail is delivered on time again.
        """,
    "incidents/2026-11-10-mail-delay/postmortem.md": f"""\
        ---
        title: Delayed e-mail on 10 November PUBLIC-MARKER
        published: 2026-11-12T10:00:00Z
        summary: A queue filled up. <!-- {CANARY}-pm-summary-comment -->
        action_items:
          - what: Alert on queue depth <!-- {CANARY}-action-comment -->
            owner: Mail team
            due: 2026-12-01
            status: open
        ---
        ## What happened

        PUBLIC-MARKER: the queue filled up.
        <!-- {CANARY}-pm-body-comment -->
        """,
}
OUTPUT_TYPES = (".html", ".atom", ".rss", ".json", ".svg", ".ics", ".xml", ".gz")


def site_text(site: Path) -> dict[str, str]:
    """Every built file as text a reader could see: gunzipped, entities and escapes undone,
    calendar lines unfolded."""
    texts = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").replace("\r\n ", "")
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        texts[path.relative_to(site).as_posix()] = text + html.unescape(html.unescape(text))
    return texts


@pytest.fixture(scope="module")
def canary_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("canary"), CANARY_SITE)
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    return root / "site"


def test_the_canary_site_builds_every_output_type(canary_site: Path) -> None:
    suffixes = {p.suffix for p in canary_site.rglob("*") if p.is_file()}
    assert set(OUTPUT_TYPES) <= suffixes
    texts = site_text(canary_site)
    for name in (
        "index.html",
        "history.atom",
        "updates.rss",
        "api/v2/incidents.json",
        "maintenance.ics",
        "postmortems.atom",
    ):
        assert "PUBLIC-MARKER" in texts[name], name  # public text does get through


def test_hidden_text_never_reaches_any_file(canary_site: Path) -> None:
    leaks = [name for name, text in site_text(canary_site).items() if CANARY in text]
    assert leaks == []


def test_draft_only_incidents_leave_no_trace(canary_site: Path) -> None:
    texts = site_text(canary_site)
    assert not (canary_site / "2026-11-21-canary-plans").exists()
    assert [name for name, text in texts.items() if "canary-plans" in text] == []
    assert [name for name, text in texts.items() if "canary-window" in text] == []


def test_an_asset_of_a_draft_only_incident_is_not_published(tmp_path: Path) -> None:
    root = write_files(
        tmp_path, {**CANARY_SITE, "incidents/2026-11-21-canary-plans/diagram.txt": "plans\n"}
    )
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert not (root / "site/2026-11-21-canary-plans").exists()
    assert not list((root / "site").rglob("diagram.txt"))


# --- a leak in public text stops the build ----------------------------------------------

UPDATE_FILE = "incidents/2026-11-10-mail-delay/20261110T0800Z-investigating.md"
POSTMORTEM_FILE = "incidents/2026-11-10-mail-delay/postmortem.md"
PLANTED = [
    # (file, text to replace, replacement, expected rule, expected line)
    (
        UPDATE_FILE,
        "is delayed by up to 20 minutes.",
        "is delayed; see INC-2048.",
        "forbidden-pattern",
        10,
    ),
    (
        UPDATE_FILE,
        "title: Delayed e-mail",
        "title: Delayed e-mail on mx1.corp.acme.example",
        "forbidden-pattern",
        2,
    ),
    (
        UPDATE_FILE,
        "next_update: 1h",
        "next_update: 1h\ncause: Contact ops@acme.example.",
        "private-email",
        9,
    ),
    (
        UPDATE_FILE,
        "next_update: 1h",
        "next_update: 1h\nworkaround: Use key AKIAIOSFODNN7EXAMPLE",
        "secret",
        9,
    ),
    (
        UPDATE_FILE,
        "next_update: 1h",
        "next_update: 1h\napology: Sorry - pwd=Tr0ub4dor",
        "secret",
        9,
    ),
    (
        UPDATE_FILE,
        "is delayed by up to 20 minutes.",
        "is delayed.\n\n```\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n```",
        "secret",
        13,
    ),
    (
        UPDATE_FILE,
        "is delayed by up to 20 minutes.",
        "is delayed; ask jane&#64;hr.acme.example",
        "private-email",
        10,
    ),
    (
        UPDATE_FILE,
        "is delayed by up to 20 minutes.",
        "is delayed (token xoxb-1234567890-abcdefghijkl)",
        "secret",
        10,
    ),
    (
        POSTMORTEM_FILE,
        "the queue filled up.",
        "the queue on q3.corp.acme.example filled up.",
        "forbidden-pattern",
        13,
    ),
    (POSTMORTEM_FILE, "owner: Mail team", "owner: ops@acme.example", "private-email", 7),
    (
        POSTMORTEM_FILE,
        "summary: A queue filled up.",
        "summary: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl leaked.",
        "secret",
        4,
    ),
    (
        "mkdocs.yml",
        "name: Dashboard",
        "name: Dashboard (INC-7777)",
        "forbidden-pattern",
        GUARDED_CONFIG.split("\n").index("          name: Dashboard") + 1,
    ),
]


def tree_bytes(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "file, old, new, rule, line", PLANTED, ids=[f"{p[3]}-{i}" for i, p in enumerate(PLANTED)]
)
def test_a_leak_stops_the_build_at_its_source_and_keeps_the_old_site(
    tmp_path: Path, file: str, old: str, new: str, rule: str, line: int
) -> None:
    root = write_files(tmp_path, CANARY_SITE)
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    before = tree_bytes(root / "site")
    source = root / file
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert [(d.path, d.line, d.rule) for d in failed.value.diagnostics] == [(file, line, rule)]
    assert tree_bytes(root / "site") == before
    assert list(root.glob(".site-build-*")) == []


def test_a_rebuild_scans_only_what_changed_and_still_finds_a_leak(tmp_path: Path) -> None:
    from statuspress.publishing import leakguard

    root = write_files(tmp_path, CANARY_SITE)
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    cache = root / ".statuspress-cache" / leakguard.CLEAN_FILE
    assert cache.is_file()
    scanned: list[int] = []  # bytes read
    original = leakguard.readable_text_of
    leakguard.readable_text_of = lambda data, name: (
        scanned.append(len(data)) or original(data, name)
    )
    try:
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
        assert scanned == []  # every file unchanged and known clean
        update = next((root / "incidents").rglob("*1100Z-resolved.md"))
        update.write_text(update.read_text() + "\nKey AKIAIOSFODNN7EXAMPLE leaked.\n")
        with pytest.raises(BuildFailed) as failed:
            build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    finally:
        leakguard.readable_text_of = original
    assert "secret" in {d.rule for d in failed.value.diagnostics}
    site_bytes = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
    assert 0 < sum(scanned) < site_bytes / 4


def test_a_damaged_clean_list_is_ignored(tmp_path: Path) -> None:
    from statuspress.publishing import leakguard

    root = write_files(tmp_path, CANARY_SITE)
    cache = root / ".statuspress-cache" / leakguard.CLEAN_FILE
    cache.parent.mkdir()
    cache.write_bytes(leakguard.CLEAN_MAGIC + b"not the fingerprint\n" + b"x" * 32)
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert cache.read_bytes().startswith(leakguard.CLEAN_MAGIC)
    assert b"not the fingerprint" not in cache.read_bytes()


def test_a_lone_angle_bracket_before_a_secret_in_an_escaped_feed_does_not_hide_it(
    tmp_path: Path,
) -> None:
    """A reader of the feed sees "<" and then the key: no round may take them for a tag."""
    entry = html.escape(f"<p>{html.escape('x <')}\nAKIAIOSFODNN7EXAMPLE\n</p>")
    found = scan(tmp_path, {"history.atom": f"<feed><content>{entry}</content></feed>"})
    assert [d.rule for d in found] == ["secret"]


def test_a_feed_title_that_looks_like_a_tag_does_not_hide_a_secret(tmp_path: Path) -> None:
    """A feed's titles are text one level down, its contents HTML two levels down: the text
    of both levels is read."""
    title = html.escape("Key <a AKIAIOSFODNN7EXAMPLE > rotated")
    feed = (
        f"<feed><entry><title>{title}</title><content>&lt;p&gt;ok&lt;/p&gt;</content>"
        "</entry></feed>"
    )
    found = scan(tmp_path, {"history.atom": feed})
    assert [d.rule for d in found] == ["secret"]


def test_a_feed_is_read_entry_by_entry_and_only_changed_entries_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import calls_of
    from statuspress.incremental.cachekey import CacheFolder, CacheKey
    from statuspress.publishing.leakguard import Scanner

    def feed(*texts: str) -> str:
        entries = "".join(
            f"<entry><title>{t}</title><content>&lt;p&gt;{t}&lt;/p&gt;</content></entry>\n"
            for t in texts
        )
        return f"<feed><title>Status</title>\n{entries}</feed>"

    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "incidents").mkdir()
    cache_dir = tmp_path / "cache"
    cache = CacheFolder(cache_dir, CacheKey.for_build(cache_dir, tmp_path))
    (site / "history.atom").write_text(feed("one", "two", "three"))
    assert scan_tree(site, tmp_path, settings(), cache=cache) == []
    read = calls_of(monkeypatch, Scanner, "hits", lambda scanner, text: text)
    (site / "history.atom").write_text(feed("zero", "one", "two"))
    assert scan_tree(site, tmp_path, settings(), cache=cache) == []
    assert len(read) == 2 and "zero" in read[0]  # the new entry, and the last with the end
    (site / "history.atom").write_text(feed("AKIAIOSFODNN7EXAMPLE", "one", "two"))
    found = scan_tree(site, tmp_path, settings(), cache=cache)
    assert [(d.rule, d.message.split(" would")[0]) for d in found] == [
        ("secret", "a cloud access key id")
    ]


def test_entities_are_decoded_one_level_at_a_time() -> None:
    from statuspress.publishing.readable import unescape as _unescape

    for text in ("&amp;lt;p&amp;gt;", "a &amp; b &lt; c", "AT&T &amp;amp;", "x&#39;&amp;#39;"):
        assert _unescape(text) == html.unescape(text)


def test_relative_files_lists_what_os_walk_lists(tmp_path: Path) -> None:
    import os

    from statuspress.publishing.leakguard import relative_files

    for name in ("a/b/c.html", "a/d.txt", "e.json", "f/g/h/i.atom"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "link-to-folder").symlink_to(tmp_path / "a")
    (tmp_path / "f" / "link-to-file").symlink_to(tmp_path / "e.json")
    walked = sorted(
        f"{Path(folder).relative_to(tmp_path).as_posix()}/{name}".removeprefix("./")
        for folder, _, names in os.walk(tmp_path)
        for name in names
    )
    assert relative_files(tmp_path) == walked
    assert "f/link-to-file" in walked and not any(p.startswith("link-to-folder") for p in walked)
