"""Never a traceback, never a hang: control characters, times out of range, where the site may
be written, failed writes, inherited configuration and terminal output. `check` and `build`
end with exit 0, or exit 1 and a diagnostic, whatever the content holds."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINIMAL_CONFIG, copy_example, tree_bytes, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statuspress.cli import main, visible
from statuspress.clock import MAX_DAYS, OutOfRange, parse_duration, resolve_now
from statuspress.model.fields import POSTMORTEM_KEYS, UPDATE_KEYS

NOW = "2026-11-22T10:00:00Z"
PROGRAM = [sys.executable, "-c", "from statuspress.cli import run; run()"]
FOLDER = "incidents/2026-11-20-api-errors"
UPDATE = f"{FOLDER}/20261120T1405Z-investigating.md"
FIRST = {  # builds without a lint error, so that a build goes as far as rendering
    "title": "API errors",
    "at": "2026-11-20T14:05:00Z",
    "status": "investigating",
    "impact": "major",
    "components": "{api: major_outage}",
    "next_update": "30m",
    "apology": '"We\'re sorry: API requests fail, so your integrations cannot sync orders."',
}
BODY = "Since 13:50 UTC, 30% of API requests fail with errors.\n"
NASTY = [
    "\x1b",
    "\x1b[2J",
    "\x0b",
    "\x0c",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\U0001fffe",
    "\U0010ffff",
    "\ud800",
    "\udfff",
    "\u202e",
    "\r",
    "\t",
    "\n",
    '"',
    "'",
    "\\",
    ": ",
    "#",
    "---",
    "a",
    "é",
]
NASTY_TEXT = st.one_of(
    st.lists(st.sampled_from(NASTY), max_size=8).map("".join),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=20),
)
FIELDS = [("update", key) for key in UPDATE_KEYS] + [("postmortem", k) for k in POSTMORTEM_KEYS]
PROPERTIES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def invoke(root: Path, *args: str, color: bool = False) -> Result:
    """The command in-process; a traceback would leave `result.exception` set."""
    return CliRunner().invoke(
        main, [*args, "-f", str(root / "mkdocs.yml"), "--now", NOW], color=color
    )


def assert_clean_end(result: Result, diagnostic: bool = True) -> None:
    """Exit 0, or exit 1 with a diagnostic or an error line; never an uncaught exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.output,
    )
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1 and diagnostic:
        assert "error[" in result.output or "Error:" in result.output, result.output


def quoted(value: str) -> str:
    """`value` as a YAML double-quoted scalar, every character but letters and digits written
    as an escape."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else _escape(c) for c in value) + '"'


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def site(root: Path, front_matter: str, body: str = BODY) -> Path:
    write_files(root, {"mkdocs.yml": MINIMAL_CONFIG})
    target = root / UPDATE
    target.parent.mkdir(parents=True, exist_ok=True)
    text = f"---\n{front_matter}---\n{body}"
    target.write_bytes(text.encode("utf-8", "surrogatepass"))
    return root


def lines(values: dict[str, str]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in values.items())


# --- any text in any field, key or body ------------------------------------------------------


@PROPERTIES
@given(field=st.sampled_from(FIELDS), value=NASTY_TEXT, raw=st.booleans())
def test_any_text_in_any_field_ends_cleanly(field: tuple[str, str], value: str, raw: bool) -> None:
    """Written as an escape in a double-quoted value, or as it is (YAML may refuse it)."""
    kind, key = field
    written = value.replace("\n", " ") if raw else quoted(value)
    with tempfile.TemporaryDirectory() as folder:
        front = {**FIRST, **({key: written} if kind == "update" else {})}
        root = site(Path(folder), lines(front))
        if kind == "postmortem":
            postmortem = root / FOLDER / "postmortem.md"
            text = f"---\ntitle: Review\n{key}: {written}\n---\nWhat happened.\n"
            postmortem.write_bytes(text.encode("utf-8", "surrogatepass"))
        assert_clean_end(invoke(root, "check"))
        assert_clean_end(invoke(root, "build"))


@PROPERTIES
@given(key=NASTY_TEXT, body=NASTY_TEXT)
def test_any_key_and_any_raw_body_end_cleanly(key: str, body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = site(Path(folder), lines({**FIRST, quoted(key): "x"}), body)
        assert_clean_end(invoke(root, "check"))
        assert_clean_end(invoke(root, "build"))


CONTROLS = ["\x1b", "\x0b", "\x0c", "\x85", "\x9b", "\x7f", "\ufffe", "\U0010ffff", "\ufdd0"]


@pytest.mark.parametrize("char", CONTROLS)
def test_a_raw_control_character_in_the_body_is_an_error_at_its_line(
    tmp_path: Path, char: str
) -> None:
    root = site(tmp_path, lines(FIRST), f"First line.\nSecond {char}[31m line.\n")
    for command in ("check", "build"):
        result = invoke(root, command)
        assert result.exit_code == 1, result.output
        line = len(FIRST) + 4  # the body's second line
        assert f"{UPDATE}:{line}: error[control-character]: the file contains the " in (
            result.output
        )
        assert f"U+{ord(char):04X}" in result.output


@pytest.mark.parametrize("char", [*CONTROLS, "\ud800", "\udc00"])
@pytest.mark.parametrize("where", ["title", "cause", "key"])
def test_an_escaped_control_character_in_front_matter_is_an_error_at_its_line(
    tmp_path: Path, char: str, where: str
) -> None:
    entry = {quoted(f"x{char}"): "y"} if where == "key" else {where: quoted(f"x{char}y")}
    front = {**FIRST, **entry}
    root = site(tmp_path, lines(front))
    line = list(front).index(next(iter(entry))) + 2
    for command in ("check", "build"):
        result = invoke(root, command)
        assert result.exit_code == 1, result.output
        assert f"{UPDATE}:{line}: error[control-character]: the " in result.output
        assert f"U+{ord(char):04X} is not allowed" in result.output


@pytest.mark.parametrize(
    "change",
    [
        ("name: API", 'name: "A\\ePI"'),
        ("name: API", "name: A\x1bPI"),
        ("site_name: Test Status", 'site_name: "Test\\u0085Status"'),
        ("company: Test", 'company: "Te\\vst"'),
    ],
)
def test_a_control_character_in_mkdocs_yml_is_an_error_at_its_line(
    tmp_path: Path, change: tuple[str, str]
) -> None:
    root = site(tmp_path, lines(FIRST))
    config = root / "mkdocs.yml"
    text = config.read_text().replace(*change, 1)
    config.write_text(text)
    line = text.split(change[1])[0].count("\n") + 1
    for command in ("check", "build"):
        result = invoke(root, command)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{line}: error[" in result.output
        assert "control character U+00" in result.output


# --- times and durations out of range --------------------------------------------------------

OUT_OF_RANGE = {
    "next_update": "99999999999d",
    "eta": "9999999h",
    "at": "0001-01-01T00:00:00+01:00",
    "started": "1969-12-31T23:59:59Z",
}


@pytest.mark.parametrize("field", OUT_OF_RANGE)
def test_a_time_or_duration_out_of_range_is_an_error(tmp_path: Path, field: str) -> None:
    root = site(tmp_path, lines({**FIRST, field: OUT_OF_RANGE[field]}))
    for command in ("check", "build"):
        result = invoke(root, command)
        assert_clean_end(result)
        assert result.exit_code == 1
        assert "error[time-range]" in result.output or "error[bad-duration]" in result.output


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:50:00Z", "9999-12-31T23:59:59-05:00", "9900-01-01T00:00:00Z"]
)
def test_a_time_near_the_end_of_the_calendar_is_refused_not_overflowed(
    tmp_path: Path, at: str
) -> None:
    root = site(tmp_path, lines({**FIRST, "at": at, "next_update": "30m", "eta": "3660d"}))
    for command in ("check", "build"):
        result = invoke(root, command)
        assert result.exit_code == 1, result.output
        assert f"{UPDATE}:3: error[time-range]: 'at' ({at.replace('Z', '+00:00')})" in (
            result.output
        )


@pytest.mark.parametrize("eta", ["30m", f"{MAX_DAYS}d"])
def test_times_at_the_end_of_the_range_never_overflow(tmp_path: Path, eta: str) -> None:
    """Every derived time (promises, uptime windows, postmortem due dates) from the latest
    supported time and the largest durations and day counts: errors at most, no overflow."""
    folder = "incidents/9899-12-31-far-future"
    front = {**FIRST, "at": "9899-12-31T23:00:00Z", "eta": eta, "next_update": "30m"}
    config = MINIMAL_CONFIG + f"      uptime_days: {MAX_DAYS}\n      recent_days: {MAX_DAYS}\n"
    write_files(
        tmp_path, {"mkdocs.yml": config, f"{folder}/a.md": f"---\n{lines(front)}---\nText.\n"}
    )
    for command in ("check", "build", "status", "report"):
        result = CliRunner().invoke(
            main, [command, "-f", str(tmp_path / "mkdocs.yml"), "--now", "9899-12-31T23:59:59Z"]
        )
        assert_clean_end(result, diagnostic=command in ("check", "build"))
        if command in ("check", "build"):
            assert ("error[time-range]: 'eta'" in result.output) == (eta != "30m")


@pytest.mark.parametrize(
    "option",
    [
        "uptime_days: 100000000",
        "recent_days: 3661",
        "postmortem_due_days: 99999999999999999999",
        "lint_thresholds: {relax_factor: 100000000000}",
        "lint_thresholds: {grace: 99999999999d}",
        "components: [{id: api, name: API, start_date: 0001-01-01}]",
    ],
)
def test_an_option_out_of_range_is_an_error_at_its_line(tmp_path: Path, option: str) -> None:
    root = site(tmp_path, lines(FIRST))
    config = root / "mkdocs.yml"
    text = config.read_text()
    if option.startswith("components"):
        text = text.split("      components:")[0]
    config.write_text(text + f"      {option}\n")
    line = (text + "      ").count("\n") + 1
    for command in ("check", "build"):
        result = invoke(root, command)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{line}: error[config-option]" in result.output


@pytest.mark.parametrize("epoch", ["99999999999999", "9" * 5000, "253402300800"])
def test_source_date_epoch_out_of_range_is_a_one_line_error(tmp_path: Path, epoch: str) -> None:
    root = site(tmp_path, lines(FIRST))
    for command in ("check", "build", "status", "report"):
        result = CliRunner().invoke(
            main, [command, "-f", str(root / "mkdocs.yml")], env={"SOURCE_DATE_EPOCH": epoch}
        )
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        assert "SOURCE_DATE_EPOCH=" in result.output and "supported range" in result.output


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_now_out_of_range_is_a_usage_error(tmp_path: Path, now: str) -> None:
    root = site(tmp_path, lines(FIRST))
    for command in ("check", "build", "status"):
        result = CliRunner().invoke(main, [command, "-f", str(root / "mkdocs.yml"), "--now", now])
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--now'" in result.output
        assert "outside the supported range" in result.output


@given(st.from_regex(r"\A\d{0,30}d?\d{0,30}h?\d{0,30}m?\Z"))
def test_a_duration_is_parsed_or_refused_never_overflowed(text: str) -> None:
    try:
        delta = parse_duration(text)
    except OutOfRange as exc:
        assert "longer than" in str(exc)
        return
    assert delta is None or delta.days <= MAX_DAYS


def test_the_clock_refuses_what_python_cannot_hold() -> None:
    with pytest.raises(OutOfRange):
        resolve_now(environ={"SOURCE_DATE_EPOCH": "9" * 30})
    assert resolve_now(environ={"SOURCE_DATE_EPOCH": "0"}).year == 1970


# --- where the site is written ---------------------------------------------------------------


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "root")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.mark.parametrize(
    "site_dir",
    [
        ".",
        "incidents",
        "incidents/",
        "./incidents/../incidents",
        "incidents/2026-11-22-webhook-delays/site",
        "..",
        "/",
        ".statuspress-cache",
        ".statuspress-cache/site",
        ".git",
        ".git/site",
        "link-to-incidents",
    ],
)
def test_a_site_dir_overlapping_the_sources_is_refused(example: Path, site_dir: str) -> None:
    os.symlink("incidents", example / "link-to-incidents")
    (example / ".statuspress-cache").mkdir()
    before = tree_bytes(example / "incidents")
    result = CliRunner().invoke(
        main, ["build", "-f", str(example / "mkdocs.yml"), "-d", str(example / site_dir)]
    )
    assert result.exit_code == 1, result.output
    assert "error[site-dir]: the site folder " in result.output
    assert "hint: write the site to a folder of its own" in result.output
    assert tree_bytes(example / "incidents") == before
    assert (example / "mkdocs.yml").is_file()


def test_site_dir_from_mkdocs_yml_is_checked_too(example: Path) -> None:
    config = example / "mkdocs.yml"
    config.write_text(config.read_text() + "site_dir: .\n")
    result = CliRunner().invoke(main, ["build", "-f", str(config)])
    assert result.exit_code == 1 and "error[site-dir]" in result.output


def test_a_site_dir_beside_the_content_is_fine(example: Path) -> None:
    for site_dir in (example / "public", example / "out/site", example.parent / "elsewhere"):
        result = CliRunner().invoke(
            main, ["build", "-f", str(example / "mkdocs.yml"), "-d", str(site_dir), "--now", NOW]
        )
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT])
def test_a_failed_write_is_one_line_and_the_old_site_survives(
    example: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    assert invoke(example, "build").exit_code == 0
    before = tree_bytes(example / "site")
    update = example / "incidents/2026-11-22-webhook-delays/20261122T1025Z-monitoring.md"
    update.write_text(update.read_text() + "\nOne more line.\n")
    import statuspress.publishing.publish as publish

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(example / "site"))

    monkeypatch.setattr(publish, "swap_into_place", failing)
    monkeypatch.setattr("statuspress.publishing.build.swap_into_place", failing)
    result = invoke(example, "build")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    message = f"Build failed: cannot write {example / 'site'}: {os.strerror(code)}; "
    assert result.output == message + ("nothing was published; the previous site is unchanged.\n")
    assert tree_bytes(example / "site") == before
    assert list(example.glob(".site-build-*")) == []


def _mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


@pytest.mark.parametrize("options", ["size=1200k", "size=1m,ro"])
def test_a_real_full_or_read_only_disk_is_one_line(example: Path, options: str) -> None:
    disk = example.parent / "disk"
    if not _mount_tmpfs(disk, options):
        pytest.skip("mounting a small file system needs root")
    try:
        if "ro" not in options:  # fill it: the example site needs more than what is left
            (disk / "filler").write_bytes(b"\0" * (1200 * 1024 - 64 * 1024))
        done = subprocess.run(
            [*PROGRAM, "build", "-d", str(disk / "site"), "--now", NOW],
            cwd=example,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Build failed: cannot write")
    assert done.stderr.count("\n") == 1


def test_init_over_dangling_symlinks_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "new"
    target.mkdir()
    os.symlink(tmp_path / "nowhere", target / "mkdocs.yml")
    os.symlink(tmp_path / "nowhere-either", target / "incidents")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "already has" in result.output and "mkdocs.yml" in result.output
    assert "nothing was written" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["incidents", "mkdocs.yml"]
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_init_reports_a_failed_write_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    import statuspress.commands.init as init

    def failing(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(init, "write_planned", failing)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output.startswith("Error: cannot write ")
    assert f": {os.strerror(code)}; 0 of " in result.output


# --- inherited configuration -----------------------------------------------------------------

PARENTS = {
    "python-call": ('extra: !!python/object/apply:os.system ["touch PWNED"]\n', "base.yml:1:"),
    "loop": ("INHERIT: mkdocs.yml\n", "base.yml:1: error[config]: 'INHERIT' goes round"),
    "missing": ("INHERIT: nowhere.yml\n", "cannot read the inherited file 'nowhere.yml'"),
    "control": ('site_description: "\\e[2J"\n', "base.yml:1: error[config]: the control"),
    "grandparent": ("INHERIT: grand.yml\n", "grand.yml:2: error[config]: the YAML tag"),
}


@pytest.mark.parametrize("case", PARENTS)
def test_an_inherited_configuration_is_loaded_as_safely(example: Path, case: str) -> None:
    parent, expected = PARENTS[case]
    config = example / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    (example / "base.yml").write_text(parent)
    (example / "grand.yml").write_text("a: 1\nb: !!python/object/new:os.system [touch PWNED]\n")
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, "-f", str(config), "--now", NOW])
        assert result.exit_code == 1, result.output
        assert expected in result.output
    assert not (example / "PWNED").exists() and not Path("PWNED").exists()


def test_a_plain_inherited_configuration_still_builds(example: Path) -> None:
    config = example / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    (example / "base.yml").write_text("site_author: Acme\n")
    assert invoke(example, "build").exit_code == 0


# --- terminal output -------------------------------------------------------------------------


def test_visible_escapes_every_terminal_control() -> None:
    assert visible("a\x1b[31mb\x07\u202ec\x9b\n\td") == "a\\x1b[31mb\\x07\\u202ec\\x9b\n\td"
    assert visible("Café – ok") == "Café – ok"


def test_content_controls_reach_the_terminal_only_as_escapes(example: Path) -> None:
    (example / "incidents" / "2026-11-30-x\x1b]0;pwned\x07").mkdir()
    update = example / "incidents/2026-11-22-webhook-delays/20261122T0904Z-investigating.md"
    update.write_text(update.read_text().replace("Webhook deliveries", "Webhook \u202e deliveries"))
    for command in ("check", "status", "report"):
        result = invoke(example, command, color=True)  # as on a terminal: nothing stripped
        assert "\x1b" not in result.output and "\u202e" not in result.output, result.output
        assert "\x07" not in result.output
    assert "2026-11-30-x\\x1b]0;pwned\\x07" in invoke(example, "check", color=True).output
    assert "Webhook \\u202e deliveries" in invoke(example, "status", color=True).output


def test_a_full_disk_while_pages_are_written_is_one_line(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure injected where the build writes its pages into the staging folder."""
    assert invoke(example, "build").exit_code == 0
    before = tree_bytes(example / "site")
    update = example / "incidents/2026-11-22-webhook-delays/20261122T1025Z-monitoring.md"
    update.write_text(update.read_text() + "\nOne more line.\n")
    import builtins

    import statuspress.publishing.writer as writer

    real_open = builtins.open

    def open_or_fail(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode and ".site-build-" in str(file):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(writer, "open", open_or_fail, raising=False)
    result = invoke(example, "build")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output == (
        "Build failed: cannot write: No space left on device; nothing was published; "
        "the previous site is unchanged.\n"
    )
    assert tree_bytes(example / "site") == before


def test_the_content_the_properties_start_from_builds(tmp_path: Path) -> None:
    """The properties above change one value of content that builds: a failure is theirs."""
    root = site(tmp_path, lines(FIRST))
    assert invoke(root, "check").exit_code == 0
    result = invoke(root, "build")
    assert result.exit_code == 0 and "Built " in result.output
