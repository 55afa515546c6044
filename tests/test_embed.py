"""/embed/ and /widget.js as built: their size budgets, no script in the embed, nothing that
forbids framing anywhere in the site, the per-component embeds, and the names they reserve."""

from __future__ import annotations

import gzip
import random
import string
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import html5lib
import pytest
from conftest import MINIMAL_CONFIG
from statuspress.outputs.embed import BUDGET_GZIP_BYTES
from statuspress.publishing.build import BuildFailed, build_site

Tree = Callable[[dict[str, str]], Path]
WIDGET_BUDGET_GZIP_BYTES = 3072
NOW = datetime(2026, 11, 22, 10, tzinfo=timezone.utc)
XHTML = "{http://www.w3.org/1999/xhtml}"


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes()))


def embed_pages(site: Path) -> list[Path]:
    return sorted((site / "embed").rglob("index.html"))


def test_the_examples_embeds_and_widget_are_within_budget(example_site: Path) -> None:
    pages = embed_pages(example_site)
    assert len(pages) == 9  # the site's and one per component
    for page in pages:
        assert gzipped_size(page) <= BUDGET_GZIP_BYTES, page
    assert gzipped_size(example_site / "widget.js") <= WIDGET_BUDGET_GZIP_BYTES


def noisy(length: int, rng: random.Random) -> str:
    """Words of random letters, which compress about as badly as text can."""
    words = ("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(99))
    return " ".join(words)[:length].strip()


def busy_site(write_tree: Tree) -> Path:
    """Many open incidents and maintenance windows, with long titles, ids and names."""
    rng = random.Random(25)
    long_name = noisy(150, rng).replace(" ", "-")
    config = MINIMAL_CONFIG.replace("Test Status", noisy(120, rng)).replace(
        "name: API", f"name: {long_name}"
    )
    files = {"mkdocs.yml": config}
    for number in range(8):
        folder = f"incidents/2026-11-2{number // 4}-{noisy(110, rng).replace(' ', '-')}"
        files[f"{folder}/a.md"] = (
            f"---\ntitle: {noisy(200, rng)}\nimpact: major\nat: 2026-11-21T0{number}:00:00Z\n"
            "status: investigating\ncomponents:\n  api: major_outage\n"
            "next_update: 2026-11-22T11:00:00Z\n---\nWe are looking into it.\n"
        )
    for number in range(4):
        start = NOW + timedelta(days=number + 1)
        folder = f"incidents/2026-11-2{number // 4}-m{number}-{noisy(110, rng).replace(' ', '-')}"
        files[f"{folder}/a.md"] = (
            f"---\nkind: maintenance\ntitle: {noisy(200, rng)}\nat: 2026-11-20T10:00:00Z\n"
            f"status: scheduled\nwindow:\n  start: {start:%Y-%m-%dT%H:%M:%SZ}\n"
            f"  end: {start + timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}\n"
            "components:\n  api: under_maintenance\n---\nWe will upgrade.\n"
        )
    return write_tree(files)


def test_a_busy_sites_embeds_stay_within_budget(write_tree: Tree, tmp_path: Path) -> None:
    root = busy_site(write_tree)
    build_site(root / "mkdocs.yml", tmp_path / "site", NOW)
    pages = embed_pages(tmp_path / "site")
    for page in pages:
        assert gzipped_size(page) <= BUDGET_GZIP_BYTES, (page, gzipped_size(page))
    whole = (tmp_path / "site" / "embed" / "index.html").read_text()
    assert "and 5 more open incidents" in whole
    assert "and 2 more maintenance windows" in whole


def test_the_embed_runs_no_script_and_opens_links_outside_the_frame(example_site: Path) -> None:
    for page in embed_pages(example_site):
        tree = html5lib.parse(page.read_bytes())
        assert tree.findall(f".//{XHTML}script") == []
        handlers = [
            name for element in tree.iter() for name in element.attrib if name.startswith("on")
        ]
        assert handlers == []
        links = tree.findall(f".//{XHTML}a")
        assert links and all(link.get("target") == "_blank" for link in links)


def test_nothing_the_site_writes_forbids_framing(example_site: Path) -> None:
    for path in example_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".xml", ".css"):
            text = path.read_text(encoding="utf-8").lower()
            assert "x-frame-options" not in text, path
            assert "frame-ancestors" not in text, path


def test_a_components_embed_shows_only_what_concerns_it(example_site: Path) -> None:
    webhooks = (example_site / "embed" / "webhooks" / "index.html").read_text()
    backups = (example_site / "embed" / "backups" / "index.html").read_text()
    assert "Webhooks: Partial outage" in webhooks
    assert "Webhook deliveries delayed" in webhooks
    assert "Webhook deliveries delayed" not in backups
    assert "Backups: Operational" in backups
    assert "Backup storage migration" in backups  # its upcoming maintenance


def test_embeds_are_not_in_the_sitemap_but_the_uptime_page_is(example_site: Path) -> None:
    sitemap = (example_site / "sitemap.xml").read_text()
    assert "/embed/" not in sitemap
    assert "/uptime/" in sitemap


@pytest.mark.parametrize("name", ["uptime.csv", "uptime.json", "widget.js"])
def test_content_cannot_take_the_names_of_the_new_outputs(site_root: Path, name: str) -> None:
    (site_root / "incidents" / name).write_text("x\n")
    with pytest.raises(BuildFailed) as failure:
        build_site(site_root / "mkdocs.yml", site_root / "site", NOW)
    assert "reserved-name" in str(failure.value.diagnostics)
