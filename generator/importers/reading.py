"""JSON and YAML files of an export, read with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .history import SourceError

MAX_FILE_BYTES = 256 * 1024 * 1024


def json_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, and every `*.json` under the folders given, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise SourceError(str(path), "no such file or folder")
    if not found:
        raise SourceError(
            ", ".join(str(p) for p in paths) or ".",
            "no JSON files found",
            "pass the export's files",
        )
    return found


def read_json_files(paths: Iterable[Path]) -> Iterator[tuple[str, Any]]:
    for path in json_files(paths):
        yield str(path), read_json(path)


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(str(path), f"larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SourceError(str(path), "no such file") from None
    except UnicodeDecodeError:
        raise SourceError(str(path), "not UTF-8 text", "save it as UTF-8") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read ({exc.strerror})") from None


def read_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except RecursionError:
        raise SourceError(str(path), "JSON nested too deeply") from None


def read_yaml(path: Path) -> Any:
    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise SourceError(f"{path}:{line}", f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SourceError(str(path), f"not valid YAML: {exc}") from None
