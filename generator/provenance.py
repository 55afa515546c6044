"""Where the running statuspress came from, as the requirement a site's CI installs it by.

pip (and uv) record a direct install in the distribution's `direct_url.json` (PEP 610): a
VCS URL with the commit it resolved to, an archive URL with its hash, or a local folder
(`editable` when it is a development checkout). A distribution without that file came from
a package index (or a `--find-links` folder standing in for one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

DISTRIBUTION = "statuspress"
REACHABLE_SCHEMES = ("https",)  # what a CI runner can fetch, safely and without credentials


@dataclass(frozen=True)
class Provenance:
    """`requirement` is a pip requirement line CI can install, or None when there is none;
    `origin` names this statuspress and where it came from, e.g. "statuspress 1.2.0 from the
    package index"."""

    requirement: str | None
    origin: str


def running_provenance() -> Provenance:
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Provenance(None, "statuspress run from its source folder, not installed")
    return provenance_of(distribution.version, distribution.read_text("direct_url.json"))


def provenance_of(version: str, direct_url: str | None) -> Provenance:
    """The requirement for a distribution of `version` with this `direct_url.json` text."""
    if direct_url is None:
        return Provenance(
            f"{DISTRIBUTION}=={version}", f"statuspress {version} from the package index"
        )
    try:
        record = json.loads(direct_url)
        url = str(record["url"])
    except (ValueError, KeyError, TypeError):
        return Provenance(None, f"statuspress {version} installed from an unrecorded location")
    if isinstance(record.get("vcs_info"), dict):
        return _from_vcs(version, url, record["vcs_info"], record.get("subdirectory"))
    if isinstance(record.get("archive_info"), dict) and _reachable(url):
        requirement = f"{DISTRIBUTION} @ {_with_hash(url, record['archive_info'])}"
        return Provenance(requirement, f"statuspress {version} from {url}")
    editable = isinstance(record.get("dir_info"), dict) and record["dir_info"].get("editable")
    kind = "an editable checkout" if editable else "a local path"
    return Provenance(None, f"statuspress {version} from {kind} ({url})")


def _from_vcs(version: str, url: str, vcs_info: dict[str, Any], subdirectory: Any) -> Provenance:
    vcs, commit = str(vcs_info.get("vcs", "")), str(vcs_info.get("commit_id", ""))
    if not _reachable(url) or not vcs or not commit:
        return Provenance(None, f"statuspress {version} from the {vcs} repository {url}")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    return Provenance(
        f"{DISTRIBUTION} @ {vcs}+{url}@{commit}{fragment}",
        f"statuspress {version} from {url} at commit {commit[:12]}",
    )


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in REACHABLE_SCHEMES and bool(parts.hostname) and not parts.username


def _with_hash(url: str, archive_info: dict[str, Any]) -> str:
    """The URL with the archive's sha256 in pip's `#sha256=` form, when it was recorded."""
    hashes = archive_info.get("hashes")
    digest = hashes.get("sha256") if isinstance(hashes, dict) else None
    legacy = str(archive_info.get("hash", ""))
    if not digest and legacy.startswith("sha256="):
        digest = legacy.removeprefix("sha256=")
    return f"{url.split('#')[0]}#sha256={digest}" if digest else url
