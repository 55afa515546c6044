"""Regular expressions shared by the rules: apologies, thanks, phrases, numbers, places."""

from __future__ import annotations

import re
from collections.abc import Iterator

Gate = tuple[frozenset[str], frozenset[str]]


class Phrase:
    """A compiled pattern with gates: a text must hold a word of a gate's `keys` (and, when it
    has any, one of its `also` words) for the pattern to run on it. A text's words are
    collected once (`words_of`), so the gates cost a set lookup each and the full patterns
    run only on the few texts that could match; that keeps the linter fast on years of
    history. A pattern of several alternatives can have a gate for each (`gates`): one that
    lets a text through is enough."""

    def __init__(
        self,
        pattern: re.Pattern[str],
        keys: tuple[str, ...] = (),
        also: tuple[str, ...] = (),
        gates: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (),
    ) -> None:
        self.pattern = pattern
        self.gates: tuple[Gate, ...] = tuple(
            (frozenset(gate_keys), frozenset(gate_also))
            for gate_keys, gate_also in (gates or ((keys, also),))
        )

    def may_match(self, words: frozenset[str]) -> bool:
        """`words`: the text's words, from `words_of`."""
        for keys, also in self.gates:
            if (not keys or not keys.isdisjoint(words)) and (
                not also or not also.isdisjoint(words)
            ):
                return True
        return False

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text)


_WORD = re.compile(r"[a-z]+|[:!]")


def words_of(text: str) -> frozenset[str]:
    """Lower-case runs of letters, and ':' and '!' when present: what gates look for."""
    return frozenset(_WORD.findall(text.lower()))


def phrase(
    *alternatives: str,
    keys: tuple[str, ...] = (),
    also: tuple[str, ...] = (),
    gates: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (),
) -> Phrase:
    """Case-insensitive alternatives on word boundaries. A space in them matches any run of
    whitespace (so a phrase broken across lines still matches); " ?" matches optional space.
    `keys`, `also`: words one of which (of each) every match contains (lower-case); or
    `gates`, several such (keys, also) pairs, one of which every match satisfies."""
    body = "|".join(a.replace(" ?", r"\s*").replace(" ", r"\s+") for a in alternatives)
    return Phrase(re.compile(rf"(?<![\w@])(?:{body})(?![\w])", re.IGNORECASE), keys, also, gates)


APOLOGY_WORD = r"(?:apologi[sz]e[sd]?|apologi[sz]ing|apolog(?:y|ies)|sorry|regret(?:s|ted)?)"
APOLOGY = phrase(
    r"apologi[sz]e[sd]?",
    r"apologi[sz]ing",
    r"apolog(?:y|ies)",
    "sorry",
    "regret(?:s|ted)? (?:that|the|any|this|what)",
)
THANKS = phrase(
    r"thanks?",
    r"thank(?:s|ed|ing)? you",
    "grateful",
    r"appreciat(?:e|ed|ive)",
    "gratitude",
)
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    "forty|fifty|sixty|hundred|thousand|half|a third|a quarter|dozen"
)
NUMBER = re.compile(rf"\d|%|\b(?:{NUMBER_WORDS}|percent|per cent)\b", re.IGNORECASE)
REGION = phrase(
    r"europe(?:an)?",
    r"americas?",
    r"north(?:ern)? americ(?:a|an)",
    r"south(?:ern)? americ(?:a|an)",
    r"latin americ(?:a|an)",
    "united states",
    "canada",
    "brazil",
    r"asian?",
    "asia-pacific",
    "japan",
    "india",
    "china",
    "singapore",
    "australia",
    "africa",
    "middle east",
    "united kingdom",
    "ireland",
    "germany",
    "france",
    "frankfurt",
    "london",
    "dublin",
    "paris",
    "amsterdam",
    "stockholm",
    "virginia",
    "ohio",
    "oregon",
    "california",
    "tokyo",
    "sydney",
    "mumbai",
    "seoul",
    r"s(?:a|\u00e3)o paulo",
    r"(?:us|eu|ap|sa|ca|me|af)-[a-z]+-\d",
)
REGION_CODE = re.compile(r"(?<![\w.])(?:US|U\.S\.|USA|EU|UK|APAC|EMEA|LATAM|ANZ)(?![\w])")
