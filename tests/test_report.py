"""`statuspress report` on the example content: every figure recomputed by hand for some
incidents, the three formats, the period, and the HTML page's self-containment."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO
from statuspress.cli import main
from statuspress.lint.metrics import median, percentile

Tree = Callable[[dict[str, str]], Path]
NOW = EXAMPLE_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
MIN = 60


def report(*args: str, config: Path = REPO / "mkdocs.yml") -> Result:
    return CliRunner().invoke(main, ["report", "-f", str(config), "--now", NOW, *args])


@pytest.fixture(scope="module")
def example() -> dict:
    result = report("--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def row(data: dict, incident_id: str) -> dict:
    return next(r for r in data["incidents"] if r["id"] == incident_id)


def test_the_critical_api_outage_by_hand(example: dict) -> None:
    """Impact 13:52, updates 14:01, 14:19, 14:37, 14:55, 15:22 (each within its promise),
    ETA 15:30 after 'unknown', postmortem published 19 Oct 10:00."""
    assert row(example, "2026-10-14-api-and-dashboard-outage") == {
        "id": "2026-10-14-api-and-dashboard-outage",
        "title": "API and dashboard unavailable",
        "kind": "incident",
        "impact": "critical",
        "updates": 5,
        "acknowledge_seconds": 9 * MIN,  # 14:01 - 13:52
        "promises_kept": 4,
        "promises": 4,  # 20m, 20m, 20m, 30m promises all kept
        "longest_silence_seconds": 27 * MIN,  # 14:55 -> 15:22
        "eta": "met",
        "eta_slips": 0,  # resolved 15:22, last ETA 15:30
        "resolve_seconds": 90 * MIN,  # 15:22 - 13:52
        "postmortem": True,
        "postmortem_seconds": (4 * 24 * 60 + 18 * 60 + 38) * MIN,  # 19 Oct 10:00 - 14 Oct 15:22
        "lint_findings": 0,
    }


def test_the_reopened_slow_dashboard_by_hand(example: dict) -> None:
    """Resolved at 11:30, reopened at 14:02: the gap between is not a silence; the ETA moved
    from 11:05 to 16:00 (one slip) and the final resolution at 15:41 met it."""
    data = row(example, "2026-10-29-slow-dashboard")
    assert data["acknowledge_seconds"] == 22 * MIN  # 09:12 - 08:50
    assert (data["promises_kept"], data["promises"]) == (5, 5)
    assert data["longest_silence_seconds"] == 53 * MIN  # 09:12 -> 10:05
    assert (data["eta"], data["eta_slips"]) == ("met", 1)
    assert data["resolve_seconds"] == (6 * 60 + 51) * MIN  # 15:41 - 08:50
    assert (data["postmortem"], data["postmortem_seconds"]) == (False, None)


def test_the_maintenance_that_broke_a_promise(example: dict) -> None:
    """The 02:00 update promised 02:30; `completed` came at 02:41: 1 of 2 kept, and the
    history lint counts it (check does not: the maintenance is over)."""
    data = row(example, "2026-11-05-database-upgrade")
    assert (data["promises_kept"], data["promises"], data["lint_findings"]) == (1, 2, 1)
    assert data["acknowledge_seconds"] is None
    assert example["lint"]["findings_by_rule"] == {"promise-broken": 1}


def test_the_summary_figures_by_hand(example: dict) -> None:
    acknowledged = sorted(example["time_to_acknowledge"]["values_seconds"].values())
    assert acknowledged == [m * MIN for m in (9, 12, 12, 22, 22, 27)]
    assert example["time_to_acknowledge"]["median_seconds"] == 17 * MIN  # (12 + 22) / 2
    assert example["time_to_acknowledge"]["p90_seconds"] == 27 * MIN  # rank ceil(5.4) = 6
    assert example["promises_kept"] == {"count": 18, "of": 19, "share": 18 / 19}
    assert example["etas_met"] == {"count": 4, "of": 4, "share": 1.0, "slips": 1}
    assert example["postmortem_coverage"] == {"count": 1, "of": 2, "share": 0.5}
    assert example["action_items"] == {"done": 2, "open": 2, "overdue": 0}
    assert example["lint"]["updates"] == 28
    assert example["lint"]["incidents_without_findings"]["count"] == 7
    assert row(example, "2026-11-22-webhook-delays")["eta"] == "pending"


def test_median_and_nearest_rank_percentile() -> None:
    assert median([]) is None and percentile([]) is None
    assert median([5, 1, 3]) == 3 and median([1, 2, 3, 10]) == 2.5
    values = list(range(1, 11))
    assert percentile(values) == 9 and percentile(values, 0.5) == 5
    assert percentile([7]) == 7 and percentile([1, 100]) == 100


def test_the_text_form(example: dict) -> None:
    result = report()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "Communication report, all time to 2026-11-22T10:00:00Z: 6 incidents, 2 maintenances"
    )
    assert "time to acknowledge  median 17 min, 90th percentile 27 min (n = 6)" in lines
    assert "promises kept        18 of 19 (95%)" in lines
    assert any(
        re.match(
            r"2026-10-14-api-and-dashboard-outage +critical +9 min +4/4 +27 min +"
            r"met +1 h 30 min +4 d 18 h +0$",
            line,
        )
        for line in lines
    )


@pytest.mark.parametrize(
    ("since", "first"),
    [
        ("2026-11-01", "2026-11-05-database-upgrade"),
        ("2026-11-17T16:00:00Z", "2026-11-17-card-payments-declined"),
        ("3d", "2026-11-20-backup-storage-migration"),
    ],
)
def test_the_period(since: str, first: str) -> None:
    data = json.loads(report("--since", since, "--format", "json").output)
    assert data["incidents"][0]["id"] == first
    assert data["period"]["until"] == NOW


def test_a_bad_since_is_a_usage_error() -> None:
    result = report("--since", "last week")
    assert result.exit_code == 2
    assert "'last week' is not a date (2026-10-01)" in result.output
    assert report("--since", "2026-10-01T00:00").exit_code == 2  # no offset


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_html_page_is_self_contained_with_three_charts(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    assert report("--format", "html", "-o", str(target)).exit_code == 0
    page = target.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert tags.count("svg") == 3
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not [
        a
        for _, attrs in parser.tags
        for k, a in attrs.items()
        if k in ("src", "href") and a and not a.startswith("#")
    ]
    assert "Time to acknowledge" in page and "Promises kept" in page and "ETAs met" in page
    assert "1 of 2 kept" in page  # the maintenance's broken promise, hatched
    assert page.count('<rect class="bar"') == 6 + 7 + 5


def test_html_escapes_content(write_tree: Tree) -> None:
    update = """\
    ---
    title: <script>alert(1)</script> & errors
    at: 2026-11-20T14:05:00Z
    status: resolved
    impact: minor
    started: 2026-11-20T14:00:00Z
    components:
      api: degraded_performance
    ---
    Fixed. Thank you.
    """
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG.replace("Test Status", "A <b> Status"),
            "incidents/2026-11-20-x/a.md": update,
        }
    )
    page = report("--format", "html", config=root / "mkdocs.yml").output
    assert "<script>" not in page and "<b>" not in page
    assert "A &lt;b&gt; Status" in page


def test_an_empty_history(write_tree: Tree) -> None:
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG})
    (root / "incidents").mkdir()
    for fmt in ("text", "json", "html"):
        assert report("--format", fmt, config=root / "mkdocs.yml").exit_code == 0


def test_a_broken_config_is_reported_not_raised(write_tree: Tree) -> None:
    root = write_tree({"mkdocs.yml": "site_name: x\n"})
    result = report(config=root / "mkdocs.yml")
    assert result.exit_code == 1
    assert "error[config]: the statuspress plugin is not configured" in result.output


def test_the_report_is_the_same_bytes_twice(tmp_path: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "incidents", tmp_path / "incidents")
    first = report("--format", "html", config=tmp_path / "mkdocs.yml").output
    assert first == report("--format", "html", config=tmp_path / "mkdocs.yml").output


def test_an_open_incident_whose_promise_passed_counts_as_a_broken_promise() -> None:
    later = (EXAMPLE_NOW + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = json.loads(
        CliRunner()
        .invoke(
            main, ["report", "-f", str(REPO / "mkdocs.yml"), "--now", later, "--format", "json"]
        )
        .output
    )
    webhooks = row(data, "2026-11-22-webhook-delays")
    assert (webhooks["promises_kept"], webhooks["promises"]) == (2, 3)  # 10:25 + 5 min passed
