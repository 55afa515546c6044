"""A site in more than one language, translated updates, and the checks on both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, copy_example, write_files
from statuspress.cli import main
from statuspress.configuration.settings import load_settings
from statuspress.publishing.build import BuildFailed, build_site

WEBHOOKS = "incidents/2026-11-22-webhook-delays"
FIRST = f"{WEBHOOKS}/20261122T0904Z-investigating"
TRANSLATION = """\
---
title: "Livraison des webhooks retardée"
apology: "Nous sommes désolés : vos intégrations reçoivent les événements en retard."
---
Les webhooks arrivent avec jusqu'à 40 minutes de retard. Nous cherchons la cause.
"""


def _multilingual(root: Path, options: str = "      languages: [fr, ja]\n") -> Path:
    copy_example(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("      timezone: UTC\n", f"      timezone: UTC\n{options}", 1),
        encoding="utf-8",
    )
    write_files(root, {f"{FIRST}.fr.md": TRANSLATION})
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _multilingual(tmp_path_factory.mktemp("languages"))
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root / "site"


def test_each_language_gets_the_whole_site_under_its_folder(site: Path) -> None:
    root_pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    root_pages = {p for p in root_pages if not p.startswith(("fr/", "ja/"))}
    for tag in ("fr", "ja"):
        tree = {p.relative_to(site / tag).as_posix() for p in (site / tag).rglob("index.html")}
        assert tree == root_pages
        for feed in ("history.atom", "history.rss", "updates.atom", "maintenance.ics"):
            assert (site / tag / feed).is_file(), (tag, feed)
        assert not (site / tag / "api").exists()  # the Statuspage API is the site's, once
    assert (site / "api" / "v2" / "summary.json").is_file()
    assert ",2005:feed/fr/history</id>" in (site / "fr" / "history.atom").read_text()
    assert ",2005:feed/history</id>" in (site / "history.atom").read_text()
    status = (site / "ja" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja" dir="ltr">' in status and "コンポーネント" in status
    assert 'href="../../statuspress.css"' in (site / "ja/history/index.html").read_text()


def test_every_page_names_its_alternates_and_offers_a_switcher(site: Path) -> None:
    for page in site.rglob("*.html"):
        if page.name == "404.html" or "embed" in page.relative_to(site).parts:
            continue  # an embed lives in another site's frame, chromeless and not indexed
        text = page.read_text(encoding="utf-8")
        alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text)
        assert [tag for tag, _ in alternates] == ["en", "fr", "ja", "x-default"], page
        path = page.relative_to(site).as_posix().removesuffix("index.html")
        path = path.removeprefix("fr/").removeprefix("ja/")
        base = "https://status.acme.example/"
        assert dict(alternates) == {
            "en": base + path,
            "fr": f"{base}fr/{path}",
            "ja": f"{base}ja/{path}",
            "x-default": base + path,
        }
        switcher = re.search(
            r'<nav class="languages" aria-label="[^"]+"><ul>(.*?)</ul></nav>', text, re.S
        )
        assert switcher is not None and "<script" not in text, page
        assert switcher.group(1).count("<a ") == 3 and 'aria-current="true"' in switcher.group(1)


def test_the_sitemap_lists_every_language_with_alternates(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://status.acme.example/fr/history/</loc>" in sitemap
    assert "<loc>https://status.acme.example/ja/history/</loc>" in sitemap
    assert (
        '<xhtml:link rel="alternate" hreflang="ja" href="https://status.acme.example/ja/history/"/>'
        in sitemap
    )
    assert not (site / "fr" / "sitemap.xml").exists()


def test_a_translated_update_and_an_untranslated_one(site: Path) -> None:
    page = (site / "fr" / "2026-11-22-webhook-delays" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Livraison des webhooks retardée</h1>" in page  # the translated title, carried on
    translated = page[page.index('id="20261122T0904Z-investigating"') :]
    assert "Les webhooks arrivent avec jusqu’à 40 minutes de retard" in translated
    assert "Nous sommes désolés" in translated and 'lang="en"' not in translated
    untranslated = page[page.index('id="20261122T0955Z-identified"') :]
    untranslated = untranslated[: untranslated.index("</article>")]
    assert '<p class="untranslated">Pas encore traduit' in untranslated
    assert '<div class="text" lang="en"><p>The rollback is complete' in untranslated
    japanese = (site / "ja" / "2026-11-22-webhook-delays" / "index.html").read_text()
    assert (
        "Livraison" not in japanese and japanese.count('class="untranslated"') == 3
    )  # the updates published by then
    english = (site / "2026-11-22-webhook-delays" / "index.html").read_text()
    assert "Livraison" not in english and "untranslated" not in english
    feed = (site / "fr" / "updates.atom").read_text(encoding="utf-8")
    assert "Analyse en cours : Livraison des webhooks retardée" in feed
    assert (
        'xml:lang="fr"' in feed
        or "<language>fr</language>" in (site / "fr/updates.rss").read_text()
    )


def test_a_translation_is_accepted_only_for_a_language_the_site_publishes(
    tmp_path: Path,
) -> None:
    root = _multilingual(tmp_path)
    write_files(
        root,
        {
            f"{FIRST}.es.md": TRANSLATION,  # Spanish: not one of the site's languages
            f"{WEBHOOKS}/20261122T9999Z-gone.fr.md": TRANSLATION,  # of no update
            f"{WEBHOOKS}/20261122T0930Z-identified.fr.md": "---\nstatus: resolved\n---\nTexte.\n",
            f"{WEBHOOKS}/20261122T0955Z-identified.qq.md": TRANSLATION,  # no language at all
        },
    )
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    found = {(d.path.rpartition("/")[2], d.rule): d.message for d in failed.value.diagnostics}
    assert (
        "'es', which is not one of the site's other languages"
        in (found["20261122T0904Z-investigating.es.md", "translation-language"])
    )
    assert "not in the folder" in found["20261122T9999Z-gone.fr.md", "translation-orphan"]
    assert (
        "'status' cannot be translated" in (found["20261122T0930Z-identified.fr.md", "unknown-key"])
    )
    assert (
        "'qq' is not a language code CLDR knows"
        in (found["20261122T0955Z-identified.qq.md", "translation-language"])
    )
    assert not (root / "site").exists()


def test_the_leak_guard_reads_translations_as_it_reads_updates(tmp_path: Path) -> None:
    root = _multilingual(tmp_path)
    write_files(root, {f"{FIRST}.fr.md": TRANSLATION + "\nVoir db1.corp.acme.example.\n"})
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    leaks = [d for d in failed.value.diagnostics if d.path.endswith(".fr.md")]
    assert leaks and leaks[0].line == 7, failed.value.diagnostics


def _check(root: Path) -> Result:
    return CliRunner().invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", "2026-11-22T10:00:00Z"]
    )


def test_require_translations_makes_check_fail_for_each_missing_one(tmp_path: Path) -> None:
    root = _multilingual(tmp_path, "      languages: [fr, ja]\n      require_translations: true\n")
    result = _check(root)
    assert result.exit_code == 1, result.output
    assert "translation-missing" in result.output
    assert "this update has no translation into ja" in result.output
    assert f"{FIRST}.md:1" in result.output  # fr exists for it; ja does not
    assert "no translation into fr" in result.output  # the other updates have none
    relaxed = _multilingual(tmp_path / "relaxed")
    assert "translation-missing" not in _check(relaxed).output


def test_languages_are_checked_against_cldr_and_the_catalogs(site_root: Path) -> None:
    config = site_root / "mkdocs.yml"
    config.write_text(
        MINIMAL_CONFIG.replace(
            "  name: statuspress\n", "  name: statuspress\n  language: xx-nope\n"
        )
    )
    settings, problems = load_settings(config)
    assert settings is None and "not a language code CLDR knows" in problems[0].message
    config.write_text(MINIMAL_CONFIG + "      languages: [fr, sv, fr]\n")
    settings, problems = load_settings(config)
    messages = " ".join(p.message for p in problems)
    assert "no catalog for 'sv'" in messages and "listed twice" in messages


def test_a_site_adds_a_language_and_overrides_a_string_without_forking(tmp_path: Path) -> None:
    """custom_dir/locales/<code>.po: a language statuspress does not ship, and one message of
    a shipped language the site words its own way."""
    root = copy_example(tmp_path)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n  language: sv\n"
    )
    (root / "mkdocs.yml").write_text(
        config.replace("      timezone: UTC\n", "      timezone: UTC\n      languages: [de]\n")
    )
    write_files(
        root,
        {
            "overrides/locales/sv.po": 'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
            'msgid "Open incidents"\nmsgstr "Pågående incidenter"\n',
            "overrides/locales/de.po": 'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
            'msgid "Open incidents"\nmsgstr "Aktuelle Störungen"\n',
        },
    )
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    swedish = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv"' in swedish and "Pågående incidenter" in swedish
    assert "22 nov. 2026 10:00 UTC" in swedish  # CLDR's Swedish dates, no catalog needed
    assert "Components" in swedish  # what the site's catalog does not translate stays English
    german = (root / "site" / "de" / "index.html").read_text(encoding="utf-8")
    assert "Aktuelle Störungen" in german and "Komponenten" in german


def test_a_rebuild_reuses_every_language_s_pages_of_resolved_incidents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident records keep a resolved incident's pages in every language, so a second
    language costs a rebuild only the pages that changed, as the first does."""
    from conftest import calls_of
    from statuspress.outputs import render

    root = _multilingual(tmp_path)
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    first = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    rendered = calls_of(
        monkeypatch, render, "_render_page", lambda env, page, url, *rest: (url, page.template)
    )
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    incident_pages = [url for url, template in rendered if template == "incident.html"]
    assert len(incident_pages) == 2 * 3  # the open incident and the upcoming maintenance
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == first


def test_a_site_catalog_whose_placeholders_differ_is_refused(site_root: Path) -> None:
    config = site_root / "mkdocs.yml"
    config.write_text(
        MINIMAL_CONFIG.replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: own\n  language: de\n"
        )
    )
    write_files(
        site_root,
        {
            "own/locales/de.po": 'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n#, python-format\n'
            'msgid "Posted by %(author)s"\nmsgstr "Von %(autor)s"\n'
        },
    )
    settings, problems = load_settings(config)
    assert settings is None
    assert "de.po:6: 'Posted by %(author)s': 'Von %(autor)s' does not name exactly" in (
        problems[0].message
    )
