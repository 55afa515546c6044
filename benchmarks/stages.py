"""Time the stages statuspress owns before rendering pages: loading and Markdown; and the
guards that must stay fast whatever the input.

Usage: python -m benchmarks.stages [--sizes 1000,10000] [--guards]

In one process, on the benchmark corpus: loading the history with an empty and with a warm
front matter cache, and rendering every public text with an empty and with a warm Markdown
cache. The `baseline` columns switch the speed-ups off (pure-Python YAML, a new Markdown
converter per text, no cache), so the table shows what each one buys.

The guards come first (`--guards`: only them): refusing a YAML alias bomb (a billion
values) and the leak guard's scan of the example site's build, each against its budget.
The exit status is 1 if one went over, so a quiet machine can gate on it; the tests check
only that the bomb is refused and the example is clean, as wall-clock limits in a test
suite fail on a busy machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from unittest import mock

import markdown as md
from statuspress.configuration.settings import load_settings
from statuspress.incremental.cachekey import CacheFolder, CacheKey
from statuspress.incremental.memo import BuildMemos
from statuspress.model import Site, load_site, source
from statuspress.model.load import Readers
from statuspress.outputs import markdown as rendering
from statuspress.publishing.build import build_site
from statuspress.publishing.leakguard import scan_tree
from statuspress.publishing.loading import load_project

from . import corpus
from .run import REPO, parse_sizes

ALIAS_BOMB = (  # ten levels of ten aliases each: 10**10 values if expanded
    "---\n"
    + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    + "---\n"
)


def texts_of(site: Site) -> list[str]:
    """Every piece of public Markdown of the history, as the pages render it."""
    found: list[str] = []
    for incident in site.incidents:
        for update in incident.updates:
            found += [
                update.body,
                *(t for t in (update.apology, update.cause, update.workaround) if t),
            ]
        if incident.postmortem:
            found += [incident.postmortem.body, incident.postmortem.summary or ""]
    return found


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@contextmanager
def baseline() -> Iterator[None]:
    """The loader and renderer without their speed-ups: pure-Python YAML, a fresh converter."""

    def fresh(text: str, allow_raw_html: bool) -> str:
        converter = md.Markdown(extensions=rendering.EXTENSIONS, output_format="html")
        if not allow_raw_html:
            converter.preprocessors.deregister("html_block")
            converter.inlinePatterns.deregister("html")
        return rendering.sanitize(converter.convert(text))

    with (
        mock.patch.object(source, "_FAST_LOADER", None),
        mock.patch.object(rendering, "_render", fresh),
    ):
        yield


def measure(root: Path, cache_dir: Path) -> dict[str, float]:
    settings, _ = load_settings(root / "mkdocs.yml")
    assert settings is not None
    site, _ = load_site(root, settings)
    texts = texts_of(site)
    load = lambda: load_site(root, settings)  # noqa: E731
    render = lambda: [rendering.render_markdown(t) for t in texts]  # noqa: E731
    with baseline():
        result = {"load baseline": seconds(load)}
        rendering._render_memoized.cache_clear()
        result["markdown baseline"] = seconds(render)
    for label in ("empty", "warm"):
        cache = CacheFolder(cache_dir, CacheKey.for_build(cache_dir, root))
        with BuildMemos.opened(cache, rendering.FINGERPRINT) as memos:
            markdown = rendering.Markdown(memos.markdown)
            readers = Readers(memos.sources.parse, markdown)
            load_warm = partial(load_site, root, settings, None, readers)
            result[f"load {label} cache"] = seconds(load_warm)
            result[f"markdown {label} cache"] = seconds(partial(_render_all, markdown, texts))
    return result


def _render_all(markdown: rendering.Markdown, texts: list[str]) -> list[str]:
    return [markdown(text) for text in texts]


@dataclass(frozen=True)
class Guard:
    """A stage that must stay fast on any input, its budget in seconds, and its check."""

    name: str
    budget: float
    run: Callable[[Path], bool]  # False: it did not do its job
    prepare: Callable[[Path], object] | None = None  # untimed, on the same empty folder


def alias_bomb_refused(temp: Path) -> bool:
    """Loading a site whose one update is an alias bomb reports yaml-complexity."""
    corpus.write_site(temp, [])
    bomb = temp / "incidents" / "2026-11-20-api-errors" / "a.md"
    bomb.parent.mkdir(parents=True)
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    settings, _ = load_settings(temp / "mkdocs.yml")
    assert settings is not None
    _, diagnostics = load_site(temp, settings)
    return any(d.rule == "yaml-complexity" for d in diagnostics)


def example_scanned(site: Path) -> bool:
    """The leak guard finds nothing in the example site's build (built in `site` first)."""
    project = load_project(REPO / "mkdocs.yml", corpus.NOW)
    return scan_tree(site, project.root, project.settings) == []


def build_example(site: Path) -> None:
    build_site(REPO / "mkdocs.yml", site, now=corpus.NOW)


GUARDS = (
    Guard("alias bomb refused", 2.0, alias_bomb_refused),
    Guard("example site scanned by the leak guard", 2.0, example_scanned, build_example),
)


def time_guards() -> bool:
    """Print each guard's time against its budget; False if one failed or went over."""
    within = True
    for guard in GUARDS:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp) / "work"
            folder.mkdir()
            if guard.prepare:
                guard.prepare(folder)
            start = time.perf_counter()
            done = guard.run(folder)
            took = time.perf_counter() - start
        verdict = "ok" if done and took < guard.budget else "FAILED" if not done else "OVER"
        within = within and verdict == "ok"
        print(f"{guard.name}: {took:.3f} s (budget {guard.budget:g} s) {verdict}", flush=True)
    return within


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time loading and Markdown rendering.")
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--guards", action="store_true", help="time only the guards")
    args = parser.parse_args(argv)
    within = time_guards()
    for size in [] if args.guards else args.sizes:
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp) / "site"
            corpus.write_site(root, corpus.generate(size, args.seed))
            result = measure(root, Path(temp) / "cache")
            shutil.rmtree(root)
        cells = ", ".join(f"{k} {v:.2f} s" for k, v in result.items())
        print(f"{size:,} incidents: {cells}", flush=True)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
