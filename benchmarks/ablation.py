"""What each piece of the speed machinery saves a rebuild: the rebuild after one new update,
with one piece switched off at a time, against the same rebuild with everything on.

    python -m benchmarks.ablation --incidents 1000 --repeats 5

Every measured rebuild starts from the same state: an unmeasured rebuild with everything on
first brings the cache, the site and the spare up to date with one new update, then that
update is replaced by another and the measured rebuild runs. The variants take turns, so a
machine growing busier weighs on all of them alike. Times are taken inside the build's
process (no interpreter start-up), as the wall time of `build_site` and as the CPU time of
the process and its helpers; the table shows medians and the difference to everything on.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import corpus

Switch = Callable[[], None]


def _no_output_cache() -> None:
    from statuspress.incremental.outputcache import OutputCache

    OutputCache.get = lambda self, key: None  # type: ignore[method-assign]


def _no_markdown_memo() -> None:
    from statuspress.outputs import markdown

    original = markdown.Markdown.__init__

    def without(self: markdown.Markdown, memo: object = None) -> None:
        original(self, None)

    markdown.Markdown.__init__ = without  # type: ignore[method-assign]


def _one_process_rendering() -> None:
    from statuspress.outputs import render

    render.PARALLEL_MIN_PAGES = render.PARALLEL_MIN_INCIDENTS = 10**9


def _writer_thread() -> None:
    from statuspress.publishing import writer

    writer.WRITER_PROCESS_MIN_PAGES = 10**9


def _no_spare() -> None:
    from statuspress.publishing import build

    build.spare_worth_using = lambda spare, wanted: False  # type: ignore[assignment]


def _no_linking() -> None:
    from statuspress.incremental import spare

    original = spare.link_or_write

    def write(stage, live, name, pages, key, previous):  # type: ignore[no-untyped-def]
        return original(stage, live, name, pages, key, None)

    spare.link_or_write = write  # type: ignore[assignment]
    from statuspress.publishing import writer

    writer.link_or_write = write  # type: ignore[assignment]


def _no_guard_memory() -> None:
    from statuspress.incremental.store import TextStore
    from statuspress.publishing import leakguard

    original = TextStore.get

    def get(self: TextStore, key: bytes) -> object:
        return None if self.magic == leakguard.CLEAN_MAGIC else original(self, key)

    TextStore.get = get  # type: ignore[method-assign]


VARIANTS: dict[str, Switch | None] = {
    "everything on": None,
    "no output cache": _no_output_cache,
    "no Markdown memo": _no_markdown_memo,
    "rendering in one process": _one_process_rendering,
    "reused pages written by a thread": _writer_thread,
    "no spare site": _no_spare,
    "reused pages never linked": _no_linking,
    "leak guard forgets clean files": _no_guard_memory,
}


def run_one(variant: str, config: Path, site: Path) -> None:
    """In a fresh process: one build with `variant` switched off; prints seconds as JSON."""
    from statuspress.publishing.build import build_site

    switch = VARIANTS[variant]
    if switch is not None:
        switch()
    started = time.perf_counter()
    build_site(config, site, now=corpus.NOW)
    wall = time.perf_counter() - started
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in used)
    print(json.dumps({"wall": wall, "cpu": cpu}))


def _build(variant: str, config: Path, site: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ablation", "--one", variant, str(config), str(site)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def measure(incidents: int, shape: corpus.Shape, repeats: int, variants: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="statuspress-ablation-") as work:
        root = Path(work) / "root"
        stories = corpus.generate(incidents, corpus.DEFAULT_SEED, shape)
        config = corpus.write_site(root, stories)
        site = root / "site"
        _build("everything on", config, site)  # cold
        time.sleep(3.5)  # past the time stamp granularity records wait for
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
        number = 0
        for round_ in range(repeats):
            for variant in variants if round_ % 2 == 0 else list(reversed(variants)):
                number += 2
                settle = corpus.add_update(root, stories, number)
                _build("everything on", config, site)
                _remove(settle)
                added = corpus.add_update(root, stories, number + 1)
                runs[variant].append(_build(variant, config, site))
                _remove(added)
        return table(runs, incidents, shape.name, repeats)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def table(runs: dict[str, list[dict[str, float]]], incidents: int, shape: str, repeats: int) -> str:
    base = {k: statistics.median(r[k] for r in runs["everything on"]) for k in ("wall", "cpu")}
    lines = [
        f"Rebuild after one new update, {shape} shape, {incidents:,} incidents, "
        f"medians of {repeats} (inside the build's process):",
        "",
        "| variant | wall s | wall vs on | CPU s | CPU vs on |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, found in runs.items():
        wall = statistics.median(r["wall"] for r in found)
        cpu = statistics.median(r["cpu"] for r in found)
        lines.append(
            f"| {name} | {wall:.3f} | {wall - base['wall']:+.3f} | {cpu:.3f} | "
            f"{cpu - base['cpu']:+.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--shape", choices=sorted(corpus.SHAPES), default="standard")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help="comma-separated, from: " + ", ".join(VARIANTS),
    )
    parser.add_argument(
        "--one", nargs=3, metavar=("VARIANT", "CONFIG", "SITE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one:
        variant, config, site = args.one
        run_one(variant, Path(config), Path(site))
        return 0
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    if "everything on" not in variants:
        variants.insert(0, "everything on")
    print(measure(args.incidents, corpus.SHAPES[args.shape], args.repeats, variants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
