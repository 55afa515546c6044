"""Render every output of the site in memory: pages with the theme, then feeds, API, badges."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig

from ..clock import iso
from ..diagnostics import Diagnostic, error
from ..incremental.cachekey import CacheFolder
from ..incremental.forking import Forked, SharedCounter, can_fork, helper
from ..incremental.outputcache import OutputCache
from ..incremental.store import read_sealed, write_sealed
from ..language.core import Language
from ..model import Incident, Project, Site
from . import api, badges, calendar, favicon, feeds, localtime, redirects, uptime, widget
from .markdown import Markdown
from .pages import UpdateView, common_context, incident_page_names, incident_pages
from .promises import EXPECTED_RESOLUTION, NEXT_UPDATE, promises
from .registry import Page
from .sitepages import build_pages
from .trees import Links, Tree, tree_site, trees

if TYPE_CHECKING:
    from ..incremental.outputcache import OutputCache
    from ..publishing.leakguard import GuardState, TreeGuard
    from .vendors import VendorStatus

SITEMAP = "sitemap.xml"


def page_environment(
    theme_env: jinja2.Environment, compiled: CacheFolder | None = None
) -> jinja2.Environment:
    """The theme's loader (so custom_dir overrides work) with autoescape on; with
    `compiled`, the Python that Jinja makes of each template is kept there for the next
    build (see `_Environment`)."""
    # No auto_reload: a build's templates do not change while it runs (it would look at the
    # files' times for every page), and `serve` makes a new environment for each build.
    options: dict[str, Any] = {
        "autoescape": True,
        "trim_blocks": False,
        "keep_trailing_newline": True,
        "auto_reload": False,
    }
    env = _Environment(loader=theme_env.loader, extensions=["jinja2.ext.i18n"], **options)
    # Each page's context brings the gettext functions of its language (pages.common_context):
    # one environment, its templates compiled once, renders every language.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.compiled = compiled
    env.filters["iso"] = iso
    env.filters["duration"] = _duration  # a site's copy of an older template may use it
    env.globals.update(
        time_tag=time_tag,
        state_tag=state_tag,
        status_badge_tag=status_badge_tag,
        update_article_tag=update_article_tag,
    )
    return env


@jinja2.pass_context
def _duration(context: jinja2.runtime.Context, delta: timedelta) -> str:
    """`{{ delta | duration }}`: the page's language's `fmt.duration`."""
    return str(context["fmt"].duration(delta))


# The theme's most used snippets, as functions: a page of updates calls them dozens of times,
# and a Jinja macro call costs several times a function call. `partials/macros.html` names
# them `time`, `state`, `status_badge` and `update_article` (a copy of it in `custom_dir` can
# still make them macros). Their output is the same as the macros they replace, byte for byte.
@jinja2.pass_context
def time_tag(context: jinja2.runtime.Context, moment: datetime) -> Markup:
    return Markup(
        f'<time datetime="{escape(iso(moment))}">{escape(context["fmt"].when(moment))}</time>'
    )


@jinja2.pass_context
def state_tag(context: jinja2.runtime.Context, value: Any) -> Markup:
    icon, label = context["state_icon"](value), context["state_labels"][value]
    return Markup(
        f'<span class="state s-{escape(value.value)}"><span class="icon" '
        f'aria-hidden="true">{escape(icon)}</span> {escape(label)}</span>'
    )


def status_badge_tag(label: str, key: str) -> Markup:
    return Markup(f'<span class="status st-{escape(key)}">{escape(label)}</span>')


@jinja2.pass_context
def update_article_tag(
    context: jinja2.runtime.Context, view: UpdateView, heading: str = "h3"
) -> Markup:
    """One update: its status, time, text and facts. `time` and `status_badge` are the
    page's own, so a copy of `partials/macros.html` that makes them macros is obeyed here."""
    time = _snippet(context, "time", partial(time_tag, context))
    badge = _snippet(context, "status_badge", status_badge_tag)
    u = view.update
    lang: Language = context["lang"]
    _ = lang.gettext
    tag = escape(heading)
    label = context["status_label"](u.status)
    # An update nobody translated is shown as written, in its own language, and says so.
    own = f' lang="{escape(view.original_language)}"' if view.original_language else ""
    untranslated = escape(_("Not translated yet: shown as written."))
    lines = [
        f'\n<article class="update" id="{escape(u.file).replace(".md", "")}">',
        f'<{tag}>{badge(label, u.status)} <span class="at">{time(u.at)}</span></{tag}>',
        *([f'<p class="untranslated">{untranslated}</p>'] if own else []),
        f'<div class="text"{own}>{view.body}</div>' if view.body else "",
        f'<p class="apology"{own}>{view.apology}</p>' if view.apology else "",
    ]
    lines.append(_facts(view, time, lang, own))
    author = escape(_("Posted by %(author)s", author=u.author or ""))
    lines.append(f'<p class="author">{author}</p>' if u.author else "")
    lines.append("</article>")
    return Markup("\n".join(lines))


def _facts(view: UpdateView, time: Callable[[datetime], str], lang: Language, own: str) -> str:
    u = view.update
    if not (view.cause or view.workaround or u.eta or u.next_update):
        return ""
    _ = lang.gettext
    cause, workaround = escape(_("Cause")), escape(_("Workaround"))
    facts = [
        f"<dt>{cause}</dt><dd{own}>{view.cause}</dd>" if view.cause else "",
        f"<dt>{workaround}</dt><dd{own}>{view.workaround}</dd>" if view.workaround else "",
    ]
    # Always the same four slots, so the list reads as the template macro writes it.
    promised = {
        p.label: f"<dt>{escape(p.label)}</dt><dd>{p.value}</dd>" for p in promises(u, time, lang)
    }
    facts += [promised.get(_(EXPECTED_RESOLUTION), ""), promised.get(_(NEXT_UPDATE), "")]
    return '<dl class="facts">\n' + "\n".join(facts) + "\n</dl>"


def _by(lang: Language, time: Callable[[datetime], str], moment: datetime | None) -> Markup:
    """`by <time …>`: the translated words escaped, the time element kept as markup."""
    assert moment is not None
    return escape(lang.gettext("by %(time)s")) % {"time": Markup(time(moment))}


def _snippet(
    context: jinja2.runtime.Context, name: str, builtin: Callable[..., Markup]
) -> Callable[..., Markup]:
    """The page's snippet `name`: the built-in function, or a macro a template made."""
    found = context.resolve_or_missing(name)
    if found is jinja2.utils.missing or found is context.environment.globals.get(f"{name}_tag"):
        return builtin
    # A macro of the theme's returns Markup, as the built-in does.
    return cast(Callable[..., Markup], partial(context.call, found))


class _Environment(jinja2.Environment):
    """Keeps the Python that Jinja generates from each template (parsing and generating it is
    most of compiling the theme), by a hash of all it is made from, in the folder
    `compiled`. That folder is never the site's cache folder, which others can fill: it is
    the user's own, beside the cache key (`CacheKey.private_folder`), and each file is sealed
    with the key all the same. Source text only: nothing is unpickled or unmarshalled."""

    compiled: CacheFolder | None = None

    def compile(
        self,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw:
            return super().compile(source, name, filename, True, defer_init)
        if self.compiled is None or not isinstance(source, str):
            return super().compile(source, name, filename, False, defer_init)
        key = self.compiled.key
        path = self.compiled.path / self._generated_key(source, name, filename, defer_init)
        stored = read_sealed(key, path, GENERATED_MAGIC)
        if stored is not None:
            generated = stored.decode("utf-8", "surrogatepass")
        else:
            generated = super().compile(source, name, filename, True, defer_init)
            with contextlib.suppress(OSError):  # only the next build's time
                write_sealed(key, path, GENERATED_MAGIC, generated.encode("utf-8", "surrogatepass"))
        return self._compile(generated, filename or "<template>")

    def _generated_key(
        self, source: str, name: str | None, filename: str | None, defer_init: bool
    ) -> str:
        """What the generated Python depends on: Jinja's version, the options, which filters
        and tests exist and what they are passed (the code generator looks them up)."""
        helpers = [
            (kind, key, getattr(value, "jinja_pass_arg", None))
            for kind, table in (("filter", self.filters), ("test", self.tests))
            for key, value in sorted(table.items())
        ]
        options = (self.autoescape, self.trim_blocks, self.lstrip_blocks, self.optimized)
        extensions = sorted(self.extensions)
        parts = (jinja2.__version__, options, self.keep_trailing_newline, helpers, extensions)
        digest = hashlib.sha256(repr((*parts, name, filename, defer_init)).encode())
        digest.update(b"\0" + source.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


GENERATED_MAGIC = b"statuspress-template-python 1\n"


def render_site(
    project: Project,
    now: datetime,
    env: jinja2.Environment,
    config: MkDocsConfig,
    rendered: Mapping[str, Mapping[str, bytes]] | None = None,
    output_cache: OutputCache | None = None,
    guard: TreeGuard | None = None,
    md: Markdown | None = None,
    found_vendors: Sequence[VendorStatus] = (),
) -> dict[str, bytes]:
    """Every generated file but the pages in `rendered`, keyed by its path relative to the
    site root.

    `env` comes from `page_environment`; `rendered` holds the pages of some incidents, by
    incident id, already rendered (they are published as they are); `output_cache` the feeds
    of earlier builds; `guard`, when given, scans each output as it is rendered, in
    whichever process renders it; `md` renders the Markdown (with the build's memo);
    `found_vendors`, the third-party services as the build read them.
    """
    rendered = rendered or {}
    md = md or Markdown()
    directory_urls = bool(config.use_directory_urls)
    css = env.loader.get_source(env, "statuspress.css")[0] if env.loader else ""
    all_trees = trees(project.settings)
    outputs: dict[str, bytes] = {}
    for tree in all_trees:  # the site's own language, then each other one under /<tag>/
        site = tree_site(project.site, tree)
        cache = (
            output_cache.scoped(tree.prefix) if output_cache and not tree.is_root else output_cache
        )
        # The incident records hold the pages of `rendered` in every language.
        pages = build_pages(site, now, rendered, cache, md, found_vendors)
        links = Links(project.settings.site_url, directory_urls, tree, tuple(all_trees))
        job = PageJob(env, pages, site.settings.site_url, directory_urls, css, cache, links)
        specs = feeds.feed_specs(site, now, md)
        side = SideJob(site, now, cache, specs, with_api=tree.is_root)
        outputs.update(_render_work(Work(job, side, guard, md)))
    return dict(sorted(outputs.items()))


def _render_work(work: Work) -> dict[str, bytes]:
    with _shared_rendering(work) as shared:
        if shared is None:
            return work.do(range(work.count))
        forked, counter = shared
        outputs = work.do(counter.take(work.count))
        outputs.update(work.receive(forked.result()))
        return outputs


def output_names(site: Site, now: datetime) -> dict[str, str]:
    """Every file the build writes besides the theme's files, by path, with what it is.

    The pages are named without rendering them; the feeds, calendar, API and badges are
    rendered for no incidents, as incidents only add their own pages to the names."""
    empty = Site(site.settings, ())
    pages = build_pages(empty, now)
    names = {page.output: f"the page /{page.path}" for page in pages}
    for incident in site.incidents:
        for path, _, _ in incident_page_names(incident):
            names[f"{path}index.html"] = f"the page /{path}"
    names |= {name: "the sitemap" for name in (SITEMAP, f"{SITEMAP}.gz")}
    names |= {name: f"a redirect from the old page, /{name}" for name in redirects.names(site)}
    side = SideJob(empty, now, None, feeds.feed_specs(empty))
    names |= {name: f"/{name}" for name in side.output_names()}
    for tree in trees(site.settings)[1:]:  # each language's tree, under its own folder
        names[tree.prefix.rstrip("/")] = f"the pages in {tree.code}, /{tree.prefix}"
    return names


def render_incident(
    env: jinja2.Environment,
    site: Site,
    incident: Incident,
    now: datetime,
    directory_urls: bool,
    md: Markdown | None = None,
) -> dict[str, bytes]:
    """The pages of one incident in every language of the site, as `render_site` renders
    them; `env` from page_environment."""
    all_trees = tuple(trees(site.settings))
    outputs: dict[str, bytes] = {}
    for tree in all_trees:  # in every language: the incident records keep them all
        shown = tree_site(Site(site.settings, (incident,)), tree)
        pages = incident_pages(
            shown, shown.incidents[0], common_context(shown.settings, now), md or Markdown()
        )
        links = Links(site.settings.site_url, directory_urls, tree, all_trees)
        job = PageJob(env, pages, shown.settings.site_url, directory_urls, "", links=links)
        outputs.update(job.render(range(len(pages))))
    return outputs


@dataclass(frozen=True)
class PageJob:
    """Everything needed to render pages; inherited by a forked helper process, never pickled."""

    env: jinja2.Environment
    pages: list[Page]
    site_url: str
    directory_urls: bool
    css: str
    cache: OutputCache | None = None  # keeps the pages that come with a `cache_key`
    links: Links | None = None  # the tree the pages are in, among the site's languages

    def to_render(self) -> list[int]:
        """The pages to render or take from the cache, by index."""
        return [i for i, page in enumerate(self.pages) if not page.rendered]

    @property
    def prefix(self) -> str:
        return self.links.tree.prefix if self.links is not None else ""

    def render(self, indexes: Iterable[int]) -> dict[str, bytes]:
        outputs = {}
        for index in indexes:
            page = self.pages[index]
            name = (
                page.output
                if self.directory_urls or page.output == "404.html"
                else _flat(page.path)
            )
            outputs[self.prefix + name] = (
                page.data if page.data is not None else self._rendered(page)
            )
        return outputs

    def sitemap(self) -> dict[str, bytes]:
        """The sitemap of every page in every language (each with its alternates), and its
        gzip copy (which replaces MkDocs' own: that carries the wall-clock time in its
        header). Only the root has one: it lists the language trees' pages too."""
        if self.prefix:
            return {}
        root = self.site_url.rstrip("/") + "/" if self.site_url else "/"
        all_trees = self.links.trees if self.links is not None else (Tree("", ""),)
        locations = []
        for page in (page for page in self.pages if page.in_sitemap):
            path = page.path + ("" if self.directory_urls or not page.path else "index.html")
            alternates = (
                self.links.alternates(page, "")
                if self.links is not None and len(all_trees) > 1
                else []
            )
            for tree in all_trees:
                locations.append({"loc": root + tree.prefix + path, "alternates": alternates})
        data = self.env.get_template(SITEMAP).render(locations=locations).encode()
        return {SITEMAP: data, f"{SITEMAP}.gz": gzip.compress(data, mtime=0)}

    def _rendered(self, page: Page) -> bytes:
        try:
            html = _render_page(
                self.env, page, self.site_url, self.directory_urls, self.css, self.links
            )
        except Exception as exc:  # a site owner's template: any error is theirs to fix
            raise TemplateProblem(template_diagnostic(exc, page)) from None
        data = html.encode()
        if self.cache is not None and page.cache_key is not None:
            self.cache.put(page.cache_key, data)
        return data


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
    return error(
        where,
        line or 0,
        "template",
        f"{type(exc).__name__} while rendering /{page.path}: {exc}",
        "fix the template (a copy in your custom_dir overrides the theme's), or "
        "remove the copy to use the theme's own",
    )


def _shown_path(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


@dataclass(frozen=True)
class SideJob:
    """The outputs besides the pages: each feed, the calendar, then the API and the badges."""

    site: Site
    now: datetime
    output_cache: OutputCache | None
    specs: list[feeds.FeedSpec]
    with_api: bool = True  # the Statuspage API is the site's once, at its root

    @property
    def count(self) -> int:
        return len(self.specs) + 2

    def output_names(self) -> list[str]:
        """What `render` writes: feeds and calendar named without making them (only a
        change in what they show does), the API and badges rendered."""
        names = [spec.output_name(kind) for spec in self.specs for kind in spec.formats]
        return [*names, *calendar.file_names(self.site), *self.render(len(self.specs) + 1)]

    def render(self, item: int) -> dict[str, bytes]:
        if item < len(self.specs):
            return feeds.render_feed(self.site, self.specs[item], self.output_cache)
        if item == len(self.specs):
            return calendar.render(self.site, self.now, self.output_cache)
        outputs = {}
        if self.with_api:  # the widget reads the API beside it
            outputs.update(api.render(self.site, self.now))
            outputs.update(widget.render(self.site))
        outputs.update(badges.render(self.site, self.now))
        outputs.update(redirects.render(self.site))
        outputs.update(favicon.render(self.site, self.now))
        outputs.update(localtime.render(self.site))
        outputs.update(uptime.render(self.site, self.now))
        return outputs


Received = tuple[dict[str, bytes], set[str], "GuardState | None", dict[bytes, Any]]


class Work:
    """Everything render_site renders, as numbered items: the feeds, the calendar, the API and
    badges, the sitemap, then each page to render; the feeds first, being the largest. With
    a leak guard, each item's outputs are scanned as soon as they are rendered."""

    def __init__(self, job: PageJob, side: SideJob, guard: TreeGuard | None, md: Markdown) -> None:
        self.job, self.side, self.guard, self.md = job, side, guard, md
        self.pages = job.to_render()
        self.count = side.count + 1 + len(self.pages)

    def do(self, items: Iterable[int]) -> dict[str, bytes]:
        outputs: dict[str, bytes] = {}
        for item in items:
            if item < self.side.count:
                done = self.side.render(item)
                if self.job.prefix:
                    done = {self.job.prefix + name: data for name, data in done.items()}
            elif item == self.side.count:
                done = self.job.sitemap()
            else:
                done = self.job.render((self.pages[item - self.side.count - 1],))
            if self.guard is not None:
                self.guard.scan(done, done)
            outputs.update(done)
        return outputs

    def do_for_parent(self, items: Iterable[int]) -> Received:
        """In a helper: the outputs, the feeds it used (for the parent's feed cache), what
        its copy of the leak guard found and what it added to the Markdown cache."""
        memo = self.md.memo
        mark = memo.watermark() if memo is not None else 0
        outputs = self.do(items)
        used = self.side.output_cache.used if self.side.output_cache is not None else set()
        guarded = self.guard.state() if self.guard is not None else None
        return outputs, used, guarded, memo.added_since(mark) if memo is not None else {}

    def receive(self, done: Received) -> dict[str, bytes]:
        """In the parent: what do_for_parent returned."""
        outputs, used, guarded, additions = done
        if self.side.output_cache is not None:
            self.side.output_cache.used |= used
        if self.guard is not None and guarded is not None:
            self.guard.absorb(guarded)
        if self.md.memo is not None:
            self.md.memo.take(additions)
        return outputs


# With this many pages to render, or this many incidents when no earlier build left feeds and
# lists to reuse (then formatting every feed takes about as long as that many pages), a forked
# helper shares the rendering: both processes take the next item of the Work from a shared
# counter until none is left. A rebuild after one update renders a few dozen pages and formats
# the few feeds the update is in: forking for that costs more than it saves (see the
# performance notes). The helper does the same work about a half slower (it copies each
# memory page of the build it writes to, reference counts included), which the counter
# evens out.
PARALLEL_MIN_PAGES = 64
PARALLEL_MIN_INCIDENTS = 500


def _helper_share(work: Work, counter: SharedCounter) -> Received:
    """In the helper, which inherits `work` and `counter`: its share of the items."""
    return work.do_for_parent(counter.take(work.count))


@contextmanager
def _shared_rendering(work: Work) -> Iterator[tuple[Forked[Received], SharedCounter] | None]:
    """A forked helper and the counter both take items from, where that pays and is possible."""
    cache = work.side.output_cache
    worth_it = len(work.pages) >= PARALLEL_MIN_PAGES or (
        len(work.side.site.incidents) >= PARALLEL_MIN_INCIDENTS and (cache is None or cache.empty)
    )
    if not worth_it or not can_fork():
        yield None
        return
    counter = SharedCounter()
    compile_templates(work.job.env, sorted({SITEMAP, *(p.template for p in work.job.pages)}))
    with helper(partial(_helper_share, work, counter)) as forked:
        yield forked, counter


def compile_templates(env: jinja2.Environment, templates: Iterable[str]) -> None:
    """Compile templates before forking, so that only one process does it. A broken one is
    left for rendering to report, with the page it breaks."""
    for template in templates:
        with contextlib.suppress(Exception):
            env.get_template(template)


def _flat(path: str) -> str:
    return f"{path}index.html"


def _render_page(
    env: jinja2.Environment,
    page: Page,
    site_url: str,
    directory_urls: bool,
    css: str,
    tree_links: Links | None = None,
) -> str:
    is_404 = page.output == "404.html"
    site_path = urlsplit(site_url).path or "/"
    base = site_path if is_404 else "../" * page.depth
    component = (page.path.split("/")[1], page.title) if page.template == "component.html" else None
    links = feeds.page_links(page.context["lang"], component)
    alternates = tree_links.alternates(page, base) if tree_links is not None else []
    # The stylesheet and the API are the site's once, at its root: a language's pages link
    # there (`site_base`), and to their own tree's pages and feeds (`base`).
    prefix = tree_links.tree.prefix if tree_links is not None else ""
    site_base = base + "../" * prefix.count("/")
    if is_404:
        site_base = site_path.removesuffix(prefix) if prefix else site_path
    feed_links = [{"type": t, "title": title, "href": f"{base}{path}"} for t, title, path in links]
    context: dict[str, Any] = {
        **page.context,
        "base": base,
        "index": "" if directory_urls else "index.html",
        "page_path": page.path,
        "page_title": page.title,
        "feeds": feed_links,
        "canonical": f"{site_url.rstrip('/')}/{page.path}" if site_url and not is_404 else "",
        "inline_css": css if page.path == "" else "",
        "site_root": site_path,
        "alternates": alternates,
        "switcher": [a for a in alternates if a["hreflang"] != "x-default"],
        "site_base": site_base,
    }
    return env.get_template(page.template).render(context)
