"""Time the stages statuspress owns before rendering pages: loading and Markdown.

Usage: python -m benchmarks.stages [--sizes 1000,10000]

In one process, on the benchmark corpus: loading the history with an empty and with a warm
front matter cache, and rendering every public text with an empty and with a warm Markdown
cache. The `baseline` columns switch the speed-ups off (pure-Python YAML, a new Markdown
converter per text, no cache), so the table shows what each one buys.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import markdown as md
from statuspress import cache
from statuspress import markdown as rendering
from statuspress.model import Site, load_settings, load_site, source

from . import corpus
from .run import parse_sizes


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
        with cache.used_by_build(cache_dir):
            result[f"load {label} cache"] = seconds(load)
            result[f"markdown {label} cache"] = seconds(render)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time loading and Markdown rendering.")
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    args = parser.parse_args(argv)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp) / "site"
            corpus.write_site(root, corpus.generate(size, args.seed))
            result = measure(root, Path(temp) / "cache")
            shutil.rmtree(root)
        cells = ", ".join(f"{k} {v:.2f} s" for k, v in result.items())
        print(f"{size:,} incidents: {cells}", flush=True)


if __name__ == "__main__":
    main()
