"""Translated updates: `<update>.<language>.md` beside the update it translates.

A name is a translation's when what stands before `.md` is a language code CLDR knows and the
file without it is an update of the folder. It is accepted only for one of the site's other
languages (`languages:`), and holds only the words: the title, the text, the apology, the
cause and the workaround. It is read, checked for size and markup limits and guarded for
leaks exactly as the update it translates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from ..language.core import LanguageError, normal_code, parse_code
from . import fields as f
from .contentfiles import Problem, printable
from .source import RawFile, strip_html_comments
from .types import TRANSLATED_FIELDS, Incident, Settings, UpdateText

TRANSLATION_NAME = re.compile(r"(?P<stem>.+)\.(?P<code>[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?)\.md")
TRANSLATION_KEYS = (*TRANSLATED_FIELDS, "internal", "lint")

Report = Callable[[str, int, Problem], None]


def language_of_name(name: str, names: Collection[str]) -> tuple[str, str, bool] | None:
    """(the update's file name, the language, whether CLDR knows it) when `name` reads as a
    translation's: `<update>.<code>.md` beside that update, or with a code CLDR knows."""
    match = TRANSLATION_NAME.fullmatch(name)
    if match is None:
        return None
    original = f"{match['stem']}.md"
    try:
        parse_code(match["code"])
    except LanguageError:
        return (original, match["code"], False) if original in names else None
    return original, normal_code(match["code"]), True


def split_translations(
    files: list[Path], settings: Settings, rel: Callable[[Path], str], report: Report
) -> tuple[list[Path], dict[str, list[tuple[Path, str]]]]:
    """The updates of a folder, and its translations by the update they translate; a
    translation into a language the site does not publish, or of no update, is reported."""
    names = {path.name for path in files}
    updates: list[Path] = []
    translations: dict[str, list[tuple[Path, str]]] = {}
    for path in files:
        found = language_of_name(path.name, names)
        if found is None:
            updates.append(path)
            continue
        original, code, known = found
        problem = (
            _translation_problem(path.name, original, code, original in names, settings)
            if known
            else _unknown_language(path.name, code)
        )
        if problem is not None:
            report(rel(path), 0, problem)
            continue
        translations.setdefault(original, []).append((path, code))
    return updates, translations


def _unknown_language(name: str, code: str) -> Problem:
    return (
        "translation-language",
        f"'{printable(name)}' is named as a translation, but '{printable(code)}' is not a "
        "language code CLDR knows",
        "name a translation <update file name without .md>.<language>.md with a code such "
        "as fr, pt_BR or zh_Hans, one of the site's 'languages:'",
    )


def _translation_problem(
    name: str, original: str, code: str, has_original: bool, settings: Settings
) -> Problem | None:
    shown = printable(name)
    if code not in settings.languages:
        listed = ", ".join(settings.languages) or "none"
        return (
            "translation-language",
            f"'{shown}' is named as a translation into '{code}', which is not one of the site's "
            f"other languages (languages: {listed}; the site's own is {settings.language})",
            f"add '{code}' to 'languages:' in mkdocs.yml, or rename the file",
        )
    if not has_original:
        return (
            "translation-orphan",
            f"'{shown}' translates '{printable(original)}', which is not in the folder",
            "name a translation after the update it translates, plus the language: "
            f"<update file name without .md>.{code}.md",
        )
    return None


def update_text(raw: RawFile, code: str, report: Report) -> UpdateText:
    """A translation's words, each checked as the update's own field is."""
    for key in raw.meta:
        if key not in TRANSLATION_KEYS:
            report(
                raw.path,
                raw.lines.get(key, 1),
                (
                    "unknown-key",
                    f"'{key}' cannot be translated: a translation holds only the words",
                    f"keep '{key}' in the update itself; a translation may set "
                    + ", ".join(TRANSLATED_FIELDS)
                    + " and the text",
                ),
            )
    values: dict[str, str | None] = {}
    for key in TRANSLATED_FIELDS:
        if key not in raw.meta:
            continue
        try:
            values[key] = f.optional_text(key, raw.meta[key])
        except f.FieldError as exc:
            report(raw.path, raw.lines.get(key, 1), (exc.rule, exc.message, exc.hint))
    return UpdateText(
        language=code,
        path=raw.path,
        body=strip_html_comments(raw.body),
        explicit=frozenset(values),
        lines=dict(raw.lines),
        body_line=raw.body_line,
        **values,
    )


def with_translations(incident: Incident, texts: dict[str, list[UpdateText]]) -> Incident:
    """`incident` with each update's translations attached."""
    if not texts:
        return incident
    updates = tuple(
        replace(u, translations=tuple(sorted(texts.get(u.file, ()), key=lambda t: t.language)))
        for u in incident.updates
    )
    return replace(incident, updates=updates)
