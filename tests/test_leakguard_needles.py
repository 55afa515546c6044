"""The leak guard's shortcuts change nothing it finds: a rule runs only on texts holding one
of its needles (fixed text every match needs), and tags are stripped without a Python call
for each; both must give exactly what the plain ways give."""

from __future__ import annotations

import dataclasses
import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.model import Settings
from statuspress.publishing import readable
from statuspress.publishing.leakguard import SECRET_NAMES, SECRETS, Rule, Scanner, build_scanner

GUARDED = Settings(
    forbidden_patterns=(r"\.corp\.acme\.example",), private_emails=("ops@acme.example",)
)
UPPER = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
TOKEN = ALNUM + "._~+/-"


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def _one(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


# Secrets of every kind, near misses among them (a prefix too short, the wrong case, a
# needle cut in two), so that both sides of each rule are tried.
PLANTED = st.one_of(
    _joined(_one("AKIA", "ASIA", "xAKIA", "AKI", "akia"), st.text(UPPER, min_size=14, max_size=18)),
    _joined(
        _one("-----", "----- ", "-----\n"),
        _one("BEGIN ", "BEGIN RSA ", "begin "),
        _one("PRIVATE KEY", "PRIVATE  KEY", "PRIVATE KEY BLOCK"),
        _one("-----", " -----", ""),
    ),
    _joined(
        _one("Bearer", "bearer", "BEARER", "BeArEr", "Bear er"),
        _one(" ", "\t", "\n  ", ""),
        st.text(TOKEN, min_size=15, max_size=30),
        _one("", "1", "=="),
    ),
    _joined(
        _one("ghp_", "gho_", "ghz_", "github_pat_", "gh_", "githubpat_"),
        st.text(ALNUM + "_", min_size=20, max_size=36),
    ),
    _joined(
        _one("xox"), _one("b", "p", "z", "B"), _one("-", ""), st.text(ALNUM + "-", max_size=14)
    ),
    _joined(
        st.sampled_from(SECRET_NAMES).flatmap(lambda name: _one(name, name.upper())),
        _one("", '"', "'", " ", "  "),
        _one("=", ":", ": ", "= "),
        _one("", '"', "“"),
        st.text(ALNUM + "!#$%", min_size=2, max_size=10),
    ),
    _joined(
        _one("https://", "ftp://", "https:/"),
        st.text(ALNUM, min_size=1, max_size=8),
        _one(":", ""),
        st.text(ALNUM, min_size=1, max_size=8),
        _one("@", ""),
        _one("db.example", "ops", "acme.example"),
    ),
    _one("ops@acme.example", "OPS@Acme.Example", "db9.corp.acme.example"),
)
FILLER = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
TEXTS = st.lists(st.one_of(FILLER, PLANTED), max_size=8).map(" ".join)


def without_needles(scanner: Scanner) -> Scanner:
    return Scanner(tuple(dataclasses.replace(rule, needles=()) for rule in scanner.rules))


@settings(max_examples=400, deadline=None)
@given(text=TEXTS)
def test_the_needles_change_nothing_the_guard_finds(text: str) -> None:
    for scanner in (Scanner(SECRETS), build_scanner(GUARDED)):
        assert list(scanner.matches(text)) == list(without_needles(scanner).matches(text))


def test_every_secret_rule_has_needles() -> None:
    """A rule with no needle would be searched for in every text."""
    assert all(rule.needles and all(rule.needles) for rule in SECRETS)
    assert all(isinstance(rule, Rule) for rule in SECRETS)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)?[^<>]*>")


def stripped_tag_by_tag(text: str) -> str:
    """Tags stripped the plain way: a regex substitution calling back for each tag."""

    def untagged(match: re.Match[str]) -> str:
        name = match.group(2)
        return "" if name is not None and name.lower() in readable._INLINE else " "

    return _TAG.sub(untagged, text)


MARKUP_PIECES = st.one_of(
    st.sampled_from(
        [
            *("<", ">", "/", "<b>", "</B>", "<SPAN class='x'>", "<p>", "</div >", "<br/>"),
            *("<>", '<a href="x">', "<<b>span>", "<3>", "<em", "<h1>", "<wbr>", "<x-y>", "&lt;"),
        ]
    ),
    st.text(alphabet="<>/ab1 =\"'", max_size=6),
    st.from_regex(r"</?[A-Za-z][A-Za-z0-9]{0,6}[^<>]{0,8}>", fullmatch=True),
    FILLER,
)


@settings(max_examples=400, deadline=None)
@given(text=st.lists(MARKUP_PIECES, max_size=20).map("".join))
def test_tags_are_stripped_as_tag_by_tag(text: str) -> None:
    assert readable.strip_tags(text) == stripped_tag_by_tag(text)
