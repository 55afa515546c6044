"""Property tests of the security promises, over inputs hypothesis makes up.

Beside tests/test_loader_fuzz.py (which throws key lines, bytes and text at the loader), these
build whole front matter mappings of any shape with a YAML writer, check what a diagnostic
must be, that nothing hidden reaches the model, that loading is deterministic, that no
Markdown can render into script, and that the leak guard finds a secret wherever it sits.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import html5lib
import yaml
from conftest import MINIMAL_CONFIG
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.model import Settings, load_site
from statuspress.model.fields import POSTMORTEM_KEYS, UPDATE_KEYS
from statuspress.outputs.markdown import render_markdown
from statuspress.publishing.leakguard import readable_text, scan_tree

FOLDER = "incidents/2026-11-20-props"
PROPERTIES = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    TEXT,
    st.sampled_from(
        [
            "2026-11-20T10:00:00Z",
            "2026-11-20",
            "30m",
            "unknown",
            "major",
            "investigating",
            "resolved",
            "api",
            "<!-- x -->",
            "*",
            "&",
            "!!str",
        ]
    ),
)
KEYS = st.one_of(
    st.sampled_from(
        [*UPDATE_KEYS, *POSTMORTEM_KEYS, "start", "end", "what", "owner", "due", "api", "email"]
    ),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)
MAPPINGS = st.dictionaries(KEYS, VALUES, max_size=10)
BODIES = st.text(max_size=300)


def front_matter(mapping: dict[Any, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(mapping, allow_unicode=True) + "---\n" + body


def load(root: Path, files: dict[str, str]) -> tuple[Any, list[Any]]:
    shutil.rmtree(root / "incidents", ignore_errors=True)
    (root / "mkdocs.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for name, text in files.items():
        target = root / FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config, problems = load_settings(root / "mkdocs.yml")
    assert config is not None, problems
    return load_site(root, config)


@PROPERTIES
@given(first=MAPPINGS, second=MAPPINGS, postmortem=MAPPINGS, body=BODIES)
def test_any_mapping_gives_a_model_or_diagnostics_that_point_at_a_line(
    tmp_path: Path,
    first: dict[Any, Any],
    second: dict[Any, Any],
    postmortem: dict[Any, Any],
    body: str,
) -> None:
    files = {
        "a.md": front_matter(first, body),
        "b.md": front_matter(second, body),
        "postmortem.md": front_matter(postmortem, body),
    }
    site, diagnostics = load(tmp_path, files)
    line_counts = {  # a lone CR ends a line too, as the loader reads it
        f"{FOLDER}/{name}": text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        for name, text in files.items()
    }
    for diagnostic in diagnostics:
        assert diagnostic.rule and diagnostic.message and diagnostic.hint
        assert diagnostic.path in line_counts or diagnostic.path == FOLDER
        assert 0 <= diagnostic.line <= line_counts.get(diagnostic.path, 0)
    if not any(d.is_error for d in diagnostics):
        assert [i.id for i in site.incidents] in ([], ["2026-11-20-props"])


VALID = {
    "title": "Slow API",
    "at": "2026-11-20T10:00:00Z",
    "status": "investigating",
    "impact": "minor",
    "components": {"api": "degraded_performance"},
}
CANARY = "CANARY-5E1F"


@PROPERTIES
@given(
    public=st.dictionaries(
        st.sampled_from(["title", "cause", "apology", "workaround", "author"]),
        TEXT.filter(str.strip),
        max_size=5,
    ),
    before=BODIES,
    after=BODIES,
)
def test_hidden_text_never_reaches_the_model(
    tmp_path: Path, public: dict[str, str], before: str, after: str
) -> None:
    assume("<!--" not in before and "-->" not in before + after)
    mapping = {**VALID, **public, "internal": f"{CANARY} internal"}
    body = f"{before}\n<!-- {CANARY} -->\n{after}"
    draft = front_matter(
        {"at": "2026-11-20T10:30:00Z", "status": "identified", "draft": True, "title": CANARY},
        CANARY,
    )
    site, _ = load(tmp_path, {"a.md": front_matter(mapping, body), "b.md": draft})
    assert CANARY not in repr(site)


@PROPERTIES
@given(mapping=MAPPINGS, body=BODIES)
def test_loading_is_deterministic(tmp_path: Path, mapping: dict[Any, Any], body: str) -> None:
    files = {"a.md": front_matter({**VALID, **mapping}, body)}
    first = load(tmp_path, files)
    second = load(tmp_path, files)
    assert repr(first) == repr(second)


HTML_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "/",
        "=",
        '"',
        "'",
        " ",
        "\n",
        "\n\n",
        "`",
        "(",
        ")",
        "[",
        "]",
        "!",
        "&",
        "#",
        ";",
        ":",
        "script",
        "SCRIPT",
        "img",
        "a",
        "svg",
        "iframe",
        "style",
        "src",
        "href",
        "onerror",
        "onload",
        "javascript",
        "JaVaScRiPt",
        "data",
        "vbscript",
        "alert(1)",
        "&#106;",
        "&#x6A;",
        "&colon;",
        "\t",
        "<!--",
        "-->",
        "x",
        "http://ok.example",
    ]
)
MARKUP = st.lists(HTML_PIECES, max_size=40).map("".join)


@PROPERTIES
@given(text=MARKUP, allow_raw_html=st.booleans())
def test_no_markdown_renders_into_script(text: str, allow_raw_html: bool) -> None:
    page = html5lib.parse(
        render_markdown(text, allow_raw_html), treebuilder="etree", namespaceHTMLElements=False
    )
    for element in page.iter():
        tag = str(element.tag).rpartition("}")[2]
        assert tag not in {"script", "iframe", "svg", "style", "object", "embed", "form"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            squeezed = "".join(value.split()).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), value


SECRET_VALUES = st.sampled_from(
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "xoxb-1234567890-abcdefghijkl",
        "-----BEGIN EC PRIVATE KEY-----",
        "password=hunter2",
        "ops@acme.example",
        "db9.corp.acme.example",
    ]
)
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
GUARDED = Settings(
    forbidden_patterns=(r"\.corp\.acme\.example",), private_emails=("ops@acme.example",)
)


@PROPERTIES
@given(
    before=WORDS,
    secret=SECRET_VALUES,
    after=WORDS,
    shape=st.sampled_from(["html", "json", "double-escaped"]),
)
def test_the_guard_finds_a_secret_wherever_it_sits(
    tmp_path: Path, before: str, secret: str, after: str, shape: str
) -> None:
    text = f"{before}\n{secret}\n{after}"
    written = {
        "html": ("index.html", f"<p>{html.escape(text)}</p>"),
        "json": ("data.json", "".join(c if c.isalnum() else f"\\u{ord(c):04x}" for c in text)),
        "double-escaped": ("feed.atom", html.escape(f"<p>{html.escape(text)}</p>")),
    }[shape]
    stage = tmp_path / ".site-build-x"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    (stage / written[0]).write_text(written[1], encoding="utf-8")
    (tmp_path / "incidents").mkdir(exist_ok=True)
    assert scan_tree(stage, tmp_path, GUARDED), readable_text(stage / written[0])


@PROPERTIES
@given(data=st.binary(max_size=2000))
def test_the_guard_reads_any_bytes(tmp_path: Path, data: bytes) -> None:
    stage = tmp_path / ".site-build-x"
    stage.mkdir(exist_ok=True)
    for name in ("a.html", "b.json", "c.ics", "d.svg", "e.gz", "f.png"):
        (stage / name).write_bytes(data)
    (tmp_path / "incidents").mkdir(exist_ok=True)
    scan_tree(stage, tmp_path, GUARDED)
