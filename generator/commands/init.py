"""`statuspress init`: scaffold a new status-site repository that builds as it is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
import jinja2

from .. import __version__
from . import authoring as a
from .provenance import DISTRIBUTION, Provenance, running_provenance

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
WORKFLOWS = "workflows"  # scaffold/workflows/*.yml go to .github/workflows/
ISSUE_FORMS = "issue_forms"  # scaffold/issue_forms/*.yml go to .github/ISSUE_TEMPLATE/
TEMPLATE_SUFFIX = ".j2"  # rendered with the site's name, URL and company, then the suffix dropped
OPTIONAL = {  # a new GitHub repository often has its own: kept, with a note
    "README.md": "Kept your README.md.",
    ".gitignore": "Kept your .gitignore: add site/ and .statuspress-cache/ to it.",
}


@dataclass(frozen=True)
class Planned:
    source: Path
    target: Path  # relative to the new site's folder

    @property
    def rendered(self) -> bool:
        return self.source.suffix == TEMPLATE_SUFFIX


def site_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(
            f"'{value}' is not a web address; write e.g. https://status.example.com/",
            param_hint="'--url'",
        )
    return value if value.endswith("/") else value + "/"


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option(
    "--company",
    default="Example",
    show_default=True,
    help="Your company's name, as the site says it.",
)
@click.option(
    "--name", "site_name", default=None, help="The site's name (default: '<company> Status')."
)
@click.option(
    "--url",
    "url",
    default="https://status.example.com/",
    show_default=True,
    help="Where the site will be published (feeds and the API use it).",
)
def command(directory: Path, company: str, site_name: str | None, url: str) -> None:
    """Create a new status site in DIRECTORY (default: here).

    It has a configuration with example components, an example incident written as
    drafts (never published), the GitHub Actions workflows that check pull requests and
    deploy to GitHub Pages, requirements.txt naming this statuspress for them, and a
    .gitignore. It builds as it is. Nothing that exists is overwritten.

    \b
    Example:
      statuspress init acme-status --company Acme --url https://status.acme.example/
    """
    context = {"company": company.strip() or "Example", "site_url": site_url(url)}
    context["site_name"] = (site_name or "").strip() or f"{context['company']} Status"
    provenance = running_provenance()
    context["requirement"] = provenance.requirement or f"{DISTRIBUTION}=={__version__}"
    context["origin"] = provenance.origin
    plan = planned_files()
    existing = [p for p in plan if _taken(directory, p.target)]
    clashes = [p.target.as_posix() for p in existing if p.target.as_posix() not in OPTIONAL]
    if clashes:
        listed = ", ".join(clashes[:4]) + (
            f" and {len(clashes) - 4} more" if len(clashes) > 4 else ""
        )
        raise a.AuthoringError(
            f"{a.shown(directory)} already has {listed}; nothing was written",
            "choose an empty folder, e.g. 'statuspress init my-status'",
        )
    env = _environment()
    kept = [p for p in plan if p in existing]
    written: list[Planned] = []
    for item in (p for p in plan if p not in kept):
        try:
            write_planned(directory, item, env, context)
        except OSError as problem:
            raise a.AuthoringError(
                f"cannot write {a.shown(directory / item.target)}: "
                f"{problem.strerror or problem}; {len(written)} of {len(plan) - len(kept)} "
                "files were written",
                "free some disk space or choose a folder you may write to, remove what was "
                "written, and run it again",
            ) from None
        written.append(item)
    click.echo(_report(directory, [p for p in plan if p not in kept], kept))
    if provenance.requirement is None:
        click.echo(_not_installable(provenance, context["requirement"]), err=True)


def _taken(directory: Path, target: Path) -> bool:
    """Whether `target` or a folder on its way is already there as something else: a file, or
    a symlink, dangling or not (writing through it would write elsewhere, or fail)."""
    path = directory / target
    if os.path.lexists(path):
        return True
    return any(
        os.path.islink(folder) or (os.path.lexists(folder) and not folder.is_dir())
        for folder in (directory / parent for parent in target.parents if parent != Path("."))
    )


def planned_files() -> list[Planned]:
    """Every scaffold file and where it goes; the workflows go under .github/workflows/."""
    plan = []
    for source in sorted(SCAFFOLD.rglob("*")):
        relative = source.relative_to(SCAFFOLD)
        if not source.is_file() or "__pycache__" in relative.parts:
            continue
        if relative.parts[0] in _GITHUB_FOLDERS:
            if source.suffix == ".yml" and len(relative.parts) == 2:
                folder = _GITHUB_FOLDERS[relative.parts[0]]
                plan.append(Planned(source, Path(".github", folder, source.name)))
            continue
        target = relative.with_suffix("") if source.suffix == TEMPLATE_SUFFIX else relative
        plan.append(Planned(source, target))
    return plan


_GITHUB_FOLDERS = {WORKFLOWS: "workflows", ISSUE_FORMS: "ISSUE_TEMPLATE"}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False
    )  # YAML and Markdown out, not HTML
    env.filters["yaml"] = a.yaml_scalar
    return env


def write_planned(
    directory: Path, item: Planned, env: jinja2.Environment, context: dict[str, str]
) -> None:
    target = directory / item.target
    target.parent.mkdir(parents=True, exist_ok=True)
    if item.rendered:
        text = env.from_string(item.source.read_text(encoding="utf-8")).render(context)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    else:
        with target.open("xb") as handle:
            handle.write(item.source.read_bytes())


def _report(directory: Path, plan: list[Planned], kept: list[Planned]) -> str:
    where = a.shown(directory)
    lines = [f"Created a status site in {where}/:"]
    lines.extend(f"  {p.target.as_posix()}" for p in plan)
    lines.extend(OPTIONAL[p.target.as_posix()] for p in kept)
    lines.append("Next:")
    if where != ".":
        lines.append(f"  cd {where}")
    lines.extend(
        [
            "  edit mkdocs.yml: your components, site_name and site_url",
            "  statuspress check                      # every problem, with its line",
            "  statuspress serve                      # preview at http://127.0.0.1:8000/",
            "  statuspress build                      # the site, in site/",
            '  statuspress new "API errors" -c api=major_outage   # during an incident',
            "  git init -b main && git add . && git commit -m 'Status site'",
            "  then push to GitHub and set Settings → Pages → Source: GitHub Actions",
        ]
    )
    if not any(p.target.parts[0] == ".github" for p in plan):
        lines.append("Note: this installation has no workflow files to copy.")
    return "\n".join(lines)


def _not_installable(provenance: Provenance, written: str) -> str:
    """Why CI cannot install the statuspress that made the site, and how to pin one it can."""
    return "\n".join(
        [
            f"Warning: this is {provenance.origin} ({provenance.local_path or 'unknown'}):"
            " CI cannot install it from there.",
            f"  requirements.txt asks for '{written}' from the package index instead;",
            "  until that version is released, put a tag of the statuspress repository there:",
            "    statuspress @ git+https://github.com/OWNER/statuspress@TAG",
        ]
    )
