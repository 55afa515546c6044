"""The build benchmark: statuspress against plain MkDocs on the same generated history.

Usage: python -m benchmarks.run [--sizes 100,1000,10000] [--repeats 3] [--seed 2026]
       [--shapes standard,settled] [--yardsticks mkdocs,lean] [--compare REV]

For each corpus shape (benchmarks/corpus.py) and size it measures, each in a fresh process:
the cold build (no cache, no output; the median of the repeats), the rebuild after one new
update to an unchanged history (warm cache), the same rebuild in a process that built the
site before (as `serve` rebuilds: no interpreter to start, no module to import), the peak
memory of the build, the number and size of the output files, the gzip size of the status
page, and the yardsticks
(benchmarks/yardstick.py): `mkdocs build` with no plugins over the same text as one page per
incident, with MkDocs' built-in `mkdocs` theme and with a lean one-template theme. Cold
builds and yardstick builds take turns, each round in the reverse order of the last, and
earlier outputs are set aside, to be deleted after the timed runs. It prints one table, with
the cold and rebuild ratios to each yardstick, and writes JSON to benchmarks/out/.

Before and after in the same run: `--compare REV` measures statuspress as of the git
revision REV beside this checkout, in the same rounds as the yardsticks (cold builds of both
and the yardsticks take turns; so do the rebuilds of both). REV's `generator/` and `theme/`
are taken with `git archive`, laid out as the installed package, and put first on
PYTHONPATH of REV's builds, so both run in this virtual environment, with the same MkDocs,
Markdown and Python: only statuspress's own code differs. The table then has a row per
revision, and the change (this checkout / REV) is printed below it. To compare versions
that need different dependencies, run the benchmark in each one's virtual environment in
turn, alternating, and compare the ratios, which each run measures against the same
yardsticks.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import corpus
from .yardstick import YARDSTICKS, write_yardstick

OUT = Path(__file__).resolve().parent / "out"
REPO = Path(__file__).resolve().parent.parent
BUILD = [
    sys.executable,
    "-c",
    "from statuspress.cli import run; run()",
    "build",
]
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
CACHE_DIR = ".statuspress-cache"


@dataclass(frozen=True)
class Run:
    """One build in its own process: wall time and peak resident memory."""

    seconds: float
    max_rss_mb: float


@dataclass(frozen=True)
class Checkout:
    """A statuspress to measure: this checkout, or a revision extracted for --compare."""

    label: str
    env: dict[str, str] | None = None  # None: this process's environment


@dataclass(frozen=True)
class Build:
    """A command to time, where it runs, and the outputs to set aside before each run."""

    command: list[str]
    cwd: Path
    outputs: tuple[Path, ...]
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Yardstick:
    """One plain MkDocs site, measured in the same rounds as the cold builds."""

    seconds: float
    runs: list[float]
    peak_memory_mb: float


@dataclass(frozen=True)
class Result:
    """Everything measured for one shape, size and checkout."""

    shape: str
    incidents: int
    checkout: str
    update_files: int
    cold_seconds: float
    cold_runs: list[float]
    rebuild_seconds: float
    rebuild_runs: list[float]
    peak_memory_mb: float
    output_files: int
    output_bytes: int
    status_page_bytes: int
    status_page_gzip_bytes: int
    yardsticks: dict[str, Yardstick] = field(default_factory=dict)
    cold_ratios: dict[str, float] = field(default_factory=dict)  # cold build / yardstick
    rebuild_ratios: dict[str, float] = field(default_factory=dict)  # rebuild / yardstick
    # The same rebuild in a process that has built the site before, as `serve` rebuilds it.
    serve_seconds: float = 0.0
    serve_runs: list[float] = field(default_factory=list)
    serve_ratios: dict[str, float] = field(default_factory=dict)  # serve rebuild / yardstick


class BuildFailed(RuntimeError):
    """A measured command exited with an error; carries the end of its output."""


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command`, return its wall time and its own peak RSS (from wait4, not guessed)."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace")[-3000:]
            raise BuildFailed(f"{' '.join(command[-6:])} exited {process.returncode}:\n{tail}")
    return Run(seconds=seconds, max_rss_mb=usage.ru_maxrss / 1024)


def build_command(config: Path, site: Path, strict: bool) -> list[str]:
    now = corpus.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        *BUILD,
        "-f",
        str(config),
        "-d",
        str(site),
        "--now",
        now,
        *(["--strict"] if strict else []),
    ]


def in_turns(builds: dict[str, Build], repeats: int, trash: Path) -> dict[str, list[Run]]:
    """Every build once per round, each round in the reverse order of the last, so that a
    machine growing faster or slower during the run weighs on all of them alike."""
    runs: dict[str, list[Run]] = {name: [] for name in builds}
    names = list(builds)
    for index in range(repeats):
        for name in reversed(names) if index % 2 else names:
            build = builds[name]
            set_aside(trash, *build.outputs)
            runs[name].append(timed(build.command, build.cwd, build.env))
    return runs


def set_aside(trash: Path, *paths: Path) -> None:
    """Move earlier outputs out of the way, then write everything pending to disk, so that a
    timed build neither follows a mass deletion nor shares the disk with the write-back of
    earlier runs. The outputs are deleted once every run is timed: on ext4, creating files
    is much slower for a while after thousands were deleted (it passes over recently freed
    inodes), which would slow whichever build came next."""
    trash.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            path.rename(trash / str(sum(1 for _ in trash.iterdir())))
    os.sync()


@dataclass(frozen=True)
class Tree:
    """One checkout's copy of the site root, and where its builds write."""

    checkout: Checkout
    config: Path
    site: Path


def rebuilds(
    trees: list[Tree], stories: list[corpus.Story], repeats: int, strict: bool
) -> dict[str, list[Run]]:
    """Each run adds one new update (new text) to the unchanged history, with the warm cache
    of the last build; the checkouts take turns as the cold builds do."""
    runs: dict[str, list[Run]] = {tree.checkout.label: [] for tree in trees}
    for index in range(repeats):
        for tree in reversed(trees) if index % 2 else trees:
            root = tree.config.parent
            added = corpus.add_update(root, stories, index)
            command = build_command(tree.config, tree.site, strict)
            runs[tree.checkout.label].append(timed(command, root, tree.checkout.env))
            _remove(added)
    return runs


# One process builds the site as `serve` does on start, then times each rebuild after one new
# update: what a change costs once Python and the modules are loaded. Prints the seconds.
SERVED = (
    "import json, shutil, sys, time\n"
    "from pathlib import Path\n"
    "from statuspress.publishing.build import build_site\n"
    "from benchmarks import corpus\n"
    "config, site, size, seed, shape, repeats, strict = sys.argv[1:]\n"
    "config, site = Path(config), Path(site)\n"
    "stories = corpus.generate(int(size), int(seed), corpus.SHAPES[shape])\n"
    "try:  # what serve keeps between its builds, where the measured version has it\n"
    "    from statuspress.incremental.records import DecodedPacks\n"
    "    kept = {'decoded': DecodedPacks()}\n"
    "except ImportError:\n"
    "    kept = {}\n"
    "build_site(config, site, corpus.NOW, strict=strict == '1', **kept)\n"
    "seconds = []\n"
    "for index in range(int(repeats)):\n"
    "    added = corpus.add_update(config.parent, stories, index)\n"
    "    start = time.perf_counter()\n"
    "    build_site(config, site, corpus.NOW, strict=strict == '1', **kept)\n"
    "    seconds.append(time.perf_counter() - start)\n"
    "    shutil.rmtree(added) if added.is_dir() else added.unlink()\n"
    "print(json.dumps(seconds))\n"
)


def served_rebuilds(
    trees: list[Tree], size: int, options: Options, shape: corpus.Shape
) -> dict[str, list[float]]:
    """Per checkout, the rebuilds inside one long-lived process (see SERVED)."""
    found = {}
    for tree in trees:
        env = dict(tree.checkout.env or os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(REPO)]))
        arguments = [str(tree.config), str(tree.site), str(size), str(options.seed)]
        arguments += [shape.name, str(options.repeats), "1" if options.strict else "0"]
        shown = subprocess.run(
            [sys.executable, "-c", SERVED, *arguments],
            cwd=tree.config.parent,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode != 0:
            raise BuildFailed(
                f"the served rebuilds exited {shown.returncode}:\n{shown.stderr[-3000:]}"
            )
        found[tree.checkout.label] = json.loads(shown.stdout.strip().splitlines()[-1])
    return found


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def output_stats(site: Path) -> tuple[int, int, int, int]:
    """(files, bytes, status page bytes, status page gzip bytes) of a built site."""
    files = [p for p in site.rglob("*") if p.is_file()]
    page = (site / "index.html").read_bytes()
    gzipped = gzip.compress(page, compresslevel=9, mtime=0)
    return len(files), sum(p.stat().st_size for p in files), len(page), len(gzipped)


@dataclass(frozen=True)
class Options:
    repeats: int
    seed: int
    strict: bool
    profile: Path | None  # folder for cProfile reports of one cold build per shape and size
    yardsticks: tuple[str, ...] = YARDSTICKS
    checkouts: tuple[Checkout, ...] = (Checkout("this checkout"),)
    languages: tuple[str, ...] = ()  # the site's other languages (`languages:`)


def measure(shape: corpus.Shape, size: int, options: Options, work: Path) -> list[Result]:
    """One Result per checkout: cold builds and yardsticks in turns, then the rebuilds."""
    stories = corpus.generate(size, options.seed, shape)
    trees = [
        Tree(
            checkout,
            corpus.write_site(work / f"root-{n}", stories, options.languages),
            work / f"site-{n}",
        )
        for n, checkout in enumerate(options.checkouts)
    ]
    builds = {f"cold {tree.checkout.label}": cold_build(tree, options.strict) for tree in trees}
    for name in options.yardsticks:
        config = write_yardstick(work / f"yardstick-{name}", stories, name)
        site = work / f"yardstick-{name}-site"
        builds[name] = Build([*MKDOCS, "-f", str(config), "-d", str(site)], config.parent, (site,))
    what = f"{shape.name}, {size} incidents"
    _log(f"{what}: cold builds and the yardsticks ({', '.join(options.yardsticks)}), in turns")
    runs = in_turns(builds, options.repeats, work / "set-aside")
    outputs = {tree.checkout.label: output_stats(tree.site) for tree in trees}
    _log(f"{what}: rebuilds after one new update")
    warm = rebuilds(trees, stories, options.repeats, options.strict)
    _log(f"{what}: rebuilds in a process that built the site before, as `serve` rebuilds")
    served = served_rebuilds(trees, size, options, shape)
    if options.profile:
        _log(f"{what}: profiling one cold build")
        report = options.profile / f"profile-{shape.name}-{size}.txt"
        profile_build(trees[0].config, work / "profiled-site", report)
    yardsticks = {
        name: Yardstick(
            _median(runs[name]), _seconds(runs[name]), max(r.max_rss_mb for r in runs[name])
        )
        for name in options.yardsticks
    }
    return [
        result(
            shape,
            stories,
            tree.checkout.label,
            runs[f"cold {tree.checkout.label}"],
            warm[tree.checkout.label],
            outputs[tree.checkout.label],
            yardsticks,
            served[tree.checkout.label],
        )
        for tree in trees
    ]


def cold_build(tree: Tree, strict: bool) -> Build:
    """No cache and no output folder: both are set aside before every run."""
    root = tree.config.parent
    command = build_command(tree.config, tree.site, strict)
    return Build(command, root, (root / CACHE_DIR, tree.site), tree.checkout.env)


def result(
    shape: corpus.Shape,
    stories: list[corpus.Story],
    checkout: str,
    cold: list[Run],
    warm: list[Run],
    outputs: tuple[int, int, int, int],
    yardsticks: dict[str, Yardstick],
    served: list[float],
) -> Result:
    cold_s, warm_s, served_s = _median(cold), _median(warm), statistics.median(served)
    files, size_bytes, page_bytes, page_gzip = outputs
    return Result(
        shape=shape.name,
        incidents=len(stories),
        checkout=checkout,
        update_files=sum(len(s.posts) for s in stories),
        cold_seconds=cold_s,
        cold_runs=_seconds(cold),
        rebuild_seconds=warm_s,
        rebuild_runs=_seconds(warm),
        peak_memory_mb=max(r.max_rss_mb for r in cold + warm),
        output_files=files,
        output_bytes=size_bytes,
        status_page_bytes=page_bytes,
        status_page_gzip_bytes=page_gzip,
        yardsticks=yardsticks,
        cold_ratios={name: cold_s / y.seconds for name, y in yardsticks.items()},
        rebuild_ratios={name: warm_s / y.seconds for name, y in yardsticks.items()},
        serve_seconds=served_s,
        serve_runs=[round(seconds, 3) for seconds in served],
        serve_ratios={name: served_s / y.seconds for name, y in yardsticks.items()},
    )


PROFILED = (
    "import cProfile, pstats, sys\n"
    "from statuspress.cli import main\n"
    "target = sys.argv.pop(1)\n"
    "profile = cProfile.Profile()\n"
    "try:\n"
    "    profile.runcall(main, prog_name='statuspress')\n"
    "except SystemExit:\n"
    "    pass\n"
    "with open(target, 'w') as out:\n"
    "    for key in ('cumulative', 'tottime'):\n"
    "        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(40)\n"
)


def profile_build(config: Path, site: Path, report: Path) -> Path:
    """One cold build under cProfile; the report lists the 40 costliest calls both ways."""
    shutil.rmtree(config.parent / CACHE_DIR, ignore_errors=True)
    report.parent.mkdir(parents=True, exist_ok=True)
    command = build_command(config, site, strict=False)
    timed([sys.executable, "-c", PROFILED, str(report), *command[3:]], config.parent)
    return report


def _median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _seconds(runs: list[Run]) -> list[float]:
    return [round(r.seconds, 3) for r in runs]


def _log(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, object]:
    return {
        "commit": _git("rev-parse", "--short", "HEAD") or None,
        "cpus": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _git(*arguments: str) -> str:
    """git's output in this repository, or '' where git or the revision is missing."""
    try:
        done = subprocess.run(
            ["git", *arguments], capture_output=True, text=True, cwd=REPO, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


class CompareFailed(RuntimeError):
    """--compare names no usable revision."""


def this_checkout() -> Checkout:
    """The statuspress this interpreter imports, labelled by its commit ('-dirty' if edited)."""
    return Checkout(_git("describe", "--always", "--dirty") or "this checkout")


def extract(revision: str, into: Path) -> Checkout:
    """statuspress's package and theme at `revision`, laid out as installed (statuspress/ and
    statuspress/theme/) and compiled; first on PYTHONPATH, it is imported instead of ours."""
    commit = _git("rev-parse", "--verify", "--quiet", "--short", f"{revision}^{{commit}}")
    if not commit:
        raise CompareFailed(f"'{revision}' is not a commit of this repository")
    archive = subprocess.run(
        ["git", "archive", commit, "generator", "theme"], cwd=REPO, capture_output=True
    )
    if archive.returncode != 0:
        raise CompareFailed(f"{commit} has no generator/ and theme/ to build with")
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12 and later
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # our own repository's archive
    package = into / "statuspress"
    (into / "generator").rename(package)
    (into / "theme").rename(package / "theme")
    _bridge_entry_point(package)
    compileall.compile_dir(package, quiet=1)
    paths = [str(into), *filter(None, [os.environ.get("PYTHONPATH")])]
    checkout = Checkout(commit, {**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    _check_imports(checkout, package)
    return checkout


# Where the installed MkDocs entry point finds the plugin, and where it was before the
# package was laid out in stage folders.
ENTRY_POINT_MODULE = Path("publishing", "plugin.py")
OLD_PLUGIN_MODULE = "statuspress.plugin"


def _bridge_entry_point(package: Path) -> None:
    """A revision from before the stage folders has its plugin in `statuspress/plugin.py`:
    give it the module the installed entry point names, so MkDocs loads that revision's
    plugin (else the editable install's would be loaded, and the build refuse it)."""
    if (package / ENTRY_POINT_MODULE).exists() or not (package / "plugin.py").exists():
        return
    folder = package / ENTRY_POINT_MODULE.parent
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    (package / ENTRY_POINT_MODULE).write_text(
        f"from {OLD_PLUGIN_MODULE} import StatusPressPlugin  # noqa: F401\n", encoding="utf-8"
    )


def _check_imports(checkout: Checkout, package: Path) -> None:
    """Fail unless the checkout's builds import its package and theme, not this checkout's."""
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import statuspress.theme as t, statuspress.cli as c; "
            "print(t.__file__); print(c.__file__)",
        ],
        env=checkout.env,
        capture_output=True,
        text=True,
        check=False,
    )
    files = [Path(line) for line in shown.stdout.splitlines()]
    if shown.returncode != 0 or len(files) != 2 or not all(package in f.parents for f in files):
        raise CompareFailed(
            f"{checkout.label} does not import from {package}: {shown.stderr[-500:]}"
        )


def columns(yardsticks: Iterable[str]) -> list[tuple[str, str]]:
    """(key, label) per table column; a key 'name/cold' is the cold ratio to yardstick name."""
    names = list(yardsticks)
    return [
        ("shape", "shape"),
        ("incidents", "incidents"),
        ("update_files", "updates"),
        ("checkout", "statuspress"),
        ("cold_seconds", "cold s"),
        *((f"{name}/seconds", f"{name} s") for name in names),
        *((f"{name}/cold", f"cold/{name}") for name in names),
        ("rebuild_seconds", "rebuild s"),
        *((f"{name}/rebuild", f"rebuild/{name}") for name in names),
        ("serve_seconds", "serve rebuild s"),
        *((f"{name}/serve", f"serve/{name}") for name in names),
        ("peak_memory_mb", "peak MB"),
        ("output_files", "files"),
        ("output_bytes", "output MB"),
        ("status_page_gzip_bytes", "status gz KB"),
    ]


def table(results: list[Result], info: dict[str, object]) -> str:
    """A Markdown table of the results, for the docs; with --compare, the change too."""
    shown = columns(results[0].yardsticks if results else ())
    head = "| " + " | ".join(label for _, label in shown) + " |"
    rule = "|" + "|".join("---" if key in TEXT else "---:" for key, _ in shown) + "|"
    rows = ["| " + " | ".join(_cell(r, key) for key, _ in shown) + " |" for r in results]
    note = (
        f"{info['cpus']} CPUs (nproc {info['cpus_available']}), Python {info['python']}, "
        f"median of {info['repeats']} runs, seed {info['seed']}"
    )
    return "\n".join([head, rule, *rows, "", note, *changes(results)])


TEXT = ("shape", "checkout")


def _cell(result: Result, key: str) -> str:
    name, _, part = key.partition("/")
    if part == "seconds":
        return f"{result.yardsticks[name].seconds:.2f}"
    if part:
        ratios = {
            "cold": result.cold_ratios,
            "rebuild": result.rebuild_ratios,
            "serve": result.serve_ratios,
        }[part]
        return f"{ratios[name]:.2f}"
    value = getattr(result, key)
    if key == "output_bytes":
        return f"{value / 1e6:.1f}"
    if key == "status_page_gzip_bytes":
        return f"{value / 1024:.1f}"
    if key == "peak_memory_mb":
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def changes(results: list[Result]) -> list[str]:
    """With --compare, per shape and size: this checkout's medians over the other's."""
    together: dict[tuple[str, int], list[Result]] = {}
    for result in results:
        together.setdefault((result.shape, result.incidents), []).append(result)
    lines = []
    for ours, theirs in (group for group in together.values() if len(group) == 2):
        lines.append(
            f"{ours.shape}, {ours.incidents:,} incidents: {ours.checkout} / {theirs.checkout}"
            f" = {ours.cold_seconds / theirs.cold_seconds:.2f}× cold, "
            f"{ours.rebuild_seconds / theirs.rebuild_seconds:.2f}× rebuild, "
            f"{ours.serve_seconds / theirs.serve_seconds:.2f}× serve rebuild"
        )
    return ["", *lines] if lines else []


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list like 100,1000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be whole numbers of at least 1")
    return sizes


def names_from(choices: Iterable[str]) -> Callable[[str], list[str]]:
    """An argparse type: a comma-separated list of some of `choices`, in their order."""
    known = list(choices)

    def parse(text: str) -> list[str]:
        asked = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [name for name in asked if name not in known]
        if unknown or not asked:
            raise argparse.ArgumentTypeError(
                f"'{text}': choose from {', '.join(known)} (comma-separated)"
            )
        return [name for name in known if name in asked]

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark statuspress against plain MkDocs.")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[100, 1000, 10000],
        help="incident counts, comma-separated (default 100,1000,10000)",
    )
    parser.add_argument(
        "--shapes",
        type=names_from(corpus.SHAPES),
        default=list(corpus.SHAPES),
        help=f"corpus shapes, comma-separated (default {','.join(corpus.SHAPES)})",
    )
    parser.add_argument(
        "--yardsticks",
        type=names_from(YARDSTICKS),
        default=list(YARDSTICKS),
        help=f"plain MkDocs sites to compare with (default {','.join(YARDSTICKS)})",
    )
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="also measure statuspress as of this git revision, in the same rounds",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=OUT, help="where the JSON goes")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="build with --strict (the standard shape only: the settled one warns)",
    )
    parser.add_argument(
        "--languages",
        type=lambda text: tuple(code for code in text.split(",") if code),
        default=(),
        help="build the site in these other languages too, e.g. fr,ja (plugin option `languages:`)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    parser.add_argument(
        "--profile", action="store_true", help="also write a cProfile report per shape and size"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.strict and args.shapes != [corpus.STANDARD.name]:
        parser.error("--strict needs --shapes standard: the settled shape has warnings")
    compile_bytecode()
    works = args.out / "work"
    shutil.rmtree(works, ignore_errors=True)
    try:
        return measure_all(args, works)
    finally:
        if not args.keep:  # only now: see set_aside
            shutil.rmtree(works, ignore_errors=True)


def measure_all(args: argparse.Namespace, works: Path) -> int:
    """Every shape and size, for this checkout and the one --compare names."""
    checkouts = [this_checkout()]
    if args.compare:
        try:
            other = extract(args.compare, works / "compare")
        except CompareFailed as failure:
            print(f"benchmark: --compare: {failure}", file=sys.stderr)
            return 1
        if other.label == checkouts[0].label:  # the same commit, unedited: keep rows apart
            other = Checkout(f"{other.label} (--compare)", other.env)
        checkouts.append(other)
    info = {
        **machine(),
        "repeats": args.repeats,
        "seed": args.seed,
        "shapes": args.shapes,
        "yardsticks": args.yardsticks,
        "checkouts": [c.label for c in checkouts],
        "languages": list(args.languages),
    }
    options = Options(
        args.repeats,
        args.seed,
        args.strict,
        args.out if args.profile else None,
        tuple(args.yardsticks),
        tuple(checkouts),
        args.languages,
    )
    results = []
    for name in args.shapes:
        for size in args.sizes:
            try:
                results += measure(corpus.SHAPES[name], size, options, works / name / str(size))
            except BuildFailed as failure:
                print(f"benchmark failed at {name}, {size} incidents: {failure}", file=sys.stderr)
                return 1
    write_results(args.out, results, info)
    print(table(results, info))
    return 0


def compile_bytecode() -> None:
    """Compile statuspress's modules, as pip does when it installs a package: a checkout
    installed in editable mode, run with PYTHONDONTWRITEBYTECODE set, would otherwise compile
    them in every timed build, which no installed copy does (MkDocs' are compiled already)."""
    import statuspress

    compileall.compile_dir(Path(statuspress.__file__).parent, quiet=1)


def write_results(out: Path, results: list[Result], info: dict[str, object]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    sizes = dict.fromkeys(str(r.incidents) for r in results)
    target = out / f"results-{'-'.join(sizes)}.json"
    payload = {"machine": info, "results": [asdict(r) for r in results]}
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    sys.exit(main())
