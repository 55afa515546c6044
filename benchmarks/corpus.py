"""A deterministic incident history for benchmarks: N incidents over five years, 20 components.

Usage: python -m benchmarks.corpus OUT_DIR --incidents 1000 [--seed 2026] [--shape settled]

Both shapes have 20 components in 4 groups, incidents of 3 to 8 updates and maintenances of
3, over the five years before the build clock NOW. The same seed and shape give the same
bytes. Every promise is kept, every first major update apologizes, every resolution thanks
and apologizes, and a resolution announces a postmortem only when one follows.

- `standard`: 12% maintenance; every major and critical incident has its postmortem; the
  history ends with one open incident and one upcoming maintenance. It passes `statuspress
  check --strict`. The rebuild benchmark adds an update to the open incident.
- `settled`: 10% maintenance; a third of the major and critical incidents have a
  postmortem; every incident is closed. `check` warns about each missing postmortem
  (postmortem-missing), as it would on such a site. The rebuild benchmark opens a new
  incident, the one update a history with none open gets.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from statuspress.clock import format_duration

from . import text as t

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
SPAN = timedelta(days=5 * 365)
DEFAULT_SEED = 2026
IMPACTS = (("none", 4), ("minor", 50), ("major", 36), ("critical", 10))
ACK_MINUTES = {"critical": 9, "major": 14, "minor": 29, "none": 29}
CADENCE = {  # minutes until the next update, per impact and status (the lint's limits)
    "critical": {"investigating": 20, "identified": 20, "monitoring": 30},
    "major": {"investigating": 30, "identified": 30, "monitoring": 60},
    "minor": {"investigating": 60, "identified": 60, "monitoring": 60},
    "none": {"investigating": 60, "identified": 60, "monitoring": 60},
}
WORSE = {
    "critical": ("major_outage", "partial_outage"),
    "major": ("major_outage", "degraded_performance"),
    "minor": ("partial_outage", "degraded_performance"),
    "none": ("degraded_performance", "degraded_performance"),
}
OPEN_PROMISE = "20m"  # within the cadence of every impact and status
COMPONENTS = tuple(
    (cid, name, group) for group, members in t.GROUPS.items() for cid, name in members
)


@dataclass(frozen=True)
class Shape:
    """How a history is made up (see the module docstring)."""

    name: str
    maintenance_share: float
    postmortem_share: float  # of the resolved major and critical incidents
    ends_open: bool  # one open incident and one upcoming maintenance at NOW


STANDARD = Shape("standard", maintenance_share=0.12, postmortem_share=1.0, ends_open=True)
SETTLED = Shape("settled", maintenance_share=0.10, postmortem_share=1 / 3, ends_open=False)
SHAPES = {shape.name: shape for shape in (STANDARD, SETTLED)}


@dataclass(frozen=True)
class Post:
    """One update file: its time, status, other front matter keys in order, and body."""

    at: datetime
    status: str
    meta: dict[str, object] = field(default_factory=dict)
    body: str = ""

    @property
    def file(self) -> str:
        return f"{self.at.strftime('%Y%m%dT%H%MZ')}-{self.status}.md"


@dataclass(frozen=True)
class Story:
    """One incident or maintenance of the corpus."""

    id: str
    title: str
    impact: str
    posts: tuple[Post, ...]
    postmortem: dict[str, object] | None = None
    postmortem_body: str = ""


def generate(count: int, seed: int = DEFAULT_SEED, shape: Shape = STANDARD) -> list[Story]:
    """`count` incidents: the closed history and, if the shape ends open, one open incident
    and one upcoming maintenance."""
    rng = random.Random(seed)
    closed = max(count - 2, 0) if shape.ends_open else count
    first = NOW - SPAN
    usable = (SPAN - timedelta(days=4)).total_seconds()
    starts = sorted(first + timedelta(seconds=int(rng.random() * usable)) for _ in range(closed))
    stories = [_closed(rng, start, shape) for start in starts]
    specials = [_open_incident(rng), _upcoming_maintenance(rng)][: count - closed]
    return _unique_ids([*stories, *specials])


def _closed(rng: random.Random, start: datetime, shape: Shape) -> Story:
    if rng.random() < shape.maintenance_share:
        return _maintenance(rng, start.replace(hour=rng.choice((1, 2, 3, 22, 23)), minute=0))
    return _incident(rng, start.replace(second=0), rng.randint(3, 8), True, shape.postmortem_share)


def _affected(rng: random.Random, impact: str) -> tuple[str, dict[str, str]]:
    primary = rng.choice(COMPONENTS)
    siblings = [c for c in COMPONENTS if c[2] == primary[2] and c is not primary]
    others = rng.sample(siblings, rng.randint(0, 2))
    worst, milder = WORSE[impact]
    states = {primary[0]: worst, **{c[0]: milder for c in others}}
    return primary[1], states


def _statuses(rng: random.Random, count: int, resolved: bool) -> list[str]:
    middle_count = count - 2 if resolved else count - 1
    pool = ("investigating", "identified", "identified", "monitoring", "monitoring")
    middle = sorted(
        (rng.choice(pool) for _ in range(middle_count)),
        key=lambda s: ("investigating", "identified", "monitoring").index(s),
    )
    return ["investigating", *middle, *(["resolved"] if resolved else [])]


def _times(
    rng: random.Random, started: datetime, impact: str, statuses: list[str]
) -> list[tuple[datetime, int]]:
    """(at, promised minutes) per update: every update arrives before the last promise."""
    at = started + timedelta(minutes=rng.randint(2, ACK_MINUTES[impact]))
    times = []
    for status in statuses:
        promise = CADENCE[impact].get(status, 0)
        times.append((at, promise))
        at += timedelta(minutes=rng.randint(max(4, promise // 3), max(5, promise - 3)))
    return times


def _incident(
    rng: random.Random,
    started: datetime,
    count: int,
    resolved: bool,
    postmortem_share: float = 0.0,
) -> Story:
    """An incident of `count` updates; `postmortem_share` of the serious resolved ones have
    a postmortem (or announce one still to be published)."""
    impact = rng.choices([i for i, _ in IMPACTS], weights=[w for _, w in IMPACTS])[0]
    name, states = _affected(rng, impact)
    statuses = _statuses(rng, count, resolved)
    times = _times(rng, started, impact, statuses)
    title, facts = t.slots(rng, name, started.strftime("%H:%M"))
    ends = times[-1][0]
    eta = ends + timedelta(minutes=rng.randint(0, 45))
    posts = [
        _incident_post(rng, facts, status, at, promise, index, eta)
        for index, (status, (at, promise)) in enumerate(zip(statuses, times, strict=True))
    ]
    first = posts[0]
    first.meta.update(
        {"title": title, "impact": impact, "components": states, "started": _iso(started)}
    )
    if impact in ("major", "critical") or rng.random() < 0.4:
        first.meta["apology"] = facts.fill(rng.choice(t.APOLOGIES_FIRST))
    serious = impact in ("major", "critical")
    postmortem = resolved and serious and _wants_postmortem(rng, postmortem_share)
    if resolved:
        _resolve(rng, facts, posts[-1], ends - started, postmortem)
    story = Story(id=_slug_id(posts[0].at, title), title=title, impact=impact, posts=tuple(posts))
    if postmortem:
        return _with_postmortem(rng, story, facts, ends, ends - started)
    return story


def _wants_postmortem(rng: random.Random, share: float) -> bool:
    """Drawn only for a share below one, so that the standard shape keeps its bytes."""
    return share >= 1 or rng.random() < share


def _incident_post(
    rng: random.Random,
    facts: t.Slots,
    status: str,
    at: datetime,
    promise: int,
    index: int,
    eta: datetime,
) -> Post:
    extra = rng.randint(1, 3) if index == 0 else rng.randint(0, 2)
    body = t.paragraph(rng, facts, status, extra, at.strftime("%H:%M"))
    meta: dict[str, object] = {}
    if promise:
        meta["next_update"] = f"{promise}m"
    if status == "identified" and rng.random() < 0.5:
        meta["cause"] = facts.cause
        if rng.random() < 0.5:
            meta["workaround"] = facts.fill(rng.choice(t.WORKAROUNDS))
        if rng.random() < 0.4 and eta > at:
            meta["eta"] = _iso(eta)
    return Post(at=at, status=status, meta=meta, body=body)


def _resolve(
    rng: random.Random, facts: t.Slots, post: Post, lasted: timedelta, postmortem: bool
) -> None:
    duration = format_duration(lasted)
    post.meta["apology"] = facts.fill(rng.choice(t.APOLOGIES_LAST), duration=duration)
    closing = [facts.fill(rng.choice(t.THANKS))]
    if postmortem:
        closing.append(rng.choice(t.FOLLOWUPS))
    object.__setattr__(post, "body", f"{post.body}\n\n{' '.join(closing)}")


def _with_postmortem(
    rng: random.Random, story: Story, facts: t.Slots, ended: datetime, lasted: timedelta
) -> Story:
    published = ended + timedelta(days=rng.randint(2, 5), hours=rng.randint(1, 8))
    if published > NOW:
        return story
    items = [_action_item(rng, facts, published) for _ in range(rng.randint(2, 4))]
    detail = facts.fill(rng.choice(t.INVESTIGATING_MORE))
    sections = [
        f"## {heading}\n\n" + facts.fill(body, detail=detail, duration=format_duration(lasted))
        for heading, body in t.POSTMORTEM_SECTIONS
    ]
    meta: dict[str, object] = {
        "title": f"Postmortem: {story.title}",
        "published": _iso(published),
        "authors": [rng.choice(t.OWNERS)],
        "summary": f"For {format_duration(lasted)}, {facts.symptom}. {facts.cause}",
        "action_items": items,
    }
    return Story(
        id=story.id,
        title=story.title,
        impact=story.impact,
        posts=story.posts,
        postmortem=meta,
        postmortem_body="\n\n".join(sections),
    )


def _action_item(rng: random.Random, facts: t.Slots, published: datetime) -> dict[str, str]:
    due = (published + timedelta(days=rng.randint(14, 60))).date()
    return {
        "what": facts.fill(rng.choice(t.ACTION_ITEMS)),
        "owner": rng.choice(t.OWNERS),
        "due": due.isoformat(),
        "status": "done" if due < NOW.date() else "open",
    }


def _maintenance(rng: random.Random, window_start: datetime) -> Story:
    cid, name, _ = rng.choice(COMPONENTS)
    facts = t.slots(rng, name, "02:00")[1]
    window_end = window_start + timedelta(hours=rng.randint(1, 4))
    announced = window_start - timedelta(days=rng.randint(2, 7), hours=rng.randint(0, 9))
    title = f"Scheduled maintenance of {name}"
    plan = (
        facts.fill(rng.choice(t.MAINTENANCE)) + " " + facts.fill(rng.choice(t.MAINTENANCE_EFFECT))
    )
    done = window_end - timedelta(minutes=rng.randint(5, 50))
    posts = (
        Post(
            announced,
            "scheduled",
            {
                "kind": "maintenance",
                "title": title,
                "window": {"start": _iso(window_start), "end": _iso(window_end)},
                "components": {cid: "under_maintenance"},
                "next_update": _iso(window_start),
            },
            plan,
        ),
        Post(
            window_start + timedelta(minutes=1),
            "in_progress",
            {},
            f"The maintenance of {name} has started.",
        ),
        Post(
            done,
            "completed",
            {},
            f"The maintenance of {name} is complete and {name} is "
            "working normally. Thank you for planning around this window.",
        ),
    )
    return Story(id=_slug_id(announced, title), title=title, impact="none", posts=posts)


def _open_incident(rng: random.Random) -> Story:
    """Acknowledged 28 minutes before NOW, identified 10 minutes before, next update due."""
    story = _incident(rng, NOW - timedelta(minutes=35), 2, resolved=False)
    moments = (NOW - timedelta(minutes=28), NOW - timedelta(minutes=10))
    posts = []
    for post, at in zip(story.posts, moments, strict=True):
        meta = {**post.meta, "next_update": OPEN_PROMISE}
        if "eta" in meta:
            meta["eta"] = _iso(NOW + timedelta(minutes=90))
        posts.append(Post(at, post.status, meta, post.body))
    return Story(story.id, story.title, story.impact, tuple(posts))


def _upcoming_maintenance(rng: random.Random) -> Story:
    start = (NOW + timedelta(days=3)).replace(hour=2, minute=0)
    story = _maintenance(rng, start)
    announced = NOW - timedelta(days=2)
    first = Post(announced, "scheduled", story.posts[0].meta, story.posts[0].body)
    return Story(
        id=_slug_id(announced, story.title), title=story.title, impact="none", posts=(first,)
    )


def new_incident(number: int = 0) -> Story:
    """The incident the rebuild benchmark opens on a history with none open; `number` varies
    its text."""
    started = NOW - timedelta(minutes=6)
    title = "Slow responses for Search"
    post = Post(
        NOW - timedelta(minutes=1),
        "investigating",
        {
            "title": title,
            "impact": "minor",
            "components": {"search": "degraded_performance"},
            "started": _iso(started),
            "next_update": OPEN_PROMISE,
        },
        f"Since {started:%H:%M} UTC, Search answers in {number + 4} seconds instead of the "
        "usual 200 milliseconds; customers in the EU region see the slow responses first.",
    )
    return Story(id=_slug_id(started, title), title=title, impact="minor", posts=(post,))


def new_update(number: int = 0) -> Post:
    """The update the rebuild benchmark adds to the open incident; `number` varies its text."""
    return Post(
        NOW - timedelta(minutes=1),
        "monitoring",
        {"next_update": OPEN_PROMISE},
        "The fix is deployed everywhere; we are watching error rates before we call this "
        f"resolved. Queue check {number + 1} shows no backlog.",
    )


def _slug_id(moment: datetime, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{moment.date().isoformat()}-{slug}"


def _unique_ids(stories: list[Story]) -> list[Story]:
    seen: dict[str, int] = {}
    result = []
    for story in stories:
        seen[story.id] = seen.get(story.id, 0) + 1
        if seen[story.id] > 1:
            story = Story(
                f"{story.id}-{seen[story.id]}",
                story.title,
                story.impact,
                story.posts,
                story.postmortem,
                story.postmortem_body,
            )
        result.append(story)
    return result


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _yaml_value(value: object, indent: int) -> str:
    """Front matter YAML by hand: strings double-quoted, so no value changes type."""
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}:{_yaml_value(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        return "".join(f"\n{pad}- " + _yaml_value(v, indent + 2).lstrip() for v in value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9_:.+-]+", text):
        return " " + text
    return " " + json.dumps(text, ensure_ascii=False)


def front_matter(meta: dict[str, object]) -> str:
    return "---" + _yaml_value(meta, 0) + "\n---\n"


def post_text(post: Post) -> str:
    meta = {"at": _iso(post.at), "status": post.status, **post.meta}
    ordered = {k: meta[k] for k in _KEY_ORDER if k in meta}
    return front_matter(ordered) + post.body + "\n"


_KEY_ORDER = (
    "kind",
    "title",
    "at",
    "status",
    "impact",
    "components",
    "started",
    "window",
    "eta",
    "next_update",
    "apology",
    "cause",
    "workaround",
)


CONFIG_HEAD = """\
site_name: Benchmark Status
site_url: https://status.bench.example/
docs_dir: incidents
theme:
  name: statuspress
plugins:
  - statuspress:
      company: Bench
      timezone: UTC
      uptime_days: 90
      components:
"""


def config_text(languages: tuple[str, ...] = ()) -> str:
    """The site's mkdocs.yml; with `languages`, also built in each of them (under /fr/ ...)."""
    lines = [
        f"        - id: {cid}\n          name: {name}\n          group: {group}\n"
        for cid, name, group in COMPONENTS
    ]
    head = CONFIG_HEAD
    if languages:
        head = head.replace(
            "      timezone: UTC\n",
            f"      timezone: UTC\n      languages: [{', '.join(languages)}]\n",
        )
    return head + "".join(lines)


def write_site(root: Path, stories: list[Story], languages: tuple[str, ...] = ()) -> Path:
    """A complete site root: mkdocs.yml and incidents/<id>/*.md; returns the config path."""
    root.mkdir(parents=True, exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(config_text(languages), encoding="utf-8")
    for story in stories:
        write_story(root, story)
    return config


def write_story(root: Path, story: Story) -> Path:
    """incidents/<id>/ with the story's updates and postmortem; returns the folder."""
    folder = root / "incidents" / story.id
    folder.mkdir(parents=True, exist_ok=True)
    for post in story.posts:
        (folder / post.file).write_text(post_text(post), encoding="utf-8")
    if story.postmortem is not None:
        (folder / "postmortem.md").write_text(
            front_matter(story.postmortem) + story.postmortem_body + "\n", encoding="utf-8"
        )
    return folder


def add_update(root: Path, stories: list[Story], number: int = 0) -> Path:
    """Write the benchmark's one new update: into the open incident if there is one, else as
    the first update of a new incident. Returns the file or folder to remove afterwards."""
    story = next((s for s in reversed(stories) if s.posts[-1].status in t.OPEN_STATUSES), None)
    if story is None:
        return write_story(root, new_incident(number))
    post = new_update(number)
    path = root / "incidents" / story.id / post.file
    path.write_text(post_text(post), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a benchmark status site.")
    parser.add_argument("out", type=Path, help="the site root to create")
    parser.add_argument("--incidents", type=int, default=100, help="how many (default 100)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), default=STANDARD.name, help="default: standard"
    )
    args = parser.parse_args(argv)
    if args.incidents < 1:
        parser.error("--incidents must be at least 1")
    write_site(args.out, generate(args.incidents, args.seed, SHAPES[args.shape]))


if __name__ == "__main__":
    main()
