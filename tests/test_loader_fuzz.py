"""Whatever is in the content folder, the loader answers with diagnostics, never an exception."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MINIMAL_CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.diagnostics import format_text, sort_diagnostics
from statuspress.model import load_site
from statuspress.model.fields import POSTMORTEM_KEYS, UPDATE_KEYS

FOLDER = "incidents/2026-11-20-fuzz"
SCALARS = st.one_of(
    st.sampled_from(
        [
            "2026-11-20T14:05:00Z",
            "2026-11-20 14:05",
            "30m",
            "0m",
            "1d2h",
            "unknown",
            "investigating",
            "resolved",
            "scheduled",
            "major",
            "api",
            "true",
            "~",
            "",
            "&a x",
            "*a",
            "!!python/object:os.system x",
            "[a, b]",
            "{start: x}",
            "'quoted'",
            "|\n  block",
            "- item",
            "2026-13-45",
            "-5m",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)
LINE = st.tuples(
    st.sampled_from(
        [
            *UPDATE_KEYS,
            *POSTMORTEM_KEYS,
            "nxt_update",
            "start",
            "end",
            "  api",
            "  start",
            "  - what",
            "    due",
        ]
    ),
    SCALARS,
)
FRONT_MATTER = st.lists(LINE, max_size=12).map(
    lambda lines: "---\n" + "\n".join(f"{key}: {value}" for key, value in lines) + "\n---\nText\n"
)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _load(root: Path, files: dict[str, bytes]) -> str:
    shutil.rmtree(root / "incidents", ignore_errors=True)
    (root / "mkdocs.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for name, data in files.items():
        target = root / FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    config, problems = load_settings(root / "mkdocs.yml")
    assert config is not None, problems
    _, diagnostics = load_site(root, config)
    return format_text(sort_diagnostics(diagnostics))


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_in_an_update_file_give_diagnostics(tmp_path: Path, data: bytes) -> None:
    _load(tmp_path, {"20261120T1405Z-investigating.md": data})


@FUZZ
@given(first=FRONT_MATTER, second=FRONT_MATTER, postmortem=FRONT_MATTER)
def test_any_front_matter_gives_diagnostics(
    tmp_path: Path, first: str, second: str, postmortem: str
) -> None:
    _load(
        tmp_path,
        {"a.md": first.encode(), "b.md": second.encode(), "postmortem.md": postmortem.encode()},
    )


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_gives_diagnostics(tmp_path: Path, text: str) -> None:
    _load(tmp_path, {"a.md": ("---\n" + text).encode("utf-8", "surrogatepass")})
