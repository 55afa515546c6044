"""Safe rendering: script injection in any field a contributor writes never becomes markup.

Every payload of tests/data/xss/payloads.txt goes into every user-writable field (update
title, body, cause, apology, workaround, author; postmortem title, summary, authors, body,
action items; component names, groups and descriptions and the site name in mkdocs.yml).
The site is built with raw HTML off and on; then every page is parsed as a browser would
(html5lib) and every feed, badge, API file and calendar is parsed as its readers would.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from pathlib import Path

import html5lib
import pytest
from conftest import EXAMPLE_NOW, REPO
from icalendar import Calendar
from statuspress.diagnostics import format_text
from statuspress.outputs.markdown import render_markdown
from statuspress.publishing.build import BuildFailed, BuildResult, build_site

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss" / "payloads.txt")
    .read_text(encoding="utf-8")
    .split("\n")
    if line
]
FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "form",
    "object",
    "embed",
    "applet",
    "base",
    "input",
    "button",
    "textarea",
    "select",
    "isindex",
    "template",
    "noscript",
    "math",
    "video",
    "audio",
    "source",
    "marquee",
    "xmp",
    "noembed",
    "plaintext",
    "foreignObject",
    "portal",
    "dialog",
    "param",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "background",
    "poster",
    "cite",
    "data",
    "srcset",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "srcdoc",
    "content",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
# Every rule of the communication linter, off: this content is hostile, not well written.
LINT_OFF = [
    "apology-missing",
    "rote-apology",
    "generic-statement",
    "vague-scope",
    "vendor-blame",
    "person-blame",
    "evasive-apology",
    "cause-too-long",
    "internal-detail",
    "impact-missing",
    "exclamation",
    "resolution-incomplete",
    "followup-missing",
    "postmortem-missing",
    "postmortem-incomplete",
    "action-item-owner",
    "action-item-vague",
    "action-item-people",
    "action-item-overdue",
]
# The stylesheets the theme inlines: the site's, and the embed's.
THEME_CSS = {
    (REPO / "theme" / name).read_text(encoding="utf-8").strip()
    for name in ("statuspress.css", "embed.css")
}


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is a subset of it."""
    return json.dumps(text)


def config(allow_raw_html: bool) -> str:
    components = "".join(
        f"        - id: c{index}\n"
        f"          name: {quoted(PAYLOADS[index])}\n"
        f"          group: {quoted(PAYLOADS[-index - 1])}\n"
        f"          description: {quoted(PAYLOADS[index + 20])}\n"
        for index in range(6)
    )
    lint = "".join(f"        {rule}: off\n" for rule in LINT_OFF)
    return (
        f"site_name: {quoted('Status ' + PAYLOADS[0])}\n"
        "site_url: https://status.test.example/\n"
        "docs_dir: incidents\n"
        "theme:\n  name: statuspress\n"
        "plugins:\n  - statuspress:\n"
        f"      company: {quoted(PAYLOADS[1])}\n"
        f"      allow_raw_html: {str(allow_raw_html).lower()}\n"
        f"      components:\n{components}"
        f"      lint:\n{lint}"
    )


def update(payload: str, at: str, status: str, first: bool, component: str) -> str:
    fields = {"at": at, "status": status, "next_update": "30m"}
    if first:
        fields |= {"title": quoted(f"Incident {payload}"), "impact": "major"}
    fields |= {key: quoted(payload) for key in ("cause", "apology", "workaround", "author")}
    front = "".join(f"{key}: {value}\n" for key, value in fields.items())
    front += f"components:\n  {component}: {'major_outage' if first else 'operational'}\n"
    body = f"{payload}\n\nText with {payload} inline.\n\n* {payload}\n\n> {payload}\n"
    return f"---\n{front}---\n{body}"


def postmortem(payload: str, published: str) -> str:
    return (
        f"---\ntitle: {quoted(payload)}\npublished: {published}\n"
        f"summary: {quoted(payload)}\nauthors: [{quoted(payload)}]\n"
        f"action_items:\n  - what: {quoted(payload)}\n    owner: {quoted(payload)}\n"
        f"    due: 2026-12-01\n    status: open\n"
        f"---\n## What happened\n\n{payload}\n\n1. {payload}\n"
    )


# Announced before the build's clock (a later announcement would not be published yet), for
# windows after it.
ANNOUNCED = date(2026, 11, 21)


def maintenance(payload: str, day: date) -> str:
    title = quoted("Maintenance " + payload)
    return (
        f"---\nkind: maintenance\ntitle: {title}\nat: {ANNOUNCED}T00:00:00Z\n"
        f"status: scheduled\nwindow:\n  start: {day}T02:00:00Z\n  end: {day}T03:00:00Z\n"
        f"components:\n  c0: under_maintenance\n---\n{payload}\n"
    )


def write_site(root: Path, allow_raw_html: bool) -> int:
    """One incident per payload, every field filled with it; returns the incident count."""
    (root / "mkdocs.yml").write_text(config(allow_raw_html), encoding="utf-8")
    first_day = date(2026, 8, 1)
    for index, payload in enumerate(PAYLOADS):
        day = first_day + timedelta(days=index)
        folder = root / "incidents" / f"{day.isoformat()}-p{index:02d}"
        folder.mkdir(parents=True)
        files = {
            "a.md": update(payload, f"{day}T10:00:00Z", "investigating", True, f"c{index % 6}"),
            "b.md": update(payload, f"{day}T11:00:00Z", "resolved", False, f"c{index % 6}"),
            "postmortem.md": postmortem(payload, f"{day}T18:00:00Z"),
        }
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    for index, payload in enumerate(PAYLOADS[:8]):
        day = date(2026, 11, 23) + timedelta(days=index)
        folder = root / "incidents" / f"{ANNOUNCED.isoformat()}-m{index}"
        folder.mkdir(parents=True)
        (folder / "a.md").write_text(maintenance(payload, day), encoding="utf-8")
    return len(PAYLOADS) + 8


@pytest.fixture(scope="module", params=[False, True], ids=["raw-html-off", "raw-html-on"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    incidents = write_site(root, request.param)
    assert build(root).incidents == incidents  # every payload was loaded and published
    return root / "site"


def build(root: Path) -> BuildResult:
    try:
        return build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    except BuildFailed as failed:
        pytest.fail(format_text(failed.diagnostics))


def files(site: Path, *suffixes: str) -> list[Path]:
    found = sorted(p for p in site.rglob("*") if p.suffix in suffixes)
    assert found, f"no {suffixes} files were built"
    return found


def is_safe_url(value: str) -> bool:
    """Relative, or one of the safe schemes, read the way a browser reads it."""
    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def unsafe_markup(root: ElementTree.Element, where: str) -> list[str]:
    """Everything in a parsed document that could run script or send data away."""
    problems = []
    for element in root.iter():
        tag = str(element.tag).rpartition("}")[2]
        show = f"{where}: <{tag} {dict(element.attrib)}>"
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"{show}: element not allowed")
        if tag == "style" and (element.text or "").strip() not in THEME_CSS:
            problems.append(f"{show}: a style element that is not the theme's")
        if tag == "meta" and "http-equiv" in element.attrib:
            problems.append(f"{show}: meta http-equiv")
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local.startswith("on"):
                problems.append(f"{show}: event handler attribute {name}")
            if local == "style":
                problems.append(f"{show}: inline style")
            if name in URL_ATTRIBUTES and tag != "meta" and not is_safe_url(value):
                problems.append(f"{show}: unsafe URL in {name}")
    return problems


def parse_html(text: str) -> ElementTree.Element:
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def test_the_corpus_is_large_and_varied() -> None:
    assert len(PAYLOADS) >= 40
    for needle in (
        "<script",
        "onerror",
        "javascript:",
        "vbscript:",
        "data:",
        "<iframe",
        "<form",
        "<svg",
        "<math",
        "expression(",
        "](javascript:",
        "&#106;",
    ):
        assert any(needle.lower() in p.lower() for p in PAYLOADS), needle


def test_a_hostile_page_is_caught_by_these_checks() -> None:
    """The checks themselves find each kind of problem (else a pass would prove nothing)."""
    page = parse_html(
        '<p onclick="x"><a href=" JavaScript:x">a</a><iframe></iframe><svg><script></script>'
        '</svg><div style="x"></div><img src="data:text/html,x"></p>'
    )
    found = "\n".join(unsafe_markup(page, "test"))
    for expected in (
        "event handler",
        "unsafe URL in href",
        "iframe",
        "script",
        "inline style",
        "unsafe URL in src",
    ):
        assert expected in found


def test_pages_hold_no_script_handler_or_dangerous_url(built: Path) -> None:
    problems = []
    for path in files(built, ".html"):
        page = parse_html(path.read_text(encoding="utf-8"))
        problems += unsafe_markup(page, path.relative_to(built).as_posix())
    assert not problems, "\n".join(problems[:30])


def test_payloads_reach_pages_as_text(built: Path) -> None:
    """The payloads are shown, not dropped: what a reader sees holds the words."""
    page = parse_html((built / "history" / "index.html").read_text(encoding="utf-8"))
    text = "".join(page.itertext())
    assert "<script>alert(1)</script>" in text
    assert "onerror=alert(1)" in text
    assert "{{ 7*7 }}" in text  # template syntax in content is text, never evaluated


def feed_html(path: Path) -> list[tuple[str, str]]:
    """(element, HTML) of every entry's field a feed reader renders as HTML. (The channel's
    own description is plain text by the RSS specification.)"""
    tree = ElementTree.parse(path)  # well-formed: no payload broke out of its element
    entries = [e for e in tree.iter() if e.tag.rpartition("}")[2] in ("entry", "item")]
    pieces = []
    for element in (child for entry in entries for child in entry):
        tag = element.tag.rpartition("}")[2]
        is_html = element.get("type") in ("html", "xhtml") or tag == "description"
        if tag in ("content", "summary", "description", "title") and is_html and element.text:
            pieces.append((tag, element.text))
    return pieces


def test_feeds_are_well_formed_and_their_html_is_safe(built: Path) -> None:
    problems = []
    checked = 0
    for path in files(built, ".atom", ".rss"):
        for tag, html in feed_html(path):
            checked += 1
            problems += unsafe_markup(parse_html(html), f"{path.name} <{tag}>")
    assert checked > len(PAYLOADS)
    assert not problems, "\n".join(problems[:30])


def test_feed_titles_are_text(built: Path) -> None:
    """Titles carry the payload as characters: XML-escaped, never as elements."""
    titles = [
        element.text or ""
        for path in files(built, ".atom", ".rss")
        for element in ElementTree.parse(path).iter()
        if element.tag.rpartition("}")[2] == "title"
    ]
    assert "<script>alert(1)</script>" in titles


def test_badges_are_well_formed_svg_without_script(built: Path) -> None:
    problems = []
    for path in files(built, ".svg"):
        problems += unsafe_markup(ElementTree.parse(path).getroot(), path.name)
    assert not problems, "\n".join(problems)


def test_api_is_valid_json(built: Path) -> None:
    for path in files(built, ".json"):
        json.loads(path.read_bytes())


def test_api_writes_markup_escaped(built: Path) -> None:
    """The API carries text, as Statuspage's does; `<` written as \\u003c means a page that
    embeds a response in a <script> block cannot be broken out of."""
    for path in files(built, ".json"):
        assert b"<" not in path.read_bytes(), f"{path.relative_to(built)} holds a raw '<'"


def test_raw_html_is_kept_only_when_the_owner_allows_it(built: Path) -> None:
    """With allow_raw_html, harmless tags such as <details> stay (still sanitized)."""
    allowed = "allow_raw_html: true" in (built.parent / "mkdocs.yml").read_text()
    index = PAYLOADS.index("<details open ontoggle=alert(1)>x</details>")
    page_path = next(built.glob(f"*-p{index:02d}/index.html"))
    page = parse_html(page_path.read_text(encoding="utf-8"))
    details = [e for e in page.iter("details")]
    assert bool(details) == allowed
    assert all("ontoggle" not in e.attrib for e in details)


def test_calendar_has_only_its_own_events_and_properties(built: Path) -> None:
    calendar = Calendar.from_ical((built / "maintenance.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 8
    allowed = {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DTSTAMP",
        "CREATED",
        "LAST-MODIFIED",
        "SEQUENCE",
        "STATUS",
        "TRANSP",
        "URL",
        "DESCRIPTION",
    }
    for event in events:
        assert set(event) <= allowed
        assert str(event["SUMMARY"]).removeprefix("Maintenance ") in PAYLOADS[:8]


def test_a_line_break_in_a_title_cannot_add_calendar_properties(tmp_path: Path) -> None:
    write_site(tmp_path, allow_raw_html=False)
    folder = tmp_path / "incidents" / f"{ANNOUNCED.isoformat()}-m0"
    injected = "Upgrade\r\nATTACH:https://evil.example/x\r\nEND:VEVENT\r\nBEGIN:VEVENT"
    (folder / "a.md").write_text(maintenance(injected, date(2026, 11, 23)), encoding="utf-8")
    build(tmp_path)
    calendar = Calendar.from_ical((tmp_path / "site" / "maintenance.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 8
    assert all("ATTACH" not in event for event in events)


@pytest.mark.parametrize("allow_raw_html", [False, True])
@pytest.mark.parametrize(
    "source",
    [
        "https://tracker.example/p.png",
        "//tracker.example/p.png",
        "HTTP://tracker.example/p.png",
        " https://t.example/p",
    ],
)
def test_images_never_load_from_another_site(source: str, allow_raw_html: bool) -> None:
    """Pages load nothing from third parties: a contributed tracking pixel loses its src."""
    for text in (f"![pixel]({source})", f'<img src="{source}" alt="pixel">'):
        page = parse_html(render_markdown(text, allow_raw_html))
        assert [img.get("src") for img in page.iter("img")] in ([], [None]), text


def test_images_beside_the_incident_are_kept() -> None:
    page = parse_html(render_markdown("![timeline](timeline.png)"))
    assert [img.get("src") for img in page.iter("img")] == ["timeline.png"]
