"""Regular expressions shared by the rules: apologies, thanks, phrases, numbers, places."""

from __future__ import annotations

import re


def phrase(*alternatives: str) -> re.Pattern[str]:
    """Case-insensitive alternatives on word boundaries. A space in them matches any run of
    whitespace (so a phrase broken across lines still matches); " ?" matches optional space."""
    body = "|".join(a.replace(" ?", r"\s*").replace(" ", r"\s+") for a in alternatives)
    return re.compile(rf"(?<![\w@])(?:{body})(?![\w])", re.IGNORECASE)


APOLOGY_WORD = r"(?:apologi[sz]e[sd]?|apologi[sz]ing|apolog(?:y|ies)|sorry|regret(?:s|ted)?)"
APOLOGY = phrase(r"apologi[sz]e[sd]?", r"apologi[sz]ing", r"apolog(?:y|ies)", "sorry",
                 "regret(?:s|ted)? (?:that|the|any|this|what)")
THANKS = phrase(r"thanks?", r"thank(?:s|ed|ing)? you", "grateful", "appreciate(?:d)?",
                "gratitude")
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    "forty|fifty|sixty|hundred|thousand|half|a third|a quarter|dozen"
)
NUMBER = re.compile(rf"\d|%|\b(?:{NUMBER_WORDS}|percent|per cent)\b", re.IGNORECASE)
REGION = phrase(
    r"europe(?:an)?", r"americas?", r"north(?:ern)? americ(?:a|an)",
    r"south(?:ern)? americ(?:a|an)", r"latin americ(?:a|an)", "united states", "canada",
    "brazil", r"asian?", "asia-pacific",
    "japan", "india", "china", "singapore", "australia", "africa", "middle east",
    "united kingdom", "ireland", "germany", "france", "frankfurt", "london", "dublin", "paris",
    "amsterdam", "stockholm", "virginia", "ohio", "oregon", "california", "tokyo", "sydney",
    "mumbai", "seoul", r"s(?:a|\u00e3)o paulo", r"(?:us|eu|ap|sa|ca|me|af)-[a-z]+-\d",
)
REGION_CODE = re.compile(r"(?<![\w.])(?:US|U\.S\.|USA|EU|UK|APAC|EMEA|LATAM|ANZ)(?![\w])")
