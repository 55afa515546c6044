"""Adding a site-level page is one function (marked @site_page) and one template: the build
renders it, the sitemap lists it, and content may not take its address. Every page the build
writes is one of them, whichever page module the process imported first."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, REPO, copy_example, write_files
from statuspress.outputs import registry, sitepages
from statuspress.outputs.registry import Page, SiteInputs
from statuspress.outputs.sitepages import UnlistedPageModule, build_pages, site_pages
from statuspress.outputs.trees import tree_site, trees
from statuspress.publishing import reserved
from statuspress.publishing.build import BuildFailed
from statuspress.publishing.loading import load_project
from test_records import build

TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
<h1>About this page</h1>
<p>{{ incidents }} incidents, {{ settings.site_name }}.</p>
{% endblock %}
"""


def about_page(inputs: SiteInputs) -> list[Page]:
    """The new page: what it shows, from what every site-level page is given."""
    context = {**inputs.common, "incidents": len(inputs.ordered)}
    return [Page("about/", "about.html", context, "About")]


@pytest.fixture
def with_about_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The example site with the new page's function registered (as @site_page does) and
    its template in the site's custom_dir."""
    monkeypatch.setattr(registry, "SITE_PAGES", [*registry.SITE_PAGES])
    monkeypatch.setattr(sitepages, "PAGE_MODULES", (*sitepages.PAGE_MODULES, sys.modules[__name__]))
    registry.site_page(about_page)
    root = copy_example(tmp_path / "root")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("name: statuspress", "name: statuspress\n  custom_dir: over", 1))
    write_files(root, {"over/about.html": TEMPLATE})
    return root


def test_a_new_site_page_is_rendered_and_listed(with_about_page: Path) -> None:
    site = build(with_about_page)
    html = (site / "about" / "index.html").read_text(encoding="utf-8")
    incidents = len([p for p in (with_about_page / "incidents").iterdir() if p.is_dir()])
    assert "<h1>About this page</h1>" in html and f"<p>{incidents} incidents," in html
    assert "<title>About · " in html
    assert "/about/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_content_may_not_take_a_new_page_s_address(
    with_about_page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file beside the incident folders is published as it is: one named like the new
    page's folder (as a host compares names) is refused, as the theme's own files are."""
    (with_about_page / "incidents" / "ABOUT").write_text("mine\n")
    with pytest.raises(BuildFailed) as failed:
        build(with_about_page)
    found = [(d.rule, d.path) for d in failed.value.diagnostics]
    assert (reserved.RULE, "incidents/ABOUT") in found
    monkeypatch.setattr(
        registry, "SITE_PAGES", [p for p in registry.SITE_PAGES if p is not about_page]
    )
    with pytest.raises(BuildFailed) as failed:
        build(with_about_page)
    assert reserved.RULE not in {d.rule for d in failed.value.diagnostics}


def test_a_page_in_a_module_the_list_leaves_out_stops_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where its pages go in the sitemap is the list's to say: a module it does not name is
    a mistake to fix, not a page to drop or put anywhere."""
    monkeypatch.setattr(registry, "SITE_PAGES", [*registry.SITE_PAGES])
    registry.site_page(about_page)
    with pytest.raises(UnlistedPageModule, match=__name__):
        site_pages()


def test_every_page_the_build_writes_is_made_by_a_registered_function(example_site: Path) -> None:
    """No page reaches the site around the register: each HTML file of the built example,
    in every language, is one that a `@site_page` function returns (the incidents' pages
    included)."""
    site = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW, lint=False).site
    made = {
        tree.prefix + page.output
        for tree in trees(site.settings)
        for page in build_pages(tree_site(site, tree), EXAMPLE_NOW)
    }
    written = {path.relative_to(example_site).as_posix() for path in example_site.rglob("*.html")}
    assert written == made
    assert {"uptime/index.html", "embed/index.html", "404.html"} <= made


def _modules_with_site_pages() -> set[str]:
    """Every module of the package with a function marked @site_page, from its source."""
    root = REPO / "generator"
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "site_page" for d in node.decorator_list
            ):
                parts = path.relative_to(root).with_suffix("").parts
                found.add(".".join(("statuspress", *parts)))
    return found


def test_the_list_names_every_module_with_site_pages() -> None:
    listed = {module.__name__ for module in sitepages.PAGE_MODULES}
    assert _modules_with_site_pages() == listed
    assert {"statuspress.outputs.uptime", "statuspress.outputs.embed"} <= listed


ORDER = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from statuspress.outputs.sitepages import site_pages
print(" ".join(f"{make.__module__}.{make.__name__}" for make in site_pages()))
"""


@pytest.mark.parametrize(
    "first",
    [
        [],
        ["statuspress.outputs.embed", "statuspress.outputs.uptime"],
        ["statuspress.outputs.uptime", "statuspress.outputs.registry"],
        ["statuspress.outputs.render"],
        ["statuspress.publishing.reserved"],
    ],
)
def test_the_pages_and_their_order_do_not_depend_on_what_was_imported_first(
    first: list[str],
) -> None:
    """In a fresh process: however the page modules came to be imported, the list holds all
    of them, pages.py's first (status page first), then the uptime report, then the embeds."""
    done = subprocess.run(
        [sys.executable, "-c", ORDER, *first], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [
        "statuspress.outputs.pages.status_page",
        "statuspress.outputs.pages.incidents_pages",
        "statuspress.outputs.pages.history_pages",
        "statuspress.outputs.pages.postmortems_page",
        "statuspress.outputs.pages.component_pages",
        "statuspress.outputs.pages.not_found_page",
        "statuspress.outputs.uptime.uptime_page",
        "statuspress.outputs.embed.embed_pages",
    ]
