"""Keeping the catalogs whole, for whoever adds a string:

    python -m statuspress.language.tools extract   # the template, from the code and theme
    python -m statuspress.language.tools update    # each catalog gets the new msgids, empty
    python -m statuspress.language.tools missing   # what each language has left to translate
    python -m statuspress.language.tools check     # all of the above, as the tests check it

`extract` finds what `pybabel extract -F babel.cfg` finds: gettext calls (`_`, `gettext`,
`ngettext`, `N_` ...) in statuspress's Python, and `{% trans %}` and `_()` in the theme.
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from .core import CATALOGS, DOMAIN, format_problems, read_catalog, shipped_languages

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE = CATALOGS / f"{DOMAIN}.pot"
# babel.cfg says the same for pybabel; extraction walks the package and the theme.
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}


def _theme_folder() -> Path:
    """The installed theme, wherever it was installed."""
    theme = importlib.import_module(f"{__package__.rpartition('.')[0]}.theme")
    return Path(str(theme.__file__)).resolve().parent


def sources() -> list[Path]:
    """Where statuspress's strings are: its package and its theme."""
    return [PACKAGE, _theme_folder()]


def extracted(folders: Sequence[Path] | None = None) -> Catalog:
    """Every msgid of statuspress's code and theme (or of `folders`), as a template."""
    catalog = Catalog(domain=DOMAIN, project="statuspress", fuzzy=False)
    for folder in folders or sources():
        found = extract_from_dir(folder, METHODS, OPTIONS, strip_comment_tags=True)
        for _name, _line, message, comments, context in found:
            catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def _written(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, no_location=True, sort_output=True, omit_header=False)
    return buffer.getvalue()


def extract() -> None:
    TEMPLATE.write_bytes(_written(extracted()))
    print(f"wrote {TEMPLATE} ({len(extracted())} messages)")


def update() -> None:
    """Each catalog gets the template's new msgids (untranslated) and loses those gone."""
    template = read_catalog(TEMPLATE, "en")
    for code in shipped_languages():
        path = CATALOGS / f"{code}.po"
        catalog = read_catalog(path, code)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.write_bytes(_written(catalog))
    print(f"updated {len(shipped_languages())} catalogs from {TEMPLATE.name}")


def untranslated(catalog: Catalog) -> Iterator[Message]:
    """The messages of `catalog` with no translation, or only a fuzzy one."""
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            yield message


def missing() -> int:
    """Prints each language's untranslated msgids; the number of them."""
    count = 0
    for code in shipped_languages():
        catalog = read_catalog(CATALOGS / f"{code}.po", code)
        for message in untranslated(catalog):
            count += 1
            shown = message.id[0] if isinstance(message.id, tuple) else message.id
            print(f"{code}: {shown}")
    return count


def problems(catalogs: Path = CATALOGS, folders: Sequence[Path] | None = None) -> list[str]:
    """What makes the catalogs incomplete: a string of the code or theme not in the template,
    a template msgid a catalog lacks or leaves untranslated, a placeholder mismatch."""
    found: list[str] = []
    template = read_catalog(catalogs / TEMPLATE.name, "en")
    wanted = {m.id for m in extracted(folders) if m.id}
    have = {m.id for m in template if m.id}
    found += [
        f"{TEMPLATE.name}: missing {m!r} (run extract)" for m in sorted(wanted - have, key=str)
    ]
    found += [f"{TEMPLATE.name}: stale {m!r} (run extract)" for m in sorted(have - wanted, key=str)]
    for path in sorted(catalogs.glob("*.po")):
        code = path.stem
        catalog = read_catalog(path, code)
        ids = {m.id for m in catalog if m.id}
        found += [f"{code}.po: lacks {m!r} (run update)" for m in sorted(have - ids, key=str)]
        found += [f"{code}.po: untranslated {m.id!r}" for m in untranslated(catalog)]
        for message, errors in catalog.check():
            found += [f"{code}.po: {message.id!r}: {error}" for error in errors]
        found += [
            f"{code}.po: {problem}" for m in catalog if m.id for problem in format_problems(m)
        ]
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "missing":
        return 1 if missing() else 0
    elif command == "check":
        found = problems()
        print("\n".join(found) or "the catalogs are complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
