"""A site in more than one language: the site's own at the root, each of `languages:` again
under /<tag>/ (/fr/, /pt-br/), from the same loaded content."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..language.core import language
from ..model.types import TRANSLATED_FIELDS, Incident, Settings, Site, Update
from .registry import Page


@dataclass(frozen=True)
class Tree:
    """One language's copy of the site."""

    code: str  # the language: de, pt_BR
    prefix: str  # where its files go: "" for the root, "fr/", "pt-br/"

    @property
    def is_root(self) -> bool:
        return not self.prefix


def trees(settings: Settings) -> list[Tree]:
    """The site's own language at the root, then each other language, in the given order."""
    others = [Tree(code, f"{code.replace('_', '-').lower()}/") for code in settings.languages]
    return [Tree(settings.language, ""), *others]


def tree_site(site: Site, tree: Tree) -> Site:
    """The site as the tree shows it: its settings in the tree's language and at its address,
    each update in the tree's language where a translation exists, else as written."""
    if tree.is_root:
        return site
    settings = site.settings
    url = f"{settings.site_url.rstrip('/')}/{tree.prefix}" if settings.site_url else ""
    translated = replace(settings, language=tree.code, site_url=url)
    incidents = tuple(_translated(i, tree.code, settings.language) for i in site.incidents)
    return Site(translated, incidents)


def _translated(incident: Incident, code: str, original: str) -> Incident:
    updates: list[Update] = []
    title_of: dict[str, str] = {}  # the original title -> its translation, carried forward
    for update in incident.updates:
        text = update.translation(code)
        if text is None:
            shown = title_of.get(update.title, update.title)
            updates.append(replace(update, title=shown, text_language=original))
            continue
        if text.title:
            title_of[update.title] = text.title
        values = {key: getattr(text, key) or getattr(update, key) for key in TRANSLATED_FIELDS}
        values["title"] = title_of.get(update.title, update.title)
        updates.append(replace(update, body=text.body or update.body, **values))
    return replace(incident, updates=tuple(updates))


@dataclass(frozen=True)
class Links:
    """Where a tree's pages are, and the same page in every language (`hreflang`)."""

    site_url: str  # the site's root address, the same for every tree
    directory_urls: bool
    tree: Tree
    trees: tuple[Tree, ...]

    def alternates(self, page: Page, base: str) -> list[dict[str, Any]]:
        """The page in each language, for `<link rel="alternate" hreflang>` and the
        switcher; none on a site in one language."""
        if len(self.trees) < 2 or page.output == "404.html":
            return []
        to_root = base + "../" * self.tree.prefix.count("/")
        found = []
        for other in self.trees:
            lang = language(other.code)
            found.append(
                {
                    "hreflang": lang.tag,
                    "name": lang.name,
                    "href": self.href(other, page.path, to_root),
                    # The switcher's links stay on the host the reader is on (a preview too).
                    "local": self.local_href(other, page.path, to_root),
                    "current": other == self.tree,
                }
            )
        default = self.href(self.trees[0], page.path, to_root)
        x_default = {"hreflang": "x-default", "name": "", "href": default, "current": False}
        return [*found, x_default]

    def href(self, tree: Tree, path: str, to_root: str = "") -> str:
        """The page's address in `tree`: absolute where the site has a site_url."""
        if self.site_url:
            page = path + ("" if self.directory_urls or not path else "index.html")
            return f"{self.site_url.rstrip('/')}/{tree.prefix}{page}"
        return self.local_href(tree, path, to_root)

    def local_href(self, tree: Tree, path: str, to_root: str) -> str:
        page = path + ("" if self.directory_urls else "index.html")
        return f"{to_root}{tree.prefix}{page}" or "./"
