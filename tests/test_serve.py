"""`statuspress serve`: a real server in a subprocess, polled over HTTP on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG
from statuspress.cli import main

Tree = Callable[[dict[str, str]], Path]
SERVE = [sys.executable, "-c", "from statuspress.cli import main; main()", "serve"]
NOW = "2026-11-20T15:00:00Z"
UPDATE = """\
---
title: {title}
at: 2026-11-20T14:05:00Z
status: investigating
impact: minor
components:
  api: degraded_performance
next_update: 30m
---
API requests take up to 5 seconds.
"""
FILE = "incidents/2026-11-20-{slug}/20261120T1405Z-investigating.md"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(url: str, text: str, process: subprocess.Popen[str], seconds: float = 30) -> str:
    """Poll until the page at `url` contains `text` (bounded in time and requests)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            code, body = fetch(url)
        except OSError:  # not listening yet
            code, body = 0, ""
        if code == 200 and text in body:
            return body
        time.sleep(0.25)
    pytest.fail(f"{url} did not show {text!r} within {seconds} s")


@pytest.fixture
def served(write_tree: Tree, tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    """The server on a free port; its log goes to tmp_path/serve.log."""
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            FILE.format(slug="slow-api"): UPDATE.format(title="Slow API"),
        }
    )
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*SERVE, "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}", "--now", NOW],
            env=env,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        yield root, f"http://127.0.0.1:{port}/", process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def wait_for_log(log: Path, text: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(encoding="utf-8"):
            return
        time.sleep(0.25)
    pytest.fail(f"the log did not say {text!r} within {seconds} s")


def stop(process: subprocess.Popen[str], log: Path) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)
    return process.returncode, log.read_text(encoding="utf-8")


def test_serves_the_status_page_and_reloads_on_a_change(
    served: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    root, url, process = served
    page = wait_for(url, "Slow API", process)
    assert "Test Status" in page
    assert "livereload" in page  # the browser is told to reload on a rebuild
    assert fetch(url + "api/v2/status.json")[0] == 200
    assert fetch(url + "no-such-page/")[0] == 404
    (root / FILE.format(slug="e-mail-delays")).parent.mkdir()
    (root / FILE.format(slug="e-mail-delays")).write_text(
        UPDATE.format(title="E-mail delays").replace("api:", "email:"), encoding="utf-8"
    )
    wait_for(url, "E-mail delays", process)
    code, stderr = stop(process, tmp_path / "serve.log")
    assert code == 0, stderr
    assert "Serving on " + url in stderr
    # each preview is built as `statuspress build` builds: staged, guarded, summed up
    assert stderr.count("Built ") >= 2 and " incidents, " in stderr
    assert "Stopped." in stderr
    assert not list((tmp_path / "tmp").iterdir())  # the preview's build folder is removed


def test_a_broken_change_keeps_the_last_good_build(
    served: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    root, url, process = served
    log = tmp_path / "serve.log"
    wait_for(url, "Slow API", process)
    broken = root / FILE.format(slug="slow-api")
    broken.write_text(
        UPDATE.format(title="Renamed").replace("investigating\n", "investigatin\n", 1),
        encoding="utf-8",
    )
    wait_for_log(log, "The preview keeps the last good build")
    assert "Slow API" in fetch(url)[1]
    broken.write_text(UPDATE.format(title="Renamed"), encoding="utf-8")
    wait_for(url, "Renamed", process)
    code, stderr = stop(process, log)
    assert code == 0
    assert "error[unknown-status]: 'investigatin' is not an incident status" in stderr
    assert "The preview keeps the last good build until the problems above are fixed." in stderr
    assert "Traceback" not in stderr


def test_broken_content_at_the_start_stops_with_the_findings(write_tree: Tree) -> None:
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            FILE.format(slug="x"): UPDATE.format(title="X").replace(
                "impact: minor", "impact: huge"
            ),
        }
    )
    result = subprocess.run(
        [*SERVE, "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{free_port()}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "error[unknown-impact]" in result.stderr
    assert result.stderr.endswith(
        "Error: the site cannot be built\n"
        "  hint: fix what is reported above, then run 'statuspress serve' again; "
        "'statuspress check' lists every problem\n"
    )
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_reported(write_tree: Tree) -> None:
    root = write_tree(
        {"mkdocs.yml": MINIMAL_CONFIG, FILE.format(slug="x"): UPDATE.format(title="X")}
    )
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*SERVE, "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"Error: cannot serve on 127.0.0.1:{port}: " in result.stderr
    assert "hint: pass another address, e.g. --dev-addr 127.0.0.1:8001" in result.stderr


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1:http", "127.0.0.1:70000", ":8000"])
def test_a_bad_address_is_a_usage_error(write_tree: Tree, address: str) -> None:
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG})
    result = CliRunner().invoke(main, ["serve", "-f", str(root / "mkdocs.yml"), "-a", address])
    assert result.exit_code == 2
    assert f"'{address}' is not HOST:PORT; write e.g. 127.0.0.1:8000" in result.output


def test_a_change_that_would_leak_a_secret_is_never_served(
    served: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    """Each preview is built in a stage and scanned before it is served: the last good
    build stays, and no page ever holds the key."""
    root, url, process = served
    log = tmp_path / "serve.log"
    wait_for(url, "Slow API", process)
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    leaking = root / FILE.format(slug="slow-api")
    leaking.write_text(UPDATE.format(title="Slow API").replace("5 seconds.", f"5 s ({key})."))
    wait_for_log(log, "The preview keeps the last good build")
    for path in ("", "2026-11-20-slow-api/", "api/v2/incidents.json", "history.atom"):
        code, body = fetch(url + path)
        assert code == 200 and key not in body, path
    assert "Slow API" in fetch(url)[1]
    code, stderr = stop(process, log)
    assert code == 0
    assert "error[secret]" in stderr and "Traceback" not in stderr
