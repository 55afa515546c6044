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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

DISTRIBUTION = "statuspress"
REACHABLE_SCHEMES = ("https",)  # what a CI runner can fetch, safely and without credentials


@dataclass(frozen=True)
class Provenance:
    """`requirement` is a pip requirement line CI can install, or None when there is none;
    `origin` names this statuspress and where it came from, e.g. "statuspress 1.2.0 from the
    package index"."""

    requirement: str | None
    origin: str
    local_path: str = ""  # where a local install is: said on the terminal, never in a file


def running_provenance() -> Provenance:
    distribution = _running_distribution()
    if distribution is None:
        return Provenance(None, "statuspress run from its source folder, not installed")
    return provenance_of(distribution.version, distribution.read_text("direct_url.json"))


def _running_distribution() -> metadata.Distribution | None:
    """The installed distribution this code was imported from. Several can be found on the
    path (a build leaves statuspress.egg-info in a source checkout, for one): the first is
    not always the one running."""
    package = Path(__file__).resolve().parent.parent
    found = list(metadata.distributions(name=DISTRIBUTION))
    running = [d for d in found if _provides(d, package)]
    return next(iter(running or found), None)


def _provides(distribution: metadata.Distribution, package: Path) -> bool:
    init = Path(str(distribution.locate_file(f"{DISTRIBUTION}/__init__.py")))
    if init.is_file() and init.resolve().parent == package:
        return True
    try:  # an editable install runs the code where its direct_url.json points
        record = json.loads(distribution.read_text("direct_url.json") or "{}")
        source = Path(url2pathname(urlsplit(record["url"]).path)).resolve()
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return isinstance(record.get("dir_info"), dict) and package.is_relative_to(source)


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
    return Provenance(None, f"statuspress {version} from {kind}", url)


def _from_vcs(version: str, url: str, vcs_info: dict[str, Any], subdirectory: Any) -> Provenance:
    vcs, commit = str(vcs_info.get("vcs", "")), str(vcs_info.get("commit_id", ""))
    if not _reachable(url) or not vcs or not commit:
        return Provenance(
            None, f"statuspress {version} from a {vcs} repository CI cannot reach", url
        )
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
