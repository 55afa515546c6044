"""Where the running statuspress came from (PEP 610), as the requirement CI installs."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.requirements import Requirement
from statuspress.commands.provenance import provenance_of, running_provenance

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def direct_url(**record: object) -> str:
    return json.dumps(record)


def test_from_the_index_it_is_the_exact_release() -> None:
    found = provenance_of("1.2.0", None)
    assert found.requirement == "statuspress==1.2.0"
    assert found.origin == "statuspress 1.2.0 from the package index"


def test_from_git_it_is_the_url_at_the_commit_pip_resolved() -> None:
    record = direct_url(
        url="https://github.com/acme/statuspress.git",
        vcs_info={"vcs": "git", "requested_revision": "v1.2.0", "commit_id": COMMIT},
    )
    found = provenance_of("1.2.0", record)
    assert (
        found.requirement == f"statuspress @ git+https://github.com/acme/statuspress.git@{COMMIT}"
    )
    assert (Requirement(str(found.requirement)).url or "").endswith(COMMIT)


def test_a_subdirectory_is_kept() -> None:
    record = direct_url(
        url="https://example.org/mono.git",
        vcs_info={"vcs": "git", "commit_id": COMMIT},
        subdirectory="python/statuspress",
    )
    requirement = provenance_of("1.0.0", record).requirement
    assert requirement == (
        f"statuspress @ git+https://example.org/mono.git@{COMMIT}#subdirectory=python/statuspress"
    )


def test_an_archive_url_keeps_its_hash() -> None:
    record = direct_url(
        url="https://files.example.org/statuspress-1.0.0-py3-none-any.whl",
        archive_info={"hashes": {"sha256": "ab" * 32}},
    )
    requirement = provenance_of("1.0.0", record).requirement
    assert requirement == (
        "statuspress @ https://files.example.org/statuspress-1.0.0-py3-none-any.whl"
        f"#sha256={'ab' * 32}"
    )


@pytest.mark.parametrize(
    ("record", "origin"),
    [
        (
            {"url": "file:///home/me/statuspress", "dir_info": {"editable": True}},
            "statuspress 1.0.0 from an editable checkout",
        ),
        (
            {"url": "file:///home/me/statuspress", "dir_info": {}},
            "statuspress 1.0.0 from a local path",
        ),
        (
            {"url": "file:///tmp/statuspress-1.0.0-py3-none-any.whl", "archive_info": {}},
            "statuspress 1.0.0 from a local path",
        ),
        (
            {"url": "file:///src/statuspress", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            "statuspress 1.0.0 from a git repository CI cannot reach",
        ),
        (
            {
                "url": "ssh://git@github.com/acme/statuspress.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            },
            "statuspress 1.0.0 from a git repository CI cannot reach",
        ),
        (
            {
                "url": "http://git.example.org/statuspress.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            },
            "statuspress 1.0.0 from a git repository CI cannot reach",
        ),
    ],
)
def test_what_ci_cannot_install_has_no_requirement(record: dict[str, object], origin: str) -> None:
    found = provenance_of("1.0.0", json.dumps(record))
    assert (found.requirement, found.origin, found.local_path) == (None, origin, record["url"])


@given(st.text(max_size=200))
def test_any_direct_url_text_gives_an_answer_never_an_exception(text: str) -> None:
    found = provenance_of("1.0.0", text)
    assert found.requirement is None or Requirement(found.requirement).name == "statuspress"


def test_this_checkout_is_an_editable_install_ci_cannot_use() -> None:
    found = running_provenance()
    assert found.requirement is None
    assert "editable checkout" in found.origin
