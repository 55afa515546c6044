"""A site in more than one language: the site's own at the root, each of `languages:` again
under /<tag>/ (/fr/, /pt-br/), from the same loaded content."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..language.core import Language, language
from ..model.types import TRANSLATED_FIELDS, Incident, Settings, Site, Update


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


def tree_language(settings: Settings, tree: Tree) -> Language:
    return language(tree.code, settings.locale_dir)


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
