"""Translated updates, for a site that asks for them (`require_translations: true`)."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import TRANSLATED_FIELDS
from .registry import ERROR, Context, Finding, Scope, UpdateView, rule, update_finding


@rule(
    "translation-missing",
    ERROR,
    Scope.UPDATE,
    reason="A site that publishes in several languages (`languages:`) and sets "
    "`require_translations: true` promises every reader the same news in their language; an "
    "update shown untranslated on a language's pages breaks that promise when it matters most.",
    advice="add `<update file name without .md>.<language>.md` beside the update, with the "
    "translated title, apology, cause, workaround and text",
)
def translation_missing(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """With `require_translations: true`: a published update without a translation into
    one of `languages`, or a translation that leaves out a field the update has."""
    if not ctx.settings.require_translations:
        return
    update = view.update
    for code in ctx.settings.languages:
        text = update.translation(code)
        if text is None:
            yield update_finding(
                update, 1, f"this update has no translation into {code}", _named(update.file, code)
            )
            continue
        left_out = [
            key
            for key in TRANSLATED_FIELDS
            if key in update.explicit and getattr(update, key) and not getattr(text, key)
        ]
        if update.body.strip() and not text.body.strip():
            left_out.append("text")
        if left_out:
            yield update_finding(
                update,
                1,
                f"the translation into {code} ({text.path}) leaves out " + ", ".join(left_out),
                "translate every field the update has, so no reader sees a mix of languages",
            )


def _named(file: str, code: str) -> str:
    return f"add {file.removesuffix('.md')}.{code}.md beside it, with the translated words"
