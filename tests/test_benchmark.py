"""The benchmark corpus is deterministic and clean; the runner works end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from statuspress.cli import main

NOW = "2026-11-22T10:00:00Z"


def corpus(out: Path, incidents: int, seed: int = 7, shape: str = "standard") -> Path:
    """Write a corpus with the command users run; returns its site root."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.corpus",
            str(out),
            "--incidents",
            str(incidents),
            "--seed",
            str(seed),
            "--shape",
            shape,
        ],
        cwd=REPO,
        check=True,
    )
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("shape", ["standard", "settled"])
def test_same_seed_gives_the_same_bytes(tmp_path: Path, shape: str) -> None:
    first = tree(corpus(tmp_path / "a", 40, shape=shape))
    assert first == tree(corpus(tmp_path / "b", 40, shape=shape))
    assert first != tree(corpus(tmp_path / "c", 40, seed=8, shape=shape))


def test_corpus_shape(tmp_path: Path) -> None:
    files = tree(corpus(tmp_path / "site", 60))
    folders = {path.split("/")[1] for path in files if path.startswith("incidents/")}
    updates = [p for p in files if p.endswith(".md") and not p.endswith("postmortem.md")]
    assert len(folders) == 60
    assert any(p.endswith("postmortem.md") for p in files)
    assert any(b"kind: maintenance" in files[p] for p in updates)
    assert len(updates) >= 3 * 55
    config = files["mkdocs.yml"].decode()
    assert config.count("- id: ") == 20
    assert config.count("group: ") == 20
    assert len({line for line in config.splitlines() if "group: " in line}) == 4


def stories_in(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Incident folder -> the texts of its update files, oldest first."""
    folders: dict[str, list[str]] = {}
    for path in sorted(files):
        parts = path.split("/")
        if parts[0] == "incidents" and parts[-1] != "postmortem.md":
            folders.setdefault(parts[1], []).append(files[path].decode())
    return folders


def test_settled_shape(tmp_path: Path) -> None:
    """10% maintenance, a postmortem for a third of the serious incidents, none open."""
    files = tree(corpus(tmp_path / "site", 400, shape="settled"))
    folders = stories_in(files)
    maintenance = [f for f, texts in folders.items() if "kind: maintenance" in texts[0]]
    serious = [
        f for f, texts in folders.items() if re.search(r"impact: (major|critical)", texts[0])
    ]
    with_postmortem = [f for f in serious if f"incidents/{f}/postmortem.md" in files]
    assert len(folders) == 400
    assert 0.06 < len(maintenance) / 400 < 0.14
    assert 0.2 < len(with_postmortem) / len(serious) < 0.45
    assert all(3 <= len(texts) <= 8 for texts in folders.values())
    assert all(re.search(r"status: (resolved|completed)", t[-1]) for t in folders.values())


def check(root: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", NOW, *options]
    )
    return result.exit_code, result.output


def test_standard_corpus_and_its_new_update_pass_strict_check(tmp_path: Path) -> None:
    from benchmarks import corpus as generator

    stories = generator.generate(30, 7)
    root = tmp_path / "site"
    generator.write_site(root, stories)
    added = generator.add_update(root, stories)
    assert added.is_file() and added.parent.name == stories[-2].id  # the open incident
    code, output = check(root, "--strict")
    assert code == 0, output
    assert "no problems found" in output.lower()


def test_settled_corpus_only_warns_of_missing_postmortems(tmp_path: Path) -> None:
    """Its rebuild's update opens a new incident, which is clean."""
    from benchmarks import corpus as generator

    stories = generator.generate(60, 7, generator.SETTLED)
    root = tmp_path / "site"
    generator.write_site(root, stories)
    added = generator.add_update(root, stories)
    assert added.is_dir() and added.name not in {s.id for s in stories}
    code, output = check(root)
    rules = set(re.findall(r"(error|warning)\[([a-z-]+)\]", output))
    assert code == 0, output
    assert rules == {("warning", "postmortem-missing"), ("warning", "followup-missing")}
    assert added.name not in output


@pytest.mark.parametrize("name", ["mkdocs", "lean"])
def test_yardstick_pages_carry_the_same_text(tmp_path: Path, name: str) -> None:
    script = (
        "import sys; from pathlib import Path; from benchmarks import corpus, yardstick\n"
        "stories = corpus.generate(12, 3)\n"
        "yardstick.write_yardstick(Path(sys.argv[1]), stories, sys.argv[2])\n"
        "print('\\n'.join(p.body for s in stories for p in s.posts))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), name],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "docs").glob("*.md"))
    bodies = [line for line in out.splitlines() if line.strip()]
    assert bodies and all(body in pages for body in bodies)
    assert len(list((tmp_path / "docs").glob("*.md"))) == 13  # one per incident, and the index
    theme = "name: mkdocs" if name == "mkdocs" else "name: null\n  custom_dir: theme"
    assert theme in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")


def test_lean_yardstick_pages_hold_title_and_content_only(tmp_path: Path) -> None:
    from benchmarks import corpus as generator
    from benchmarks import yardstick

    stories = generator.generate(5, 3)
    config = yardstick.write_yardstick(tmp_path / "lean", stories, "lean")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
        check=True,
    )
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == sorted(["index.html", *(f"{s.id}/index.html" for s in stories)])
    html = (site / stories[0].id / "index.html").read_text(encoding="utf-8")
    assert f"<title>{stories[0].title} - " in html
    assert "<h2" in html and "<nav" not in html and "<script" not in html
    assert "<link" not in html and not (site / "search").exists()


def benchmark(out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--repeats", "1", "--out", str(out), *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_runner_end_to_end(tmp_path: Path) -> None:
    """Both shapes, both yardsticks by default, in one table and one JSON file."""
    result = benchmark(tmp_path, "--sizes", "12")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| shape | incidents | updates | statuspress | cold s |")
    columns = ("mkdocs s", "lean s", "cold/mkdocs", "cold/lean", "rebuild/lean", "serve/lean")
    for column in columns:
        assert f"| {column} |" in lines[0]
    assert [line.split(" | ")[0] for line in lines[2:4]] == ["| standard", "| settled"]
    assert "CPUs" in result.stdout
    data = json.loads((tmp_path / "results-12.json").read_text(encoding="utf-8"))
    assert data["machine"]["cpus"] >= 1
    assert [row["shape"] for row in data["results"]] == ["standard", "settled"]
    for row in data["results"]:
        assert row["incidents"] == 12
        assert row["output_files"] > 12
        assert 0 < row["status_page_gzip_bytes"] < row["status_page_bytes"]
        assert row["cold_seconds"] > 0 and row["peak_memory_mb"] > 10
        assert set(row["yardsticks"]) == {"mkdocs", "lean"}
        for name, yardstick in row["yardsticks"].items():
            assert row["cold_ratios"][name] == row["cold_seconds"] / yardstick["seconds"]
            assert row["rebuild_ratios"][name] == row["rebuild_seconds"] / yardstick["seconds"]
            assert row["serve_ratios"][name] == row["serve_seconds"] / yardstick["seconds"]
        # one rebuild per repeat, each after one new update, in a process that built before
        assert len(row["serve_runs"]) == 1 and all(0 < s < 60 for s in row["serve_runs"])
    assert not (tmp_path / "work").exists()


def test_runner_compares_with_a_revision_in_the_same_run(tmp_path: Path) -> None:
    result = benchmark(
        tmp_path, "--sizes", "8", "--shapes", "settled", "--yardsticks", "lean", "--compare", "HEAD"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "results-8.json").read_text(encoding="utf-8"))
    labels = [row["checkout"] for row in data["results"]]
    assert len(labels) == 2 and labels == data["machine"]["checkouts"]
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    assert labels[0] != labels[1] and labels[1].startswith(head)
    assert all(set(row["yardsticks"]) == {"lean"} for row in data["results"])
    assert f"settled, 8 incidents: {labels[0]} / {labels[1]} = " in result.stdout


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (["--sizes", "ten"], 2, "'ten' is not a list like 100,1000"),
        (["--shapes", "standard,round"], 2, "'standard,round': choose from standard, settled"),
        (["--yardsticks", ""], 2, "'': choose from mkdocs, lean"),
        (["--strict"], 2, "--strict needs --shapes standard"),
        (["--sizes", "3", "--compare", "no-such-rev"], 1, "'no-such-rev' is not a commit"),
    ],
)
def test_runner_rejects_bad_options(
    tmp_path: Path, options: list[str], code: int, message: str
) -> None:
    result = benchmark(tmp_path, *options)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_builds_take_turns_and_set_outputs_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No build always runs first, no timed build follows a mass deletion, each checkout's
    builds get its environment, and the rebuilds find the cache their cold builds left."""
    from benchmarks import corpus as generator
    from benchmarks import run

    order: list[str] = []

    def fake_build(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> run.Run:
        ours = "mkdocs" not in command
        site, cache = Path(command[command.index("-d") + 1]), cwd / run.CACHE_DIR
        rebuild = ours and cache.exists()
        assert site.exists() == rebuild
        assert (env or {}).get("MARK") == ("b" if cwd.name == "root-1" else None)
        order.append(("rebuild " if rebuild else "") + cwd.name)
        site.mkdir(exist_ok=True)
        (site / "index.html").write_text(str(len(order)))
        if ours:
            cache.mkdir(exist_ok=True)
        return run.Run(seconds=2.0 if ours else 1.0, max_rss_mb=1.0)

    monkeypatch.setattr(run, "timed", fake_build)
    checkouts = (run.Checkout("a"), run.Checkout("b", {"MARK": "b"}))
    options = run.Options(4, 1, False, None, ("mkdocs", "lean"), checkouts)
    results = run.measure(generator.STANDARD, 6, options, tmp_path)
    one_way = ["root-0", "root-1", "yardstick-mkdocs", "yardstick-lean"]
    rebuilds = ["rebuild root-0", "rebuild root-1", "rebuild root-1", "rebuild root-0"]
    assert order == (one_way + one_way[::-1]) * 2 + rebuilds * 2
    assert [r.checkout for r in results] == ["a", "b"]
    assert all(r.cold_ratios == {"mkdocs": 2.0, "lean": 2.0} for r in results)
    assert all(len(r.cold_runs) == len(r.rebuild_runs) == 4 for r in results)
    kept = list((tmp_path / "set-aside").rglob("index.html"))
    assert len(kept) == 12  # every output but the last round's, moved aside, not deleted
    written = {p.name for p in (tmp_path / "root-0" / "incidents").rglob("*.md")}
    assert generator.new_update().file not in written  # each rebuild's update is taken away


def test_guards_are_timed_against_their_budgets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import stages

    assert stages.main(["--guards"]) == 0
    shown = capsys.readouterr().out
    assert "alias bomb refused: " in shown and "example site scanned" in shown
    assert shown.count(" ok\n") == len(stages.GUARDS)
    slow = stages.Guard("slow", 0.0, lambda folder: True)
    wrong = stages.Guard("wrong", 60.0, lambda folder: False)
    monkeypatch.setattr(stages, "GUARDS", (slow, wrong))
    assert stages.main(["--guards"]) == 1
    assert capsys.readouterr().out.split("\n")[:2] == [
        "slow: 0.000 s (budget 0 s) OVER",
        "wrong: 0.000 s (budget 60 s) FAILED",
    ]
