"""The site's language: gettext catalogs for every string statuspress writes, and CLDR
(through Babel) for dates, times, durations, relative times and numbers.

`catalogs/` holds one `.po` file per language (compiled in memory when first used, so the
`.po` file is the one source), its glossary of fixed terms, and `statuspress.pot`, the
template `pybabel extract -F babel.cfg` writes.
"""
