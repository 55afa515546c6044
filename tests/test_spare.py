"""The spare site: the site the live one replaced, which the next build brings up to date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, calls_of, copy_example, tree_bytes
from statuspress.publishing import writer as page_writer
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.leakguard import TreeGuard, relative_files
from test_records import CLOSED, NO_POSTMORTEM, OPEN, build

PAGE = f"{CLOSED}/index.html"


@pytest.fixture(params=[10_000, 1], ids=["writer thread", "writer process"])
def writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_writer, "WRITER_PROCESS_MIN_PAGES", request.param)


def spare(root: Path) -> Path:
    return root / ".site-spare"


def twice(root: Path) -> Path:
    """Two builds: a live site, and the first one kept as the spare."""
    build(root)
    return build(root)


def cold(root: Path) -> dict[str, bytes]:
    return tree_bytes(build(root, "cold-site", clean=True))


def test_the_replaced_site_is_kept_as_the_spare_out_of_git(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    first = tree_bytes(build(root))
    assert not spare(root).exists()
    twice(root)
    assert tree_bytes(spare(root)) == {
        **first,
        ".gitignore": (
            b"# The site before the live one, kept by statuspress for its next build.\n*\n"
        ),
    }
    assert not list(root.glob(".site-build-*")) and not list(root.glob(".site-old-*"))


def test_a_rebuild_keeps_the_pages_the_spare_holds_and_matches_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: None
) -> None:
    root = copy_example(tmp_path)
    inode = (build(root) / PAGE).stat().st_ino
    build(root)
    placed = calls_of(monkeypatch, page_writer, "link_or_write", lambda stage, live, name, *_: name)
    site = build(root)
    assert (site / PAGE).stat().st_ino == inode  # one file all along, never written again
    if page_writer.WRITER_PROCESS_MIN_PAGES > 1:  # a writer process's calls are not seen here
        assert placed == []
    assert tree_bytes(site) == cold(root)


def test_whatever_else_the_spare_holds_is_not_published(tmp_path: Path, writer: None) -> None:
    root = copy_example(tmp_path)
    twice(root)
    (spare(root) / "stray.html").write_text("not from any build")
    (spare(root) / CLOSED / "notes.txt").write_text("left by hand")
    (spare(root) / "linked").symlink_to(root / "incidents", target_is_directory=True)
    page = spare(root) / NO_POSTMORTEM / "index.html"
    page.unlink()  # replaced by another file: not the page the last build published there
    page.write_text("edited by hand")
    assert tree_bytes(build(root)) == cold(root)


def test_an_incident_deleted_since_leaves_no_folder(tmp_path: Path, writer: None) -> None:
    root = copy_example(tmp_path)
    twice(root)
    shutil.rmtree(root / "incidents" / NO_POSTMORTEM)
    site = build(root)
    assert not (site / NO_POSTMORTEM).exists()
    assert tree_bytes(site) == cold(root)


def test_a_page_edited_in_place_in_the_live_site_is_published_afresh(
    tmp_path: Path, writer: None
) -> None:
    """The live site and the spare share unchanged pages: an edit in place shows in both."""
    root = copy_example(tmp_path)
    site = twice(root)
    expected = (site / PAGE).read_bytes()
    with open(site / PAGE, "r+b") as page:
        page.write(b"<!-- edited -->")
    site = build(root)
    assert (site / PAGE).read_bytes() == expected
    assert tree_bytes(site) == cold(root)


def test_a_failed_build_leaves_the_site_and_puts_the_spare_back(
    tmp_path: Path, writer: None
) -> None:
    root = copy_example(tmp_path)
    live = tree_bytes(twice(root))
    update = sorted((root / "incidents" / OPEN).glob("*.md"))[0]
    text = update.read_text()
    update.write_text(text + "\nThe key AKIAIOSFODNN7EXAMPLE is rotated.\n")
    with pytest.raises(BuildFailed):
        build(root)
    assert tree_bytes(root / "site") == live
    assert spare(root).is_dir() and not list(root.glob(".site-build-*"))
    update.write_text(text)
    assert tree_bytes(build(root)) == cold(root)


def test_a_spare_of_stale_pages_is_set_aside_for_a_new_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new setting changes every page: deleting them all would cost more than a new stage."""
    root = copy_example(tmp_path)
    twice(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: ", "site_name: New "))
    brought = calls_of(monkeypatch, page_writer, "bring_up_to_date")
    site = build(root)
    assert brought == []
    assert tree_bytes(site) == cold(root)
    assert tree_bytes(spare(root))  # the replaced site is the next spare


def test_the_files_the_leak_guard_is_given_are_those_of_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: None
) -> None:
    """The writer says what it left in the stage instead of the stage being listed again."""
    root = copy_example(tmp_path)
    twice(root)
    (spare(root) / "stray.html").write_text("not from any build")
    shutil.rmtree(root / "incidents" / NO_POSTMORTEM)
    scanned = calls_of(monkeypatch, TreeGuard, "finish", lambda guard, files: list(files))
    result = build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    assert scanned == [relative_files(root / "site")]
    assert result.files == len(scanned[0])


def test_a_spare_that_is_a_link_is_never_used(tmp_path: Path) -> None:
    """The build deletes files in its stage: a link named like the spare is left alone, and
    so is the folder it points to."""
    root = copy_example(tmp_path)
    twice(root)
    elsewhere = tmp_path / "elsewhere"
    spare(root).rename(elsewhere)
    spare(root).symlink_to(elsewhere, target_is_directory=True)
    before = tree_bytes(elsewhere)
    assert tree_bytes(build(root)) == cold(root)
    assert tree_bytes(elsewhere) == before and spare(root).is_symlink()
