"""The build benchmark: statuspress against plain MkDocs on the same generated history.

Usage: python -m benchmarks.run [--sizes 100,1000,10000] [--repeats 3] [--seed 2026]

For each size it measures, each in a fresh process: the cold build (no cache, no output; the
median of the repeats), the rebuild after one new update to an unchanged history (warm
cache), the peak memory of the build, the number and size of the output files, the gzip
size of the status page, and the yardstick: `mkdocs build` with the built-in `mkdocs` theme
and no plugins over the same text as one page per incident. Cold builds and yardstick builds
take turns, and earlier outputs are set aside, to be deleted after the timed runs. It prints
a table and writes JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import corpus
from .yardstick import write_yardstick

OUT = Path(__file__).resolve().parent / "out"
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
class Result:
    """Everything measured for one history size."""

    incidents: int
    update_files: int
    cold_seconds: float
    cold_runs: list[float]
    rebuild_seconds: float
    rebuild_runs: list[float]
    yardstick_seconds: float
    yardstick_runs: list[float]
    peak_memory_mb: float
    yardstick_peak_memory_mb: float
    output_files: int
    output_bytes: int
    status_page_bytes: int
    status_page_gzip_bytes: int
    cold_ratio: float  # cold build / yardstick
    rebuild_ratio: float  # rebuild after one update / yardstick


class BuildFailed(RuntimeError):
    """A measured command exited with an error; carries the end of its output."""


def timed(command: list[str], cwd: Path) -> Run:
    """Run `command`, return its wall time and its own peak RSS (from wait4, not guessed)."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
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


def cold_and_yardstick_builds(
    config: Path, site: Path, yard_config: Path, yard_site: Path, options: Options, trash: Path
) -> tuple[list[Run], list[Run]]:
    """Cold builds (no cache, no output folder) and plain MkDocs builds, taken in turns and
    each pair in the other order from the last, so that a machine growing faster or slower
    during the run weighs on both alike."""
    builds = {
        "cold": (
            build_command(config, site, options.strict),
            config.parent,
            (config.parent / CACHE_DIR, site),
        ),
        "yardstick": (
            [*MKDOCS, "-f", str(yard_config), "-d", str(yard_site)],
            yard_config.parent,
            (yard_site,),
        ),
    }
    runs: dict[str, list[Run]] = {name: [] for name in builds}
    for index in range(options.repeats):
        for name in sorted(builds, reverse=index % 2 == 1):
            command, cwd, outputs = builds[name]
            set_aside(trash, *outputs)
            runs[name].append(timed(command, cwd))
    return runs["cold"], runs["yardstick"]


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


def rebuilds(
    config: Path, site: Path, stories: list[corpus.Story], repeats: int, strict: bool
) -> list[Run]:
    """Each run adds one new update (new text) to the unchanged history, with a warm cache."""
    runs = []
    for index in range(repeats):
        added = corpus.add_update(config.parent, stories, index)
        runs.append(timed(build_command(config, site, strict), config.parent))
        added.unlink()
    return runs


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
    profile: Path | None  # folder for cProfile reports of one cold build per size


def measure(size: int, options: Options, work: Path) -> Result:
    repeats, strict = options.repeats, options.strict
    stories = corpus.generate(size, options.seed)
    config = corpus.write_site(work / "site-root", stories)
    yard_config = write_yardstick(work / "yardstick", stories)
    site = work / "site"
    _log(f"{size} incidents: cold builds and the plain MkDocs yardstick, in turns")
    cold, yard = cold_and_yardstick_builds(
        config, site, yard_config, work / "yardstick-site", options, work / "set-aside"
    )
    files, size_bytes, page_bytes, page_gzip = output_stats(site)
    _log(f"{size} incidents: rebuilds after one new update")
    warm = rebuilds(config, site, stories, repeats, strict)
    if options.profile:
        _log(f"{size} incidents: profiling one cold build")
        profile_build(config, work / "profiled-site", options.profile / f"profile-{size}.txt")
    cold_s, warm_s, yard_s = (_median(r) for r in (cold, warm, yard))
    return Result(
        incidents=size,
        update_files=sum(len(s.posts) for s in stories),
        cold_seconds=cold_s,
        cold_runs=_seconds(cold),
        rebuild_seconds=warm_s,
        rebuild_runs=_seconds(warm),
        yardstick_seconds=yard_s,
        yardstick_runs=_seconds(yard),
        peak_memory_mb=max(r.max_rss_mb for r in cold + warm),
        yardstick_peak_memory_mb=max(r.max_rss_mb for r in yard),
        output_files=files,
        output_bytes=size_bytes,
        status_page_bytes=page_bytes,
        status_page_gzip_bytes=page_gzip,
        cold_ratio=cold_s / yard_s,
        rebuild_ratio=warm_s / yard_s,
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
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
        check=False,
    ).stdout.strip()
    return {
        "commit": commit or None,
        "cpus": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


COLUMNS = (
    ("incidents", "incidents", "{:,}"),
    ("update_files", "updates", "{:,}"),
    ("cold_seconds", "cold s", "{:.2f}"),
    ("yardstick_seconds", "mkdocs s", "{:.2f}"),
    ("cold_ratio", "cold/mkdocs", "{:.2f}"),
    ("rebuild_seconds", "rebuild s", "{:.2f}"),
    ("rebuild_ratio", "rebuild/mkdocs", "{:.2f}"),
    ("peak_memory_mb", "peak MB", "{:.0f}"),
    ("output_files", "files", "{:,}"),
    ("output_bytes", "output MB", None),
    ("status_page_gzip_bytes", "status gz KB", None),
)


def table(results: list[Result], info: dict[str, object]) -> str:
    """A Markdown table of the results, ready for the performance page of the docs."""
    head = "| " + " | ".join(label for _, label, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    rows = [
        "| " + " | ".join(_cell(r, key, fmt) for key, _, fmt in COLUMNS) + " |" for r in results
    ]
    note = (
        f"{info['cpus']} CPUs (nproc {info['cpus_available']}), Python {info['python']}, "
        f"median of {info['repeats']} runs, seed {info['seed']}"
    )
    return "\n".join([head, rule, *rows, "", note])


def _cell(result: Result, key: str, fmt: str | None) -> str:
    value = getattr(result, key)
    if key == "output_bytes":
        return f"{value / 1e6:.1f}"
    if key == "status_page_gzip_bytes":
        return f"{value / 1024:.1f}"
    return fmt.format(value) if fmt else str(value)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list like 100,1000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be whole numbers of at least 1")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark statuspress against plain MkDocs.")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[100, 1000, 10000],
        help="incident counts, comma-separated (default 100,1000,10000)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=OUT, help="where the JSON goes")
    parser.add_argument("--strict", action="store_true", help="build with --strict")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    parser.add_argument(
        "--profile", action="store_true", help="also write a cProfile report per size"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    info = {**machine(), "repeats": args.repeats, "seed": args.seed}
    compile_bytecode()
    options = Options(args.repeats, args.seed, args.strict, args.out if args.profile else None)
    results = []
    works = args.out / "work"
    shutil.rmtree(works, ignore_errors=True)
    try:
        for size in args.sizes:
            try:
                results.append(measure(size, options, works / str(size)))
            except BuildFailed as failure:
                print(f"benchmark failed at {size} incidents: {failure}", file=sys.stderr)
                return 1
    finally:
        if not args.keep:  # only now: see set_aside
            shutil.rmtree(works, ignore_errors=True)
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
    target = out / f"results-{'-'.join(str(r.incidents) for r in results)}.json"
    payload = {"machine": info, "results": [asdict(r) for r in results]}
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    sys.exit(main())
