"""Render every output of the site in memory: pages with the theme, then feeds, API, badges."""

from __future__ import annotations

import contextlib
import gzip
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from . import api, badges, calendar, feeds
from .clock import format_duration, iso
from .diagnostics import Diagnostic, error
from .forking import can_fork, helper_pool
from .model import Incident, Site
from .pages import Page, build_pages, common_context, incident_pages
from .project import Project

FEEDS = (
    ("application/atom+xml", "Incident history (Atom)", "history.atom"),
    ("application/rss+xml", "Incident history (RSS)", "history.rss"),
    ("application/atom+xml", "Every update (Atom)", "updates.atom"),
    ("application/atom+xml", "Postmortems (Atom)", "postmortems.atom"),
)


def page_environment(theme_env: jinja2.Environment,
                     compiled_dir: Path | None = None) -> jinja2.Environment:
    """The theme's loader (so custom_dir overrides work) with autoescape on; with
    `compiled_dir`, templates compiled by earlier builds are kept there and reused."""
    options: dict[str, Any] = {"autoescape": True, "trim_blocks": False,
                               "keep_trailing_newline": True}
    cache = CompiledTemplates(compiled_dir, repr(sorted(options.items()))) if compiled_dir else None
    env = jinja2.Environment(loader=theme_env.loader, bytecode_cache=cache, **options)
    env.filters["iso"] = iso
    env.filters["duration"] = format_duration
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by earlier builds. Jinja compiles a template again when its source
    changed; the key also covers Jinja's version and the environment's options, which shape
    the compiled code. A cache that cannot be written only costs the next build time."""

    def __init__(self, directory: Path, options: str) -> None:
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory), "%s.jinja")
        self.salt = f"{jinja2.__version__}\0{options}"

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.salt}\0{name}", filename)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: Jinja's reader lets pickle's errors through
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def render_site(project: Project, now: datetime, env: jinja2.Environment,
                config: MkDocsConfig, rendered: dict[str, dict[str, bytes]] | None = None,
                feed_cache: feeds.FeedCache | None = None) -> dict[str, bytes]:
    """Every generated file, keyed by its path relative to the site root.

    `env` comes from `page_environment`; `rendered` holds the pages of some incidents, by
    incident id, already rendered; `feed_cache` the feeds of earlier builds.
    """
    rendered = rendered or {}
    settings = project.settings
    pages = build_pages(project.site, now, rendered)
    directory_urls = bool(config.use_directory_urls)
    css = env.loader.get_source(env, "statuspress.css")[0] if env.loader else ""
    job = PageJob(env, pages, settings.site_url, directory_urls, css)
    with _helper_rendering(job) as helper_share:
        outputs = job.render(i for i in job.to_render()
                             if not helper_share or not _helpers_page(i))
        for incident_outputs in rendered.values():
            outputs.update(incident_outputs)
        outputs["sitemap.xml"] = _sitemap(env, pages, settings.site_url, directory_urls)
        # Replaces MkDocs' own copy, which carries the wall-clock time in its gzip header.
        outputs["sitemap.xml.gz"] = gzip.compress(outputs["sitemap.xml"], mtime=0)
        outputs.update(feeds.render(project.site, now, feed_cache))
        outputs.update(calendar.render(project.site, now, feed_cache))
        for module in (api, badges):
            outputs.update(module.render(project.site, now))
        if helper_share:
            outputs.update(helper_share.get())
    return dict(sorted(outputs.items()))


def render_incident(env: jinja2.Environment, site: Site, incident: Incident, now: datetime,
                    directory_urls: bool) -> dict[str, bytes]:
    """The pages of one incident, as `render_site` renders them; `env` from page_environment."""
    pages = incident_pages(site, incident, common_context(site.settings, now))
    job = PageJob(env, pages, site.settings.site_url, directory_urls, "")
    return job.render(range(len(pages)))


@dataclass(frozen=True)
class PageJob:
    """Everything needed to render pages; inherited by a forked helper process, never pickled."""

    env: jinja2.Environment
    pages: list[Page]
    site_url: str
    directory_urls: bool
    css: str

    def to_render(self) -> list[int]:
        return [i for i, page in enumerate(self.pages) if not page.rendered]

    def render(self, indexes: Iterable[int]) -> dict[str, bytes]:
        outputs = {}
        for index in indexes:
            page = self.pages[index]
            name = (page.output if self.directory_urls or page.output == "404.html"
                    else _flat(page.path))
            try:
                html = _render_page(self.env, page, self.site_url, self.directory_urls,
                                    self.css)
            except Exception as exc:  # a site owner's template: any error is theirs to fix
                raise TemplateProblem(template_diagnostic(exc, page)) from None
            outputs[name] = html.encode()
        return outputs


class TemplateProblem(Exception):
    """A theme template failed; picklable, so it crosses from the helper process intact."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[Diagnostic]]:
        return TemplateProblem, (self.diagnostic,)


def template_diagnostic(exc: Exception, page: Page) -> Diagnostic:
    """The template file and line at fault, from the error or from Jinja's traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:  # Jinja maps template frames back to the template's lines
        frame = trace.tb_frame.f_code.co_filename
        if frame.endswith((".html", ".xml")):
            path, line = frame, trace.tb_lineno
        trace = trace.tb_next
    where = _shown_path(path) if path else f"the template {page.template}"
    return error(where, line or 0, "template",
                 f"{type(exc).__name__} while rendering /{page.path}: {exc}",
                 "fix the template (a copy in your custom_dir overrides the theme's), or "
                 "remove the copy to use the theme's own")


def _shown_path(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


# With this many pages to render or more, a forked helper renders five pages in eight while
# this process renders the rest and the feeds, API, badges and calendar: about as much work
# on each side (measured on the 10,000-incident benchmark, where a rebuild renders about 85:
# the other pages come from incident records).
PARALLEL_MIN_PAGES = 64
_HELPER_SLOTS = frozenset({1, 2, 4, 5, 7})
_job: PageJob | None = None


def _helpers_page(index: int) -> bool:
    return index % 8 in _HELPER_SLOTS


def _helper_share() -> dict[str, bytes]:
    assert _job is not None
    return _job.render(i for i in _job.to_render() if _helpers_page(i))


@contextmanager
def _helper_rendering(job: PageJob) -> Iterator[AsyncResult[dict[str, bytes]] | None]:
    """A forked process rendering its share of the pages, where that pays and is possible."""
    global _job
    if len(job.to_render()) < PARALLEL_MIN_PAGES or not can_fork():
        yield None
        return
    _job = job
    compile_templates(job.env, sorted({page.template for page in job.pages}))
    try:
        with helper_pool() as pool:
            yield pool.apply_async(_helper_share)
    finally:
        _job = None


def compile_templates(env: jinja2.Environment, templates: Iterable[str]) -> None:
    """Compile templates before forking, so that only one process does it. A broken one is
    left for rendering to report, with the page it breaks."""
    for template in templates:
        with contextlib.suppress(Exception):
            env.get_template(template)


def _flat(path: str) -> str:
    return f"{path}index.html"


def _render_page(env: jinja2.Environment, page: Page, site_url: str, directory_urls: bool,
                 css: str) -> str:
    is_404 = page.output == "404.html"
    site_path = urlsplit(site_url).path or "/"
    base = site_path if is_404 else "../" * page.depth
    feeds = [{"type": t, "title": title, "href": f"{base}{href}"} for t, title, href in FEEDS]
    if page.template == "component.html":
        component_id = page.path.split("/")[1]
        feeds.append({"type": "application/atom+xml", "title": f"{page.title} (Atom)",
                      "href": f"{base}components/{component_id}/history.atom"})
    context: dict[str, Any] = {
        **page.context, "base": base, "index": "" if directory_urls else "index.html",
        "page_path": page.path, "page_title": page.title, "feeds": feeds,
        "canonical": f"{site_url.rstrip('/')}/{page.path}" if site_url and not is_404 else "",
        "inline_css": css if page.path == "" else "", "site_root": site_path,
    }
    return env.get_template(page.template).render(context)


def _sitemap(env: jinja2.Environment, pages: list[Page], site_url: str,
             directory_urls: bool) -> bytes:
    root = site_url.rstrip("/") + "/" if site_url else "/"
    locations = [root + page.path + ("" if directory_urls or not page.path else "index.html")
                 for page in pages if page.in_sitemap]
    return env.get_template("sitemap.xml").render(locations=locations).encode()
