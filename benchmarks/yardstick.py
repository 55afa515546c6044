"""The yardsticks: the same corpus as plain MkDocs pages, one ordinary page per incident.

Both are built with `mkdocs build` and no plugins (not even search), over the same Markdown:

- `mkdocs`: MkDocs' built-in `mkdocs` theme (Bootstrap, a page header and table of contents).
- `lean`: the leanest site MkDocs makes, a `custom_dir` theme of one `main.html` that writes
  the page's title and content and nothing else. Any static site generator does at least
  this much per page, so it is the harder yardstick.

The navigation lists only the home page: with every incident in `nav`, each page would
carry 10,000 links and plain MkDocs would do quadratic work, which would make a yardstick
meaninglessly slow.
"""

from __future__ import annotations

from pathlib import Path

from .corpus import Post, Story

CONFIG = """\
site_name: Benchmark Status (plain MkDocs)
site_url: https://status.bench.example/
docs_dir: docs
theme:
{theme}
plugins: []
nav:
  - Home: index.md
"""
THEMES = {  # yardstick -> the `theme:` of its mkdocs.yml
    "mkdocs": "  name: mkdocs",
    "lean": "  name: null\n  custom_dir: theme",
}
YARDSTICKS = tuple(THEMES)
LEAN_TEMPLATE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }} - {{ config.site_name }}</title></head>
<body>
{{ page.content }}
</body>
</html>
"""
FIELDS = (
    ("eta", "ETA"),
    ("next_update", "Next update"),
    ("apology", "Apology"),
    ("cause", "Cause"),
    ("workaround", "Workaround"),
)


def write_yardstick(root: Path, stories: list[Story], name: str = "mkdocs") -> Path:
    """mkdocs.yml, docs/index.md listing every incident, docs/<id>.md each, and for `lean`
    theme/main.html; returns the config path."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(CONFIG.format(theme=THEMES[name]), encoding="utf-8")
    if name == "lean":
        (root / "theme").mkdir(exist_ok=True)
        (root / "theme" / "main.html").write_text(LEAN_TEMPLATE, encoding="utf-8")
    links = [f"- [{s.title}]({s.id}.md) ({s.posts[0].at:%Y-%m-%d})" for s in reversed(stories)]
    (docs / "index.md").write_text(
        "# Incident history\n\n" + "\n".join(links) + "\n", encoding="utf-8"
    )
    for story in stories:
        (docs / f"{story.id}.md").write_text(page(story), encoding="utf-8")
    return config


def page(story: Story) -> str:
    """One incident as Markdown: title, facts, every update newest first, the postmortem."""
    components = ", ".join(_components(story))
    parts = [f"# {story.title}", f"*Impact: {story.impact}. Components: {components}.*"]
    parts += [_update(post) for post in reversed(story.posts)]
    if story.postmortem is not None:
        meta = story.postmortem
        items = "\n".join(
            f"- {item['what']} ({item['owner']}, due {item['due']}, {item['status']})"
            for item in meta["action_items"]
        )  # type: ignore[attr-defined]
        parts += [
            f"## {meta['title']}",
            str(meta["summary"]),
            items,
            story.postmortem_body.replace("## ", "### "),
        ]
    return "\n\n".join(parts) + "\n"


def _components(story: Story) -> list[str]:
    seen: dict[str, None] = {}
    for post in story.posts:
        seen.update(dict.fromkeys(post.meta.get("components") or {}))  # type: ignore[arg-type]
    return list(seen)


def _update(post: Post) -> str:
    lines = [
        f"## {post.status.replace('_', ' ').capitalize()} · {post.at:%Y-%m-%d %H:%M} UTC",
        post.body,
    ]
    lines += [f"**{label}:** {post.meta[key]}" for key, label in FIELDS if key in post.meta]
    return "\n\n".join(lines)
