"""`N_`: marks a string for the catalogs where it is defined, to be translated where it is
shown (a table of labels is made once, read in every language)."""


def N_(text: str) -> str:  # noqa: N802 (gettext's conventional name, which extraction looks for)
    return text
