"""One language of the site: its catalog (statuspress's own, with the site's overrides) and
CLDR's formats for it, in the site's time zone."""

from __future__ import annotations

import copy
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, format_timedelta
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, parse_pattern
from babel.support import NullTranslations, Translations
from babel.units import format_unit
from markupsafe import Markup

if TYPE_CHECKING:
    from ..model.types import Settings

CATALOGS = Path(__file__).parent / "catalogs"
DOMAIN = "statuspress"
SOURCE_LANGUAGE = "en"  # the language of the msgids: no catalog needed
OVERRIDES_FOLDER = "locales"  # in the theme's custom_dir: <custom_dir>/locales/<code>.po


class LanguageError(ValueError):
    """A language that cannot be used: unknown to CLDR, or with no catalog; says what to do."""


def parse_code(code: str) -> Locale:
    """CLDR's locale for a code such as `de`, `pt_BR`, `pt-BR` or `zh_Hans`."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError, TypeError):
        raise LanguageError(
            f"'{code}' is not a language code CLDR knows; use one such as de, fr, pt_BR or zh_Hans"
        ) from None


def shipped_languages() -> tuple[str, ...]:
    """The languages statuspress ships a catalog for, besides English."""
    return tuple(sorted(path.stem for path in CATALOGS.glob("*.po")))


def catalog_path(code: str) -> Path:
    return CATALOGS / f"{normal_code(code)}.po"


def normal_code(code: str) -> str:
    """`pt-BR` and `pt_BR` name one catalog, `pt_BR`."""
    return code.replace("-", "_")


def catalog_codes(code: str) -> tuple[str, ...]:
    """The catalogs a code reads, most specific first: `de_AT` reads `de_AT`, then `de`
    (gettext's fallback); its dates and numbers are still CLDR's for `de_AT`."""
    code = normal_code(code)
    base = code.split("_")[0]
    return (code,) if base == code else (code, base)


def available(code: str, locale_dir: str = "") -> bool:
    """Whether a catalog exists for `code` or its language: English, a shipped one, or the
    site's own."""
    for name in catalog_codes(code):
        if name == SOURCE_LANGUAGE or catalog_path(name).is_file():
            return True
        if locale_dir and (Path(locale_dir) / f"{name}.po").is_file():
            return True
    return False


def check_language(code: str, locale_dir: str = "") -> str:
    """`code` in its normal form; LanguageError when CLDR or the catalogs do not have it."""
    parse_code(code)
    if not available(code, locale_dir):
        shipped = ", ".join(("en", *shipped_languages()))
        raise LanguageError(
            f"statuspress has no catalog for '{code}' (it ships {shipped}); add your own as "
            f"{OVERRIDES_FOLDER}/{normal_code(code)}.po in the theme's custom_dir (see the "
            "Languages guide)"
        )
    return normal_code(code)


def read_catalog(path: Path, code: str) -> Catalog:
    """A `.po` file; LanguageError naming the file and line when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=parse_code(code), domain=DOMAIN, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise LanguageError(
            f"the catalog {path} cannot be read: {exc}; fix it (a .po file, UTF-8, as "
            "`python -m statuspress.language.tools check` reads it) or remove it"
        ) from None
    except OSError as exc:
        raise LanguageError(f"{path}: cannot read the catalog: {exc.strerror}") from None


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _texts(value: object) -> list[str]:
    """A message's id or string: one text, or a plural's several."""
    return [str(v) for v in value] if isinstance(value, (tuple, list)) else [str(value or "")]


def format_problems(message: Message) -> Iterator[str]:
    """Each translation names the very placeholders of its msgid, and formats with them
    (Babel's checker lets a translation drop one, and does not try a stray `%`)."""
    ids = _texts(message.id)
    strings = _texts(message.string)
    wanted = set(_PLACEHOLDER.findall(ids[-1]))
    for text in (s for s in strings if s):
        if set(_PLACEHOLDER.findall(text)) != wanted:
            yield f"{ids[0]!r}: '{text}' does not name exactly {sorted(wanted)}"
        elif wanted or "%" in ids[0]:
            try:
                text % dict.fromkeys(wanted, "x")
            except (KeyError, ValueError, TypeError) as exc:
                yield f"{ids[0]!r}: '{text}' does not format: {exc}"


def _checked(catalog: Catalog, path: Path) -> Catalog:
    """A site's own catalog, refused when a translation's placeholders are not its msgid's
    (it would fail, or say something else, in the middle of a build)."""
    for message in catalog:
        for problem in format_problems(message) if message.id else ():
            raise LanguageError(
                f"{path}:{message.lineno}: {problem}; a translation keeps the %(name)s "
                "placeholders of its msgid"
            )
    return catalog


def _compiled(catalog: Catalog) -> Translations:
    """The catalog as gettext reads it, compiled in memory (no `.mo` file to go stale)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(code: str, locale_dir: str = "") -> NullTranslations:
    """statuspress's catalog for `code` (or its language's), each message the site's own
    catalog translates replacing statuspress's (`locale_dir`: `<custom_dir>/locales`)."""
    return _translations(code, locale_dir, own_catalogs(code, locale_dir))


OwnCatalogs = tuple[tuple[str, int, int, int], ...]


def own_catalogs(code: str, locale_dir: str) -> OwnCatalogs:
    """The site's own catalogs for `code` as they are now (name, size, time, inode): part of
    the key of every cache of what is read from them, so a catalog edited while `serve`
    runs is read again, not taken from an earlier build."""
    if not locale_dir:
        return ()
    found = []
    for name in catalog_codes(code):
        try:
            info = os.stat(Path(locale_dir) / f"{name}.po")
        except OSError:
            continue
        found.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(found)


@lru_cache(maxsize=32)
def _translations(code: str, locale_dir: str, stamps: OwnCatalogs) -> NullTranslations:
    found: list[Translations] = []
    for name in catalog_codes(code):  # the site's own first, the most specific first
        own = Path(locale_dir) / f"{name}.po" if locale_dir else None
        if own is not None and own.is_file():
            found.append(_compiled(_checked(read_catalog(own, name), own)))
    for name in catalog_codes(code):
        if catalog_path(name).is_file():
            found.append(_compiled(read_catalog(catalog_path(name), name)))
    if not found:
        return NullTranslations()
    for first, then in itertools.pairwise(found):
        first.add_fallback(then)
    return found[0]


@dataclass(frozen=True)
class Language:
    """What a page, feed, calendar, badge or notice needs to speak one language."""

    code: str  # normal form: de, pt_BR, zh_Hans
    locale: Locale
    messages: NullTranslations

    @property
    def tag(self) -> str:
        """The BCP 47 tag of `lang` and `hreflang`: pt-BR, zh-Hans."""
        return self.code.replace("_", "-")

    @property
    def direction(self) -> str:
        """`rtl` or `ltr`, from CLDR."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def name(self) -> str:
        """The language's name in itself, as a language switcher shows it."""
        name = self.locale.get_display_name(self.locale) or self.code
        return name[:1].upper() + name[1:]

    def gettext(self, message: str, /, **values: Any) -> str:
        text = self.messages.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        text = self.messages.ngettext(singular, plural, count)
        return text % {"num": self.number(count), **values}

    def pgettext(self, context: str, message: str, /, **values: Any) -> str:
        text = str(self.messages.pgettext(context, message))
        return text % values if values else text

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        """A percentage (99.95 for 99.95 %) to two decimals, in the locale's own pattern
        (`99,95 %` in German, `%99.95` in Turkish)."""
        return _percent(self.locale, value)

    def jinja_functions(self) -> dict[str, Callable[..., Any]]:
        """gettext, ngettext and pgettext as Jinja's i18n extension calls them (new style:
        values by name, escaped when the page autoescapes)."""
        gettext = _jinja_gettext(self.messages.gettext)
        return {
            "_": gettext,
            "gettext": gettext,
            "ngettext": _jinja_ngettext(self.messages.ngettext, self.number),
            "pgettext": _jinja_pgettext(
                lambda where, text: str(self.messages.pgettext(where, text))
            ),
        }


# The uptime page shows a percentage for every month of every component, most of them 100 %:
# each is formatted once (Babel's are slow).
@lru_cache(maxsize=4096)
def _percent(locale: Locale, value: float) -> str:
    pattern = copy.copy(parse_pattern(locale.percent_formats[None]))
    pattern.frac_prec = (2, 2)
    return pattern.apply(Decimal(str(value)) / 100, locale)


def _escaped(context: jinja2.runtime.Context, text: str) -> str:
    return Markup(text) if context.eval_ctx.autoescape else text


def _jinja_gettext(lookup: Callable[[str], str]) -> Callable[..., str]:
    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, /, **values: Any) -> str:
        text = _escaped(context, lookup(message))
        return text % values if values else text  # Markup escapes the values

    return gettext


def _jinja_ngettext(
    lookup: Callable[[str, str, int], str], number: Callable[[float], str]
) -> Callable[..., str]:
    @jinja2.pass_context
    def ngettext(
        context: jinja2.runtime.Context, singular: str, plural: str, count: int, /, **values: Any
    ) -> str:
        values.setdefault("num", number(count))
        return _escaped(context, lookup(singular, plural, count)) % values

    return ngettext


def _jinja_pgettext(lookup: Callable[[str, str], str]) -> Callable[..., str]:
    @jinja2.pass_context
    def pgettext(
        context: jinja2.runtime.Context, where: str, message: str, /, **values: Any
    ) -> str:
        text = _escaped(context, lookup(where, message))
        return text % values if values else text

    return pgettext


def language(code: str, locale_dir: str = "") -> Language:
    """The language `code`, loaded once per process (and again when the site's own catalogs
    for it change)."""
    return _language(normal_code(code), locale_dir, own_catalogs(code, locale_dir))


@lru_cache(maxsize=32)
def _language(code: str, locale_dir: str, stamps: OwnCatalogs) -> Language:
    return Language(code, parse_code(code), _translations(code, locale_dir, stamps))


def site_language(settings: Settings) -> Language:
    """The language the site (or one language's tree of it) is written in."""
    return language(settings.language, settings.locale_dir)


def formatter(zone: str, now: datetime, code: str, locale_dir: str = "") -> Formatter:
    """One Formatter per zone, clock and language, for every page of a build (it remembers
    what it formatted)."""
    return _formatter(zone, now, normal_code(code), locale_dir, own_catalogs(code, locale_dir))


@lru_cache(maxsize=64)
def _formatter(zone: str, now: datetime, code: str, locale_dir: str, own: OwnCatalogs) -> Formatter:
    return Formatter(zone, now, _language(code, locale_dir, own))


class Formatter:
    """Times, durations and relative times as readers of one language see them, in the site's
    zone, from the build clock: CLDR's patterns through Babel."""

    def __init__(self, zone: str, now: datetime, lang: Language | None = None) -> None:
        self.zone = ZoneInfo(zone)
        self.now = now
        self.lang = lang or language(SOURCE_LANGUAGE)
        locale = self.lang.locale
        self._joined = str(locale.datetime_formats["medium"])
        self._list = _pair_pattern(locale)
        # A page shows the same few hundred times and durations over and over, and every
        # language's tree shows them again: each is formatted once (Babel's are slow).
        self._when: dict[datetime, str] = {}
        self._durations: dict[int, str] = {}
        self._short: dict[datetime, str] = {}
        self._days: dict[date, str] = {}
        self._months: dict[date, str] = {}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def when(self, moment: datetime) -> str:
        """Date and time with the zone's abbreviation: `22 Nov 2026, 10:00 UTC`."""
        return self._remembered(self._when, moment, "yMMMd")

    def short(self, moment: datetime) -> str:
        """Month, day and time, as Statuspage's feeds write them: `Nov 22, 10:00 UTC`."""
        return self._remembered(self._short, moment, "MMMd")

    def _remembered(self, seen: dict[datetime, str], moment: datetime, skeleton: str) -> str:
        shown = seen.get(moment)
        if shown is None:
            local = self.local(moment)
            day = format_skeleton(skeleton, local, locale=self.lang.locale)
            joined = self._joined.replace("{1}", day).replace("{0}", self._time(local))
            shown = seen[moment] = f"{joined} {local.tzname()}"
        return shown

    def day(self, value: date) -> str:
        """A calendar day (no zone): `22 Nov 2026`."""
        shown = self._days.get(value)
        if shown is None:
            pattern = self.lang.locale.datetime_skeletons.get("yMMMd")
            shown = format_date(value, pattern or "medium", locale=self.lang.locale)
            self._days[value] = shown
        return shown

    def clock(self, moment: datetime) -> str:
        local = self.local(moment)
        return f"{self._time(local)} {local.tzname()}"

    def month(self, moment: datetime) -> str:
        """A month's heading: `November 2026`."""
        local = self.local(moment)
        first = local.date().replace(day=1)
        shown = self._months.get(first)
        if shown is None:
            shown = self._months[first] = format_skeleton("yMMMM", local, locale=self.lang.locale)
        return shown

    def _time(self, local: datetime) -> str:
        return format_time(local, "short", tzinfo=local.tzinfo, locale=self.lang.locale)

    def duration(self, delta: timedelta) -> str:
        """Days and hours, or hours and minutes, in CLDR's short units: `2 h 5 min`."""
        minutes = max(0, int(delta.total_seconds() // 60))
        shown = self._durations.get(minutes)
        if shown is None:
            shown = self._durations[minutes] = self._format_duration(minutes)
        return shown

    def _format_duration(self, minutes: int) -> str:
        days, rest = divmod(minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        if days:
            parts = [("duration-day", days), ("duration-hour", hours)]
        elif hours:
            parts = [("duration-hour", hours), ("duration-minute", mins)]
        else:
            parts = [("duration-minute", mins)]
        shown = [
            format_unit(value, unit, length="short", locale=self.lang.locale)
            for index, (unit, value) in enumerate(parts)
            if value or index == 0
        ]
        if len(shown) == 1:
            return shown[0]
        return self._list.replace("{0}", shown[0]).replace("{1}", shown[1])

    def relative(self, moment: datetime) -> str:
        """`in 3 days`, `2 hours ago`: CLDR's relative times."""
        delta = moment - self.now
        return format_timedelta(
            delta, add_direction=True, threshold=1.5, format="long", locale=self.lang.locale
        )


def _pair_pattern(locale: Locale) -> str:
    """CLDR's pattern for two units (`2 h 5 min`); Babel's format_list misreads some
    locales' two-item pattern when only start/middle/end are given."""
    for style in ("unit-short", "unit", "standard"):
        try:
            patterns = locale.list_patterns[style]
            return str(patterns.get("2") or patterns["end"])
        except KeyError:  # not in this locale's data: the next, more general style
            continue
    return "{0} {1}"
