"""Adding a site-level page is one function (marked @site_page) and one template: the build
renders it, the sitemap lists it, and content may not take its address."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_example, write_files
from statuspress.outputs import pages
from statuspress.outputs.pages import Page, SiteInputs
from statuspress.publishing import reserved
from statuspress.publishing.build import BuildFailed
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
    monkeypatch.setattr(pages, "SITE_PAGES", [*pages.SITE_PAGES])
    pages.site_page(about_page)
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
    monkeypatch.setattr(pages, "SITE_PAGES", [p for p in pages.SITE_PAGES if p is not about_page])
    with pytest.raises(BuildFailed) as failed:
        build(with_about_page)
    assert reserved.RULE not in {d.rule for d in failed.value.diagnostics}
