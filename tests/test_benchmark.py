"""The benchmark corpus is deterministic and clean; the runner works end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from statuspress.cli import main

NOW = "2026-11-22T10:00:00Z"


def corpus(out: Path, incidents: int, seed: int = 7) -> Path:
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
        ],
        cwd=REPO,
        check=True,
    )
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = tree(corpus(tmp_path / "a", 40))
    assert first == tree(corpus(tmp_path / "b", 40))
    assert first != tree(corpus(tmp_path / "c", 40, seed=8))


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


def test_corpus_passes_strict_check(tmp_path: Path) -> None:
    root = corpus(tmp_path / "site", 30)
    result = CliRunner().invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", NOW, "--strict"]
    )
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output.lower()


def test_yardstick_pages_carry_the_same_text(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from benchmarks import corpus, yardstick\n"
        "stories = corpus.generate(12, 3)\n"
        "yardstick.write_yardstick(Path(sys.argv[1]), stories)\n"
        "print('\\n'.join(p.body for s in stories for p in s.posts))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "docs").glob("*.md"))
    bodies = [line for line in out.splitlines() if line.strip()]
    assert bodies and all(body in pages for body in bodies)
    assert len(list((tmp_path / "docs").glob("*.md"))) == 13  # one per incident, and the index
    assert "name: mkdocs" in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")


def test_runner_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--sizes",
            "20",
            "--repeats",
            "1",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "| incidents |" in result.stdout
    assert "CPUs" in result.stdout
    data = json.loads((tmp_path / "results-20.json").read_text(encoding="utf-8"))
    row = data["results"][0]
    assert data["machine"]["cpus"] >= 1
    assert row["incidents"] == 20
    assert row["output_files"] > 20
    assert 0 < row["status_page_gzip_bytes"] < row["status_page_bytes"]
    assert row["cold_seconds"] > 0 and row["yardstick_seconds"] > 0
    assert row["cold_ratio"] == row["cold_seconds"] / row["yardstick_seconds"]
    assert row["peak_memory_mb"] > 10
    assert not (tmp_path / "work" / "20").exists()


def test_runner_rejects_bad_sizes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "ten", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "'ten' is not a list like 100,1000" in result.stderr


def test_cold_and_yardstick_builds_take_turns_and_set_outputs_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither tool always runs first, and no timed build follows a mass deletion."""
    from benchmarks import run

    config, yard_config = tmp_path / "root" / "mkdocs.yml", tmp_path / "yard" / "mkdocs.yml"
    site, yard_site, trash = tmp_path / "site", tmp_path / "yard-site", tmp_path / "trash"
    order: list[str] = []

    def fake_build(command: list[str], cwd: Path) -> run.Run:
        ours = "mkdocs" not in command
        output = site if ours else yard_site
        assert not output.exists()
        assert not (ours and (config.parent / run.CACHE_DIR).exists())
        order.append("cold" if ours else "yardstick")
        (output / "index.html").parent.mkdir(parents=True)
        (output / "index.html").write_text(str(len(order)))
        if ours:
            (config.parent / run.CACHE_DIR).mkdir(parents=True)
        return run.Run(seconds=1.0, max_rss_mb=1.0)

    monkeypatch.setattr(run, "timed", fake_build)
    options = run.Options(repeats=4, seed=1, strict=False, profile=None)
    cold, yard = run.cold_and_yardstick_builds(config, site, yard_config, yard_site, options, trash)
    assert order == ["cold", "yardstick", "yardstick", "cold"] * 2
    assert len(cold) == len(yard) == 4
    kept = sorted(p.read_text() for p in trash.rglob("index.html"))
    assert len(kept) == 6  # every output but the last two, moved aside, not deleted
