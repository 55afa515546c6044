"""`N_`: marks a string for the catalogs where it is defined, to be translated where it is
shown (a table of labels is made once, read in every language)."""


def N_(text: str) -> str:
    return text
