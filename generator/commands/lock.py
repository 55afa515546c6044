"""`statuspress lock`: pin every dependency of the site's statuspress with its hashes.

A site's requirements.txt names one statuspress. Hashes of the whole dependency tree can only
come from the package index (an installed environment records the hashes of the files it
unpacked, not of the archives pip downloaded), so locking is a step of its own, run when the
version changes. uv's resolver does it: `uv pip compile --generate-hashes` lists every file
of each pinned version, for the platform the workflows run on.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import click

from . import authoring as a

REQUIREMENTS = Path("requirements.txt")
DISTRIBUTION = "statuspress"
RUNNER_PYTHON = "3.11"  # the Python of the workflows `statuspress init` writes
RUNNER_PLATFORM = "linux"  # GitHub's ubuntu-latest runners
LOCKED_MARK = "# Locked by `statuspress lock`"
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_VERSION_PIN = re.compile(r"^statuspress\s*(?:\[[^\]]*\])?\s*==\s*[\w.!+-]+$", re.IGNORECASE)


@click.command("lock", context_settings={"ignore_unknown_options": True})
@click.option(
    "-r",
    "--requirements",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=REQUIREMENTS,
    show_default=True,
    help="The site's requirements file, as `statuspress init` wrote it.",
)
@click.argument("uv_args", nargs=-1, type=click.UNPROCESSED)
def command(path: Path, uv_args: tuple[str, ...]) -> None:
    """Pin statuspress and every dependency, with their hashes, in requirements.txt.

    Keeps the statuspress version the file names (change it first to upgrade), asks the
    package index for the rest with uv (`pip install uv`), and rewrites the file. Pip then
    installs exactly these files in CI, or nothing. Arguments after -- go to
    `uv pip compile` (e.g. --index-url for a private index).

    \b
    Example:
      statuspress lock
      statuspress lock -- --index-url https://pypi.example.com/simple
    """
    text = _read(path)
    requirement = statuspress_requirement(text, path)
    uv = _uv()
    if uv is None:
        raise a.AuthoringError(
            "statuspress lock needs uv, which is not installed",
            "'pip install uv' (or 'pipx install uv'), then run 'statuspress lock' again",
        )
    locked = _compile(uv, requirement, uv_args)
    path.write_text(locked_file(text, requirement, locked), encoding="utf-8")
    click.echo(
        f"Locked {a.shown(path)}: {requirement} and "
        f"{len(requirement_lines(locked)) - 1} dependencies, with their hashes, for Python "
        f"{RUNNER_PYTHON} on Linux. Commit it; CI installs exactly these files."
    )


def _uv() -> str | None:
    """uv beside this Python (`pip install uv` in the same environment), else on PATH."""
    beside = shutil.which("uv", path=str(Path(sys.executable).parent))
    return beside or shutil.which("uv")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise a.AuthoringError(
            f"there is no {a.shown(path)} here",
            "run the command in the site folder, or pass -r PATH; "
            "a new site gets one from 'statuspress init'",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise a.AuthoringError(f"cannot read {a.shown(path)}: {exc}") from None


def requirement_lines(text: str) -> list[str]:
    """Each requirement of a requirements file on one line, without comments and hashes."""
    joined = re.sub(r"\\\n", " ", text)
    lines = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw)
        line = " ".join(word for word in line.split() if not word.startswith("--hash"))
        if line:
            lines.append(line)
    return lines


def statuspress_requirement(text: str, path: Path) -> str:
    """The one `statuspress==X.Y.Z` line of the file; a clear error for anything else."""
    found = [
        line
        for line in requirement_lines(text)
        if (name := _NAME.match(line)) and re.sub(r"[-_.]+", "-", name[1].lower()) == DISTRIBUTION
    ]
    if len(found) != 1:
        raise a.AuthoringError(
            f"{a.shown(path)} names statuspress {len(found)} times; it must name it once",
            "write one line such as 'statuspress==1.2.0'",
        )
    if not _VERSION_PIN.match(found[0]):
        raise a.AuthoringError(
            f"'{found[0]}' is not a released version: pip cannot check the hash of a git "
            "checkout or a local folder, so it can only be locked once released",
            "write 'statuspress==X.Y.Z' (a version on the package index), then lock",
        )
    return found[0]


def _compile(uv: str, requirement: str, uv_args: tuple[str, ...]) -> str:
    done = subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "-",
            "--generate-hashes",
            "--python-version",
            RUNNER_PYTHON,
            "--python-platform",
            RUNNER_PLATFORM,
            "--no-header",
            "--quiet",
            *uv_args,
        ],
        input=requirement + "\n",
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise a.AuthoringError(
            f"uv could not lock {requirement}:\n{done.stderr.strip()}",
            "check the version exists on the index; nothing was changed",
        )
    return done.stdout.rstrip("\n") + "\n"


def locked_file(original: str, requirement: str, locked: str) -> str:
    """The file's own opening comments, a line saying how it was locked, then the lock."""
    header = []
    for line in original.splitlines():
        if not line.startswith("#") or line.startswith(LOCKED_MARK):
            break
        header.append(line)
    mark = [
        f"{LOCKED_MARK} from '{requirement}', for Python {RUNNER_PYTHON} on Linux",
        "# (the workflows' runner). To upgrade: change the statuspress version, lock again.",
    ]
    return "\n".join([*header, *mark, locked])
