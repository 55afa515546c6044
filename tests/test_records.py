"""Incident records: a rebuild redoes only what changed and gives a cold build's bytes."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, calls_of, copy_example, tree_bytes, without_example_clock
from statuspress.incremental import cachekey, records
from statuspress.incremental.codec import CodecError
from statuspress.publishing import publish
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.preparing import RECORDS_FOLDER

CLOSED = "2026-10-14-api-and-dashboard-outage"  # resolved, with a postmortem
NO_POSTMORTEM = "2026-11-17-card-payments-declined"  # resolved 17 Nov, major
OPEN = "2026-11-22-webhook-delays"


def build(root: Path, site: str = "site", now=EXAMPLE_NOW, clean: bool = False) -> Path:
    if clean:
        shutil.rmtree(root / ".statuspress-cache", ignore_errors=True)
    build_site(root / "mkdocs.yml", root / site, now)
    return root / site


def as_a_real_site(root: Path) -> Path:
    """`root` with the example's mkdocs.yml made a real site's (no `example:` clock)."""
    config = root / "mkdocs.yml"
    config.write_text(without_example_clock(config.read_text(encoding="utf-8")))
    return root


def spy(monkeypatch: pytest.MonkeyPatch) -> list[records.IncidentRecords]:
    """Every IncidentRecords a build uses, to read its counts afterwards."""
    made: list[records.IncidentRecords] = []
    original = records.IncidentRecords.load_folders

    def load_folders(self, *args):  # type: ignore[no-untyped-def]
        made.append(self)
        return original(self, *args)

    monkeypatch.setattr(records.IncidentRecords, "load_folders", load_folders)
    return made


def packs(root: Path) -> list[Path]:
    return sorted((root / ".statuspress-cache" / RECORDS_FOLDER).glob("*.pack"))


def test_a_rebuild_reuses_every_record_and_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    made = spy(monkeypatch)
    first = tree_bytes(build(root))
    second = tree_bytes(build(root))
    assert (made[0].reused, made[1].computed) == (0, 0)
    assert made[1].reused == made[0].computed == 8
    assert first == second


def test_an_edited_update_redoes_its_folder_alone_and_matches_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    build(root)
    made = spy(monkeypatch)
    update = sorted((root / "incidents" / CLOSED).glob("*resolved.md"))[0]
    text = update.read_text()
    update.write_text(text.replace("publish a postmortem", "publish a full postmortem"))
    warm = tree_bytes(build(root))
    assert (made[0].computed, made[0].reused) == (1, 7)
    assert b"publish a full postmortem" in warm[f"{CLOSED}/index.html"]
    assert warm == tree_bytes(build(root, "cold-site", clean=True))


@pytest.mark.parametrize("listed_apart", [False, True], ids=["listed here", "listed apart"])
def test_unchanged_folders_are_not_read_and_a_same_size_edit_with_the_old_time_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed_apart: bool
) -> None:
    """Sizes and times decide only whether to read a folder; the change time still moves.
    A long history's folders are listed by a forked process: the same holds."""
    monkeypatch.setattr(records, "_SETTLING_NS", 0)  # files written a moment ago count too
    if listed_apart:
        monkeypatch.setattr(records, "LISTING_PROCESS_MIN_FOLDERS", 1)
    forked = calls_of(monkeypatch, records, "Forked")
    root = copy_example(tmp_path)
    build(root)
    read = []
    original = records._content_digest

    def reading(folder: Path, listing: list) -> bytes | None:  # type: ignore[type-arg]
        read.append(folder.name)
        return original(folder, listing)

    monkeypatch.setattr(records, "_content_digest", reading)
    build(root)
    assert read == []
    update = sorted((root / "incidents" / CLOSED).glob("*resolved.md"))[0]
    before = update.stat()
    update.write_text(update.read_text().replace("postmortem by 21", "POSTMORTEM by 21"))
    os.utime(update, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert update.stat().st_size == before.st_size
    assert b"POSTMORTEM by 21" in (build(root) / CLOSED / "index.html").read_bytes()
    assert read == [CLOSED]
    assert len(forked) == (2 if listed_apart else 0)  # not the first: nothing to compare with


def test_folders_are_listed_here_when_the_process_listing_them_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "_SETTLING_NS", 0)
    monkeypatch.setattr(records, "LISTING_PROCESS_MIN_FOLDERS", 1)
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    builder, original = os.getpid(), records._signatures

    def failing_apart(*args):  # type: ignore[no-untyped-def]
        if os.getpid() != builder:
            os._exit(3)
        return original(*args)

    monkeypatch.setattr(records, "_signatures", failing_apart)
    listed_here = calls_of(monkeypatch, records, "_listing")
    made = spy(monkeypatch)
    assert tree_bytes(build(root)) == expected
    assert made[0].reused == 8 and len(listed_here) == 8  # once each, none read again


def test_a_new_template_or_setting_redoes_every_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    build(root)
    made = spy(monkeypatch)
    overrides = root / "overrides"
    overrides.mkdir()
    theme = Path(__import__("statuspress.theme", fromlist=["x"]).__file__).parent
    page = (theme / "incident.html").read_text().replace("<article>", "<article data-x=1>")
    (overrides / "incident.html").write_text(page)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
        )
    )
    site = build(root)
    assert made[-1].computed == 8
    assert b"data-x=1" in (site / CLOSED / "index.html").read_bytes()
    config.write_text(config.read_text().replace("site_name: ", "site_name: New "))
    site = build(root)
    assert made[-1].computed == 8
    assert b"<title>" in (site / CLOSED / "index.html").read_bytes()


def override_macros(root: Path, text: str) -> None:
    (root / "overrides" / "partials").mkdir(parents=True)
    (root / "overrides" / "partials" / "macros.html").write_text(text)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
        )
    )


def test_a_copy_of_the_macros_can_make_a_snippet_a_macro_again(tmp_path: Path) -> None:
    """`time`, `state`, `status_badge` and `update_article` are functions for speed; an
    override still rules, inside update articles too."""
    root = copy_example(tmp_path)
    theme = Path(__import__("statuspress.theme", fromlist=["x"]).__file__).parent
    override_macros(
        root,
        (theme / "partials" / "macros.html")
        .read_text()
        .replace(
            "{% set time = time_tag %}",
            "{% macro time(moment) -%}<time class=custom>{{ moment | iso }}</time>{%- endmacro %}",
        ),
    )
    page = (build(root) / CLOSED / "index.html").read_text()
    assert "<time class=custom>" in page and '<span class="state s-' in page
    articles = [a.split("</article>")[0] for a in page.split('<article class="update"')[1:]]
    assert articles and all(
        "<time class=custom>" in a and "<time datetime" not in a for a in articles
    )


def test_the_snippet_functions_give_the_bytes_of_the_macros_they_replace(tmp_path: Path) -> None:
    """The example has every kind of fact: unknown and known ETAs, workarounds, authors,
    next updates, and the status page's smaller headings."""
    expected = tree_bytes(build(copy_example(tmp_path / "functions")))
    root = copy_example(tmp_path / "macros")
    theme = Path(__import__("statuspress.theme", fromlist=["x"]).__file__).parent
    functions = "".join(
        f"{{% set {name} = {name}_tag %}}\n"
        for name in ("state", "time", "status_badge", "update_article")
    )
    macros = (theme / "partials" / "macros.html").read_text()
    assert functions in macros
    snippets = (Path(__file__).parent / "data" / "macros" / "snippets.html").read_text()
    override_macros(root, macros.replace(functions, snippets))
    made = tree_bytes(build(root))
    pages = [name for name in expected if name.endswith(".html")]
    assert len(pages) > 20
    assert {name: made[name] for name in pages} == {name: expected[name] for name in pages}


def test_resolved_pages_say_when_they_were_last_updated_and_open_ones_the_build_time(
    tmp_path: Path,
) -> None:
    site = build(copy_example(tmp_path))
    closed = (site / CLOSED / "index.html").read_text()
    opened = (site / OPEN / "index.html").read_text()
    assert "Last updated <time" in closed and "data as of" not in closed
    assert "Page generated from the data as of" in opened


def test_clock_findings_are_judged_afresh_on_reused_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A major incident without a postmortem: the warning appears once the due date passes,
    though the folder is not read again (on a real site: on an example site, whose pages
    show the clock, another clock computes every folder again)."""
    root = as_a_real_site(copy_example(tmp_path))
    assert not (root / "incidents" / NO_POSTMORTEM / "postmortem.md").exists()
    build(root)
    assert "postmortem-missing" not in caplog.text
    made = spy(monkeypatch)
    build(root, now=EXAMPLE_NOW + timedelta(days=30))
    assert made[0].computed == 0
    assert f"{NO_POSTMORTEM}/" in caplog.text and "warning[postmortem-missing]" in caplog.text


def test_content_errors_are_reported_again_from_the_record(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    update = sorted((root / "incidents" / CLOSED).glob("*.md"))[0]
    update.write_text(update.read_text().replace("status:", "status: nonsense\nx:", 1))
    reports = []
    for _ in range(2):
        with pytest.raises(BuildFailed) as failed:
            build(root)
        reports.append([d.render() for d in failed.value.diagnostics])
    assert reports[0] == reports[1] and reports[0]


def test_a_damaged_or_foreign_pack_is_ignored(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    damaged, foreign = packs(root)[:2]
    damaged.write_bytes(damaged.read_bytes()[:-40])
    # Sealed with this machine's key, yet naming a function: the codec refuses it.
    crafted = b'{"{":["x",{"os.system":["id"]}]}'
    foreign.write_bytes(cachekey.CacheKey.for_build().seal(records.MAGIC, foreign.name, crafted))
    assert tree_bytes(build(root)) == expected
    assert all(
        records.decode(cachekey.CacheKey.for_build(), p.read_bytes(), p.name) for p in packs(root)
    )


def page_files(root: Path) -> list[Path]:
    return sorted((root / ".statuspress-cache" / RECORDS_FOLDER).glob("*.pages"))


def test_a_rebuild_beside_the_live_site_reads_no_rendered_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    assert page_files(root)
    read = calls_of(monkeypatch, records._PageFiles, "_read")
    assert tree_bytes(build(root)) == expected
    assert read == []


@pytest.mark.parametrize("damage", ["none", "missing", "truncated", "another record's"])
def test_without_the_live_site_pages_come_from_the_pages_files_or_are_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """As in CI: the cache is restored, site/ is not. Whatever became of the pages files,
    the site is the one a cold build makes."""
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root, clean=True))
    stored = page_files(root)
    if damage == "missing":
        for path in stored:
            path.unlink()
    elif damage == "truncated":
        for path in stored:
            path.write_bytes(path.read_bytes()[:-30])
    elif damage == "another record's":
        data = stored[0].read_bytes()
        pages = records.pages_from(
            records.verified(
                cachekey.CacheKey.for_build(), data, records.PAGES_MAGIC, stored[0].name
            )
        )
        other = {folder: (b"\0" * 20, found) for folder, (_, found) in pages.items()}
        payload = records.pages_payload(other)
        stored[0].write_bytes(
            cachekey.CacheKey.for_build().seal(records.PAGES_MAGIC, stored[0].name, payload)
        )
    rendered_again = calls_of(monkeypatch, records.IncidentRecords, "_render_again")
    shutil.rmtree(root / "site")
    assert tree_bytes(build(root)) == expected
    assert (rendered_again == []) == (damage == "none")


def test_the_codec_builds_nothing_but_model_types() -> None:
    with pytest.raises(CodecError, match="not allowed"):
        records.encode(cachekey.CacheKey.for_build(), [os.system])
    # Sealed with this machine's key, as if it had leaked.
    data = cachekey.CacheKey.for_build().seal(records.MAGIC, "", b'{"(":[{"posix.system":["id"]}]}')
    with pytest.raises(records.RecordError, match="unknown tag"):
        records.decode(cachekey.CacheKey.for_build(), data)


def test_records_of_deleted_folders_are_dropped(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    build(root)
    months = {p.name for p in packs(root)}
    for folder in (root / "incidents").glob("2026-09-*"):
        shutil.rmtree(folder)
    build(root)
    assert {p.name for p in packs(root)} == months - {"2026-09.pack"}


def test_a_large_old_site_is_deleted_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "BACKGROUND_REMOVAL_MIN_FILES", 1)
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    assert tree_bytes(build(root)) == expected
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".site-old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(tmp_path.glob(".site-old-*")) and not list(tmp_path.glob(".site-build-*"))


def test_a_reused_page_is_linked_from_the_live_site_unless_it_was_touched(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    page = build(root) / CLOSED / "index.html"
    expected, inode = page.read_bytes(), page.stat().st_ino
    assert build(root).joinpath(CLOSED, "index.html").stat().st_ino == inode
    page.write_bytes(b"edited by hand")
    site = build(root)
    assert site.joinpath(CLOSED, "index.html").read_bytes() == expected
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


def test_a_folder_never_recorded_is_built_every_time(tmp_path: Path) -> None:
    """A symlink inside the folder (allowed when it stays inside) keeps it out of records."""
    root = copy_example(tmp_path)
    folder = root / "incidents" / CLOSED
    (folder / "timeline-link.png").symlink_to("timeline.png")
    for _ in range(2):
        site = build(root)
        assert (site / CLOSED / "index.html").is_file()
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


@pytest.mark.parametrize("processes", [1, 2])
def test_a_folder_whose_files_cannot_be_hashed_is_built_but_not_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    """A first build hashes each folder's files where it computes the folder, in either
    process; one it cannot hash (a file gone or unreadable meanwhile) is built all the same."""
    if processes == 2:
        monkeypatch.setattr(records, "PARALLEL_MIN_FOLDERS", 1)
    root = copy_example(tmp_path)
    original = records._content_digest
    monkeypatch.setattr(
        records,
        "_content_digest",
        lambda folder, listing: None if folder.name == CLOSED else original(folder, listing),
    )
    made = spy(monkeypatch)
    site = build(root)
    assert (made[0].computed, made[0].reused) == (7, 0) and CLOSED not in made[0].keys
    assert b"Postmortem" in (site / CLOSED / "index.html").read_bytes()
    monkeypatch.setattr(records, "_content_digest", original)
    build(root)
    assert (made[1].computed, made[1].reused) == (1, 7)
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


def test_a_forked_process_writes_the_reused_pages_of_a_long_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statuspress.publishing import writer

    monkeypatch.setattr(writer, "WRITER_PROCESS_MIN_PAGES", 1)
    root = copy_example(tmp_path)
    first = build(root)
    inode = (first / CLOSED / "index.html").stat().st_ino
    expected = tree_bytes(first)
    second = build(root)
    assert (second / CLOSED / "index.html").stat().st_ino == inode  # linked by the process
    assert tree_bytes(second) == expected


@pytest.mark.parametrize("writer_process_min_pages", [1, 10_000])
def test_a_leak_in_pages_scanned_while_reused_ones_are_written_still_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer_process_min_pages: int
) -> None:
    """The rendered pages are scanned while the reused ones are written (by a process or a
    thread): a leak there stops the build, leaving neither staging folder nor changed site."""
    from statuspress.publishing import writer

    monkeypatch.setattr(writer, "WRITER_PROCESS_MIN_PAGES", writer_process_min_pages)
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    update = sorted((root / "incidents" / OPEN).glob("*.md"))[0]
    update.write_text(update.read_text() + "\nThe key AKIAIOSFODNN7EXAMPLE is rotated.\n")
    with pytest.raises(BuildFailed) as failure:
        build(root)
    assert [d.rule for d in failure.value.diagnostics] == ["secret"]
    assert tree_bytes(root / "site") == expected
    assert not list(tmp_path.glob(".site-build-*"))


def test_feeds_are_formatted_again_only_when_an_incident_in_them_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statuspress.outputs import feeds

    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    formatted = calls_of(
        monkeypatch, feeds, "_render_feed", lambda site, spec, entries, kind: f"{spec.path}.{kind}"
    )
    assert tree_bytes(build(root)) == expected
    assert formatted == []
    update = sorted((root / "incidents" / CLOSED).glob("*resolved.md"))[0]
    update.write_text(update.read_text().replace("publish a postmortem", "publish a report"))
    site = build(root)
    assert "history.atom" in formatted and "components/email/history.atom" not in formatted
    assert b"publish a report" in (site / "history.atom").read_bytes()
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


def paged(root: Path) -> Path:
    """The example with two incidents per history page: four pages, the open incident on the
    first, CLOSED on the third."""
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company: Acme\n", "      company: Acme\n      history_page_size: 2\n"
        )
    )
    return root


def footer_time(page: bytes) -> str:
    footer = page.decode().rpartition('<footer class="foot">')[2]
    return footer.partition('<time datetime="')[2].partition('"')[0]


def test_lists_of_resolved_incidents_say_when_those_last_changed_and_not_the_build_time(
    tmp_path: Path,
) -> None:
    from statuspress.configuration.settings import load_settings
    from statuspress.model import load_site

    root = paged(as_a_real_site(copy_example(tmp_path)))  # an example's note shows the clock
    site = build(root)
    later = build(root, "later-site", now=EXAMPLE_NOW + timedelta(days=3))
    for page in (
        "history/page/3/index.html",
        "history/page/4/index.html",
        "postmortems/index.html",
    ):
        assert (site / page).read_bytes() == (later / page).read_bytes()
    assert (site / "history/index.html").read_bytes() != (later / "history/index.html").read_bytes()
    assert b"Page generated from the data as of" in (site / "history/index.html").read_bytes()
    settings, _ = load_settings(root / "mkdocs.yml")
    incidents = {i.id: i for i in load_site(root, settings)[0].incidents}
    closed = incidents[CLOSED]
    assert closed.postmortem is not None and closed.postmortem.published is not None
    on_page_3 = max(
        closed.latest.at,
        closed.postmortem.published,
        incidents["2026-10-29-slow-dashboard"].latest.at,
    )
    assert footer_time((site / "history/page/3/index.html").read_bytes()) == (
        on_page_3.isoformat().replace("+00:00", "Z")
    )


def test_a_rebuild_renders_again_only_the_lists_whose_incidents_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statuspress.outputs import render

    root = paged(copy_example(tmp_path))
    build(root)
    rendered = calls_of(monkeypatch, render, "_render_page", lambda env, page, *rest: page.path)
    build(root)
    assert [path for path in rendered if "history" in path or "postmortems" in path] == [
        "history/"
    ]  # the open incident's page, which shows the build time
    rendered.clear()
    update = sorted((root / "incidents" / CLOSED).glob("*resolved.md"))[0]
    update.write_text(update.read_text().replace("publish a postmortem", "publish a report"))
    site = build(root)
    assert sorted(path for path in rendered if "history" in path or "postmortems" in path) == [
        "history/",
        "history/page/3/",
        "postmortems/",
    ]
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


def test_a_damaged_output_file_is_made_again_and_unused_ones_are_deleted(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    folder = root / ".statuspress-cache" / "outputs"
    stored = sorted(folder.iterdir())
    assert len(stored) >= 10
    stored[0].write_bytes(stored[0].read_bytes()[:-20] + b"x" * 20)
    (folder / ("0" * 32)).write_bytes(b"from a build long ago")
    assert tree_bytes(build(root)) == expected
    assert sorted(folder.iterdir()) == stored


@pytest.mark.parametrize("template", ["incident.html", "history.html"])
def test_a_broken_template_is_reported_when_two_processes_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    from statuspress.outputs import render

    monkeypatch.setattr(records, "PARALLEL_MIN_FOLDERS", 1)
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    root = copy_example(tmp_path)
    (root / "overrides").mkdir()
    (root / "overrides" / template).write_text(
        "{% extends 'base.html' %}{% block content %}{{ incident.title }{% endblock %}"
    )
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
        )
    )
    with pytest.raises(BuildFailed) as failed:
        build(root)
    [problem] = failed.value.diagnostics
    assert problem.rule == "template" and problem.path.endswith(f"overrides/{template}")


def test_folders_computed_in_two_processes_give_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = spy(monkeypatch)
    one = tree_bytes(build(copy_example(tmp_path / "one")))
    monkeypatch.setattr(records, "PARALLEL_MIN_FOLDERS", 1)
    two = tree_bytes(build(copy_example(tmp_path / "two")))
    assert [m.computed for m in made] == [8, 8]
    assert one == two


def test_the_calendar_is_made_again_only_when_a_maintenance_in_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statuspress.outputs import calendar

    root = copy_example(tmp_path)
    expected = tree_bytes(build(root))
    made = calls_of(
        monkeypatch, calendar, "_calendar", lambda site, shown, title="": (title, len(shown))
    )
    assert tree_bytes(build(root)) == expected
    assert made == []
    scheduled = (
        root / "incidents" / "2026-11-20-backup-storage-migration" / "20261120T0900Z-scheduled.md"
    )
    scheduled.write_text(scheduled.read_text().replace("new hardware", "newer hardware"))
    site = build(root)
    # The site's calendar and that of the one component the maintenance names, no other.
    assert sorted(made) == [("", 2), (" – Backups", 1)]
    assert b"newer hardware" in (site / "maintenance.ics").read_bytes().replace(b"\r\n ", b"")
    assert tree_bytes(site) == tree_bytes(build(root, "cold-site", clean=True))


def test_an_edited_template_serves_the_next_build(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    overrides = root / "overrides"
    overrides.mkdir()
    theme = Path(__import__("statuspress.theme", fromlist=["x"]).__file__).parent
    shutil.copy(theme / "history.html", overrides / "history.html")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
        )
    )
    expected = tree_bytes(build(root))
    assert tree_bytes(build(root)) == expected
    page = overrides / "history.html"
    page.write_text(page.read_text().replace("<h1", "<h1 data-edited=1", 1))
    site = build(root)
    assert b"data-edited=1" in (site / "history" / "index.html").read_bytes()


def test_a_process_that_builds_again_decodes_only_the_packs_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `serve` does: the packs its last build decoded are used again while their
    verified bytes are unchanged, and every build gives a fresh process's bytes."""
    root = as_a_real_site(copy_example(tmp_path))
    decoded = records.DecodedPacks()
    decoding = calls_of(monkeypatch, records, "entries_from", lambda payload: payload)

    def serve_build() -> dict[str, bytes]:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW, decoded=decoded)
        return tree_bytes(root / "site")

    serve_build()  # the first: no pack yet, every folder computed
    assert decoding == []
    serve_build()  # every pack decoded once, and kept
    assert len(decoding) == len(packs(root)) > 1
    decoding.clear()
    serve_build()
    assert decoding == []  # nothing changed: nothing decoded
    update = root / "incidents" / OPEN / "20261122T1025Z-monitoring.md"
    update.write_text(update.read_text(encoding="utf-8").replace("watching", "still watching"))
    changed = serve_build()
    assert decoding == []  # the changed folder is computed; its month's pack is written anew
    served = serve_build()
    assert len(decoding) == 1  # only the pack written anew is decoded again
    assert served == changed == tree_bytes(build(root, "fresh", clean=True))
