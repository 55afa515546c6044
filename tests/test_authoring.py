"""`statuspress new` through Click, and the authoring helpers it stands on.

The helpers at the top (`run`, `assert_publishable`, `read`) are shared by the other
test_authoring_*.py files.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import MINIMAL_CONFIG
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.cli import main
from statuspress.commands import authoring as a
from statuspress.model import ComponentState, Impact
from statuspress.model.source import split_front_matter
from statuspress.publishing.build import build_site

NOW = "2026-11-20T14:05:00Z"
NOW_DT = datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)
FOLDER = "incidents/2026-11-20-elevated-api-error-rates"
FIRST = f"{FOLDER}/20261120T1405Z-investigating.md"


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """One command in `root` (the working directory), with its config given explicitly."""
    command, *rest = args
    return CliRunner().invoke(main, [command, "-f", str(root / "mkdocs.yml"), *rest], env=env)


def read(root: Path, relative: str) -> tuple[dict[str, object], str]:
    """A written file's front matter (as YAML reads it) and body."""
    raw, problems = split_front_matter(relative, (root / relative).read_text(encoding="utf-8"))
    assert raw is not None and not problems, problems
    return raw.meta, raw.body


def assert_publishable(root: Path, now: str) -> None:
    """`statuspress check --strict` finds nothing, and the site builds."""
    result = run(root, "check", "--strict", "--now", now)
    assert (result.exit_code, result.output) == (0, "no problems found\n"), result.output
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    build = build_site(root / "mkdocs.yml", root / "site", moment, strict=True)
    assert build.incidents >= 1


def in_site(site_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal site, as the working directory (the `site` fixture of these tests)."""
    monkeypatch.chdir(site_root)
    return site_root


_site = pytest.fixture(in_site, name="site")


def open_incident(root: Path, *extra: str) -> Result:
    result = run(
        root,
        "new",
        "Elevated API error rates",
        "-c",
        "api=major_outage",
        "-c",
        "dashboard=degraded_performance",
        "--started",
        "10m",
        "--now",
        NOW,
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result


# --- new -------------------------------------------------------------------------------------


def test_new_writes_the_first_update_and_says_what_to_do_next(site: Path) -> None:
    result = open_incident(site)
    assert result.output == (
        f"Wrote {FIRST}\n"
        "Impact: critical, from the component states; change it with --impact.\n"
        "Next: read it over (preview with 'statuspress serve'), then publish it:\n"
        f"  git add {FOLDER} && git commit -m 'Elevated API error rates: investigating' "
        "&& git push\n"
    )
    assert (site / FIRST).read_text(encoding="utf-8") == (
        "---\n"
        "title: Elevated API error rates\n"
        "at: 2026-11-20T14:05:00Z\n"
        "status: investigating\n"
        "impact: critical\n"
        "components:\n"
        "  api: major_outage\n"
        "  dashboard: degraded_performance\n"
        "started: 2026-11-20T13:55:00Z\n"
        "next_update: 20m\n"
        "apology: We're sorry for the outage of API and the degraded performance of Dashboard. "
        "We know this disrupts your work.\n"
        "---\n"
        "<!-- Make it specific before you publish: who is affected (regions, share of requests "
        "or\ncustomers) and what fails for them. This comment is never published. -->\n"
        "We are investigating an outage of API and degraded performance of Dashboard, which "
        "began at 13:55 UTC.\n"
        "We do not know the cause yet, or how long it will take to fix.\n"
    )
    assert_publishable(site, NOW)


def test_new_with_every_option(site: Path) -> None:
    result = run(
        site,
        "new",
        "Sign-in: codes delayed #2",
        "-c",
        "email=partial_outage",
        "--impact",
        "major",
        "--status",
        "identified",
        "--started",
        "2026-11-20T13:58:00+01:00",
        "--eta",
        "2h",
        "--next-update",
        "2026-11-20T14:30:00Z",
        "--apology",
        "We're sorry: sign-in codes reach you up to 10 minutes late.",
        "--cause",
        "A queue of e-mail was paused by a configuration change.",
        "--workaround",
        "Use your authenticator app: it is not affected.",
        "--author",
        "Identity team",
        "--slug",
        "codes",
        "-m",
        "Sign-in codes sent by e-mail arrive up to 10 minutes late in every region.",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    path = "incidents/2026-11-20-codes/20261120T1405Z-identified.md"
    meta, body = read(site, path)
    assert meta == {
        "title": "Sign-in: codes delayed #2",
        "at": "2026-11-20T14:05:00Z",
        "status": "identified",
        "impact": "major",
        "components": {"email": "partial_outage"},
        "started": "2026-11-20T12:58:00Z",
        "eta": "2h",
        "next_update": "2026-11-20T14:30:00Z",
        "apology": "We're sorry: sign-in codes reach you up to 10 minutes late.",
        "cause": "A queue of e-mail was paused by a configuration change.",
        "workaround": "Use your authenticator app: it is not affected.",
        "author": "Identity team",
    }
    assert body == ("Sign-in codes sent by e-mail arrive up to 10 minutes late in every region.\n")
    assert "Impact:" not in result.output  # given, not guessed


def test_at_comes_from_source_date_epoch_without_now(site: Path) -> None:
    epoch = str(int(NOW_DT.timestamp()))
    result = run(
        site, "new", "API errors", "-c", "api=partial_outage", env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert result.exit_code == 0, result.output
    meta, _ = read(site, "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md")
    assert meta["at"] == "2026-11-20T14:05:00Z"


def test_at_option_sets_the_time_of_the_update(site: Path) -> None:
    result = run(
        site,
        "new",
        "API errors",
        "-c",
        "api=partial_outage",
        "--at",
        "2026-11-20T15:30:00+01:00",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    meta, _ = read(site, "incidents/2026-11-20-api-errors/20261120T1430Z-investigating.md")
    assert meta["at"] == "2026-11-20T14:30:00Z"


def test_the_default_next_update_follows_the_cadence(site: Path) -> None:
    run(site, "new", "Slow e-mail", "-c", "email=degraded_performance", "--now", NOW)
    meta, body = read(site, "incidents/2026-11-20-slow-e-mail/20261120T1405Z-investigating.md")
    assert (meta["impact"], meta["next_update"]) == ("minor", "30m")
    # The page, feeds, API and notifications show `next_update`: the text does not repeat it.
    assert "next update" not in body.lower()
    assert_publishable(site, NOW)


def test_the_communication_lint_checks_what_was_written(site: Path) -> None:
    result = run(
        site,
        "new",
        "API errors",
        "-c",
        "api=major_outage",
        "-m",
        "We apologize for any inconvenience.",
        "--now",
        NOW,
    )
    assert result.exit_code == 1
    assert "error[rote-apology]" in result.output
    assert result.output.endswith(
        "The file is written but has errors: fix them, then run 'statuspress check'.\n"
    )
    assert (site / "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md").is_file()


def test_warnings_are_shown_but_do_not_fail(site: Path) -> None:
    result = run(
        site,
        "new",
        "API errors",
        "-c",
        "api=major_outage",
        "--impact",
        "critical",
        "--next-update",
        "2h",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    assert "warning[cadence-gap]" in result.output
    assert (
        "Warnings only: it will publish, but 'statuspress check --strict' fails until they "
        "are fixed.\nNext: "
    ) in result.output


def test_a_draft_is_written_but_not_published(site: Path) -> None:
    run(site, "new", "API errors", "-c", "api=partial_outage", "--draft", "--now", NOW)
    meta, _ = read(site, "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md")
    assert meta["draft"] == "true"
    assert run(site, "check", "--strict", "--now", NOW).exit_code == 0


def test_an_existing_incident_is_never_overwritten(site: Path) -> None:
    open_incident(site)
    before = (site / FIRST).read_bytes()
    result = run(
        site,
        "new",
        "Elevated API error rates",
        "-c",
        "api=major_outage",
        "--now",
        "2026-11-20T18:00:00Z",
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {FOLDER} already exists; nothing was written\n"
        "  hint: add an update to it with 'statuspress update', or pass --slug to name the new "
        "incident differently\n"
    )
    assert (site / FIRST).read_bytes() == before
    assert len(list((site / FOLDER).iterdir())) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "api=down"], "'down' is not a component state; use one of: operational, "),
        (["-c", "api"], "'api' is not ID=STATE; write e.g. api=major_outage"),
        (["-c", "apii=major_outage"], "unknown component 'apii'; did you mean 'api'?"),
        (
            ["-c", "web=major_outage"],
            "unknown component 'web'; known components: api, dashboard, email",
        ),
        (["-c", "api=major_outage", "-c", "api=operational"], "'api' is given twice"),
        (
            [],
            "name at least one affected component with -c, e.g. -c api=major_outage (known: "
            "api, dashboard, email)",
        ),
        (["-c", "api=major_outage", "--impact", "huge"], "Invalid value for '--impact'"),
        (["-c", "api=major_outage", "--status", "fixed"], "Invalid value for '-s' / '--status'"),
        (["-c", "api=major_outage", "--status", "resolved"], "'resolved' is not one of"),
        (["-c", "api=major_outage", "--eta", "soon"], "'soon' is neither a duration"),
        (
            ["-c", "api=major_outage", "--eta", "2026-11-20T13:00:00Z"],
            "is not after the update's time",
        ),
        (["-c", "api=major_outage", "--next-update", "0m"], "'0m' is not a duration"),
        (["-c", "api=major_outage", "--next-update", "2026-11-20 15:00"], "has no UTC offset"),
        (["-c", "api=major_outage", "--started", "yesterday"], "'yesterday' is not a time"),
        (
            ["-c", "api=major_outage", "--started", "2026-11-20T15:00:00Z"],
            "impact cannot start after the first update",
        ),
        (["-c", "api=major_outage", "--at", "now"], "Invalid value for '--at'"),
        (["-c", "api=major_outage", "--slug", "API_errors"], "'API_errors' is not a slug"),
        (["-c", "api=major_outage", "--slug", "api-errors\n"], "'api-errors\\n' is not a slug"),
        (["-c", "api=major_outage", "--slug", "api-errors."], "'api-errors.' is not a slug"),
        (["-c", "api=major_outage", "--slug", "api-errors "], "'api-errors ' is not a slug"),
        (["-c", "api=major_outage", "--slug", "api\u202eerrors"], "'api\\u202eerrors' is not"),
        (["-c", "api=major_outage", "-m", "  "], "the message is empty"),
    ],
)
def test_bad_values_are_usage_errors(site: Path, args: list[str], message: str) -> None:
    result = run(site, "new", "API errors", *args, "--now", NOW)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not any((site / "incidents").iterdir())


def test_a_title_without_ascii_needs_a_slug(site: Path) -> None:
    result = run(site, "new", "障害", "-c", "api=major_outage", "--now", NOW)
    assert result.exit_code == 2
    assert "the title has no ASCII letters or digits" in result.output
    result = run(site, "new", "障害", "-c", "api=major_outage", "--slug", "outage", "--now", NOW)
    assert result.exit_code == 0, result.output
    meta, _ = read(site, "incidents/2026-11-20-outage/20261120T1405Z-investigating.md")
    assert meta["title"] == "障害"


def test_without_a_config_the_error_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "API errors", "-c", "api=major_outage"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: no configuration file mkdocs.yml\n"
        "  hint: run the command in your status site's folder, pass -f path/to/mkdocs.yml, or "
        "create a site with 'statuspress init'\n"
    )


def test_the_config_is_found_from_a_sub_folder(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "incidents" / "notes").mkdir()
    monkeypatch.chdir(site / "incidents" / "notes")
    result = CliRunner().invoke(main, ["new", "API errors", "-c", "api=major_outage", "--now", NOW])
    assert result.exit_code == 0, result.output
    assert (site / "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md").is_file()


def test_help_has_an_example_for_every_authoring_command() -> None:
    for name in (
        "init",
        "new",
        "update",
        "resolve",
        "maintenance",
        "postmortem",
        "status",
        "serve",
    ):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert re.search(rf"Example:\n +statuspress {name}\b", result.output), name


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Elevated API error rates", "elevated-api-error-rates"),
        ("Sign-in: codes delayed (EU) #2", "sign-in-codes-delayed-eu-2"),
        ("Zahlungen für Café-Kunden verzögert", "zahlungen-fur-cafe-kunden-verzogert"),
        ("  --  ", ""),
        (
            "A very long title that goes on and on about the many things that went wrong today",
            "a-very-long-title-that-goes-on-and-on-about-the",
        ),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert a.slugify(title) == slug
    assert len(slug) <= a.SLUG_LIMIT


def test_file_names_follow_the_spec() -> None:
    at = datetime(2026, 11, 20, 15, 5, 59, tzinfo=timezone(timedelta(hours=1)))
    assert a.update_file_name(at, "investigating") == "20261120T1405Z-investigating.md"
    assert (
        a.incident_id(datetime(2026, 11, 21, 0, 30, tzinfo=timezone(timedelta(hours=2))), "api")
        == "2026-11-20-api"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1))
def test_yaml_scalars_read_back_as_the_same_text(text: str) -> None:
    loaded = yaml.safe_load(f"key: {a.yaml_scalar(text)}\nnext: 1\n")
    assert loaded == {"key": text.strip(), "next": 1}


@pytest.mark.parametrize(
    "text",
    [
        "a\u2028b",
        "a\u2029b",
        "a\x85b",
        "a\ufeffb",
        "a\rb",
        'a \t\nb\\"',
        "yes",
        "2026-11-20",
        "- item",
        "#1: x",
    ],
)
def test_yaml_scalars_with_odd_characters(text: str) -> None:
    assert yaml.safe_load(f"key: {a.yaml_scalar(text)}\n") == {"key": text}


@pytest.mark.parametrize(
    ("impact", "status", "minutes"),
    [
        (Impact.CRITICAL, "investigating", 20),
        (Impact.CRITICAL, "monitoring", 30),
        (Impact.MAJOR, "identified", 30),
        (Impact.MAJOR, "monitoring", 60),
        (Impact.MINOR, "investigating", 30),
        (Impact.NONE, "monitoring", 60),
    ],
)
def test_default_next_update_keeps_the_cadence(impact: Impact, status: str, minutes: int) -> None:
    assert a.default_next_update(impact, status) == timedelta(minutes=minutes)


def test_impact_follows_the_worst_state() -> None:
    assert a.impact_for([ComponentState.MAJOR_OUTAGE]) is Impact.CRITICAL
    assert (
        a.impact_for([ComponentState.PARTIAL_OUTAGE, ComponentState.DEGRADED_PERFORMANCE])
        is Impact.MAJOR
    )
    assert a.impact_for([ComponentState.DEGRADED_PERFORMANCE]) is Impact.MINOR
    assert a.impact_for([ComponentState.OPERATIONAL]) is Impact.NONE


def test_phrases() -> None:
    api = a.ComponentFact("api", "API", "major_outage")
    web = a.ComponentFact("dashboard", "Dashboard", "degraded_performance")
    mail = a.ComponentFact("email", "E-mail", "under_maintenance")
    assert a.problems([api]) == "an outage of API"
    assert a.problems([api, web], definite=True) == (
        "the outage of API and the degraded performance of Dashboard"
    )
    assert a.expectations([mail, web, api]) == (
        "E-mail may be unavailable at times, Dashboard may respond more slowly than usual and "
        "API will be unavailable"
    )
    assert a.duration_words(timedelta(hours=2, minutes=48)) == "2 hours and 48 minutes"
    assert a.duration_words(timedelta(days=1, minutes=1)) == "1 day and 1 minute"
    assert a.duration_words(timedelta(seconds=20)) == "less than a minute"
    assert a.compact_duration(timedelta(days=1, hours=1, minutes=30)) == "1d1h30m"


def test_the_minimal_config_is_what_the_tests_assume() -> None:
    assert "id: email" in MINIMAL_CONFIG
