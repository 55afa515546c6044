"""The catalogs are whole, their glossaries kept, and a site in German has no English left."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_NOW, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.language import core, tools
from statuspress.language.core import CATALOGS, Formatter, language

LANGUAGES = ("de", "fr", "es", "pt_BR", "it", "nl", "pl", "ja", "zh_Hans", "ko", "ar", "he")


def test_twelve_languages_are_shipped() -> None:
    assert set(LANGUAGES) <= set(core.shipped_languages())


def test_the_catalogs_are_complete() -> None:
    """Every string of the code and theme is in the template, and every catalog translates
    every msgid of it with the same placeholders."""
    assert tools.problems() == []


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    copy = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, copy)
    return copy


def test_a_new_string_not_extracted_fails(catalogs: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "extra.html").write_text('<p>{{ _("A string added to the theme") }}</p>\n')
    found = tools.problems(catalogs, [*tools.sources(), theme])
    assert any("missing 'A string added to the theme'" in p for p in found), found


def test_a_catalog_missing_a_string_fails(catalogs: Path) -> None:
    po = catalogs / "fr.po"
    text = po.read_text(encoding="utf-8")
    entry = re.search(r'\n#, python-format\nmsgid "Posted by %\(author\)s"\nmsgstr "[^"]*"\n', text)
    assert entry is not None
    po.write_text(text.replace(entry.group(), "\n"), encoding="utf-8")
    found = tools.problems(catalogs)
    assert "fr.po: lacks 'Posted by %(author)s' (run update)" in found


@pytest.mark.parametrize(
    ("translation", "why"),
    [
        ("Publié par %(auteur)s", "does not name exactly ['author']"),
        ("Publié par", "does not name exactly ['author']"),
        ("Publié par %(author)s à 100 %", "does not format"),
        ("", "untranslated"),
    ],
)
def test_a_placeholder_mismatch_fails(catalogs: Path, translation: str, why: str) -> None:
    po = catalogs / "fr.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace('msgstr "Publié par %(author)s"', f'msgstr "{translation}"'), encoding="utf-8"
    )
    found = [p for p in tools.problems(catalogs) if p.startswith("fr.po")]
    assert found and all("Posted by" in p for p in found), found
    assert any(why in p for p in found), found


def test_update_adds_new_msgids_untranslated_and_missing_lists_them(
    catalogs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template = catalogs / "statuspress.pot"
    template.write_text(
        template.read_text(encoding="utf-8") + '\nmsgid "A string added to the theme"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(tools, "CATALOGS", catalogs)
    monkeypatch.setattr(tools, "TEMPLATE", template)
    monkeypatch.setattr(core, "CATALOGS", catalogs)
    tools.update()
    assert tools.missing() == len(core.shipped_languages())
    shown = capsys.readouterr().out
    assert "de: A string added to the theme" in shown and "he: A string added to the theme" in shown
    assert tools.problems(catalogs, tools.sources())  # and the check says so too


def _glossaries() -> Iterator[tuple[str, dict[str, dict[str, object]]]]:
    for code in LANGUAGES:
        path = CATALOGS / f"{code}.glossary.yml"
        yield code, yaml.safe_load(path.read_text(encoding="utf-8"))


TERMS = (
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "degraded performance",
    "partial outage",
    "major outage",
    "maintenance",
    "operational",
)


@pytest.mark.parametrize(("code", "glossary"), list(_glossaries()), ids=LANGUAGES)
def test_each_glossary_term_is_what_the_catalog_uses(
    code: str, glossary: dict[str, dict[str, object]]
) -> None:
    """The term's own message is its glossary translation, and every longer message that
    says the term says it with that translation (or one of its listed forms)."""
    assert set(glossary) == set(TERMS)
    catalog = core.read_catalog(CATALOGS / f"{code}.po", code)
    for term, entry in glossary.items():
        message = catalog.get(entry["msgid"])
        assert message is not None and message.string == entry["translation"], (term, message)
        said = [str(entry["translation"]), *map(str, entry.get("forms", []))]
        pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
        for other in catalog:
            ids = other.id if isinstance(other.id, tuple) else (other.id,)
            if not other.id or not pattern.search(ids[0]):
                continue
            strings = other.string if isinstance(other.string, tuple) else (other.string,)
            for text in strings:
                assert any(s.casefold() in text.casefold() for s in said), (term, ids[0], text)


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_forms_follow_cldr(code: str) -> None:
    """`ngettext` picks CLDR's form for each count (Polish: 1, 2-4, 5+; Arabic: six)."""
    lang = language(code)
    forms = {
        lang.ngettext("No incidents in the last %(count)s day.", "", n, count=n) for n in range(30)
    }
    expected = {"ja": 1, "zh_Hans": 1, "ko": 1, "pl": 3, "ar": 4, "he": 2}.get(code, 2)
    assert len(forms) >= min(expected, 2)


@settings(max_examples=30, deadline=None)
@given(
    code=st.sampled_from(LANGUAGES),
    minutes=st.integers(min_value=0, max_value=3660 * 1440),
    offset=st.integers(min_value=-3660 * 1440, max_value=3660 * 1440),
)
def test_every_language_formats_any_duration_and_time(code: str, minutes: int, offset: int) -> None:
    """Any duration up to the longest supported, and any time ten years either side, format
    in every shipped language."""
    fmt = Formatter("America/New_York", EXAMPLE_NOW, language(code))
    shown = fmt.duration(timedelta(minutes=minutes))
    assert shown.strip() and "{" not in shown  # Hebrew writes two hours as a word: no digit
    moment = EXAMPLE_NOW + timedelta(minutes=offset)
    assert str(fmt.local(moment).year) in fmt.when(moment)
    assert fmt.relative(moment)


def test_dates_durations_and_numbers_come_from_cldr() -> None:
    fmt = Formatter("Europe/Berlin", EXAMPLE_NOW, language("de"))
    assert fmt.when(EXAMPLE_NOW) == "22. Nov. 2026, 11:00 CET"
    assert fmt.duration(timedelta(hours=2, minutes=5)) == "2 Std., 5 Min."
    assert fmt.relative(EXAMPLE_NOW + timedelta(days=3)) == "in 3 Tagen"
    assert fmt.month(EXAMPLE_NOW) == "November 2026"
    assert language("de").percent(99.95) == "99,95\xa0%"
    japanese = Formatter("Asia/Tokyo", EXAMPLE_NOW, language("ja"))
    assert japanese.when(EXAMPLE_NOW) == "2026年11月22日 19:00 JST"
    assert language("ar").direction == "rtl" and language("he").direction == "rtl"
    assert language("pt_BR").tag == "pt-BR" and language("zh_Hans").tag == "zh-Hans"


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statuspress.publishing.build import build_site

    root = tmp_path_factory.mktemp("german")
    shutil.copytree(REPO / "incidents", root / "incidents")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  name: statuspress\n", "  name: statuspress\n  language: de\n", 1)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root


_TAG = re.compile(r"<[^>]+>")
_ADDRESS = re.compile(r"\S*(?:://|tag:)\S*")
_ATTRIBUTE = re.compile(r'(?:title|aria-label|content|alt)="([^"]*)"')


def _readable(path: Path) -> str:
    """What a reader of the file sees: text between tags, and the text attributes."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ics":  # its product id is a name for programs (RFC 5545), not words
        return re.sub(r"^PRODID:.*$", "", text.replace("\r\n ", ""), flags=re.MULTILINE)
    shown = " ".join(_ATTRIBUTE.findall(text))
    readable = html.unescape(f"{_TAG.sub(' ', html.unescape(text))} {shown}")
    return _ADDRESS.sub(" ", readable)  # addresses and ids are no words: /postmortems/


def _english_fragments() -> list[tuple[str, str]]:
    """(fragment, msgid): each run of words of an English msgid between its placeholders
    and markup whose German translation differs, long enough to be told apart."""
    german = core.read_catalog(CATALOGS / "de.po", "de")
    found = []
    for message in german:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:
                continue  # the same in German ("Status", "Impact: ...")
            for part in re.split(r"%\(\w+\)s|<[^>]+>", msgid):
                part = part.strip(" .,:;()–-")
                if len(part) >= 8 or len(part.split()) >= 2:
                    found.append((part, msgid))
    return found


def test_a_german_site_has_no_english_string_left(german_site: Path) -> None:
    """Every page, feed, calendar and badge is walked for the English catalog's strings; the
    site's own words (incidents written in English) are the site's, not statuspress's."""
    content = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "incidents").rglob("*.md"))
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    fragments = _english_fragments()
    assert len(fragments) > 100
    outputs = [
        path
        for path in (german_site / "site").rglob("*")
        if path.suffix in (".html", ".atom", ".rss", ".ics", ".svg", ".xml")
    ]
    assert len(outputs) > 40
    left = []
    for path in outputs:
        seen = _readable(path)
        for fragment, msgid in fragments:
            if fragment in seen and fragment not in content and fragment not in config:
                left.append(f"{path.relative_to(german_site)}: {fragment!r} (from {msgid!r})")
    assert left == []


def test_a_german_site_reads_dates_and_numbers_as_germans_do(german_site: Path) -> None:
    site = german_site / "site"
    status = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de" dir="ltr">' in status
    assert "22. Nov. 2026, 10:00 UTC" in status
    assert re.search(r"99,9\d\xa0% Verfügbarkeit", html.unescape(status))
    assert "(in 25 Minuten)" in status
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    assert "<h2>Oktober 2026</h2>" in history and "<h2>September 2026</h2>" in history
    rss = (site / "history.rss").read_text(encoding="utf-8")
    assert "<language>de</language>" in rss and "Statusmeldungen von Acme" in rss
    calendar = (site / "maintenance.ics").read_text(encoding="utf-8")
    assert "Acme Status – geplante Wartungen" in calendar
    badge = (site / "components" / "api" / "badge.svg").read_text(encoding="utf-8")
    assert "Betriebsbereit" in badge
    summary = (site / "api" / "v2" / "summary.json").read_text(encoding="utf-8")
    assert "Partial System Outage" in summary  # Statuspage's own fixed values stay its English


def test_notifications_speak_the_site_language(german_site: Path) -> None:
    from statuspress.notify.mail import subject
    from statuspress.notify.message import html_body, notices, plain_text
    from statuspress.notify.payloads import slack
    from statuspress.publishing.loading import load_project

    site = load_project(german_site / "mkdocs.yml", EXAMPLE_NOW).site
    update = next(
        u for i in site.incidents for u in i.updates if u.uid.endswith("0930Z-identified")
    )
    entry = f"tag:status.acme.example,2005:update/{update.uid}"
    (notice,) = notices(site, [entry], EXAMPLE_NOW)
    text = plain_text(notice)
    assert text.startswith("Ursache erkannt: Webhook deliveries delayed\n")
    for words in (
        "Ursache: ",
        "Behelfslösung: ",
        "Auswirkung: Schwer",
        "Nächste Aktualisierung: bis 22. Nov. 2026",
        "Voraussichtliche Behebung: Noch nicht bekannt – wir raten nicht",
    ):
        assert words in text, words
    assert "Details und alle Aktualisierungen: https://" in text
    assert subject(notice) == "[Status] Ursache erkannt: Webhook deliveries delayed"
    assert '<html lang="de" dir="ltr">' in html_body(notice)
    assert "Details und alle Aktualisierungen auf Acme Status" in str(slack(notice))
