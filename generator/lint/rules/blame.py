"""vendor-blame: a provider named as the cause of what customers suffered.

Sentence by sentence: a provider (a third party, an upstream, a vendor, a named cloud) and a
cause word within a few words of it, in the order a cause is told in ("due to an outage at
our provider", "our provider's network failed, causing errors"). The site's own company is
never a provider: Heroku writing about Heroku blames nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .patterns import phrase, words_of
from .registry import WARNING, Context
from .text import Prose, Segment
from .textrule import Hit, quote, text_rule

NAMED_PROVIDERS = (
    "aws",
    "amazon",
    "azure",
    "microsoft",
    "gcp",
    "google",
    "google cloud",
    "cloudflare",
    "fastly",
    "akamai",
    "digitalocean",
    "heroku",
    "github",
    "gitlab",
    "twilio",
    "sendgrid",
    "mailgun",
    "stripe",
    "okta",
    "auth0",
    "hetzner",
    "ovh",
    "linode",
    "vercel",
    "netlify",
    "salesforce",
    "atlassian",
    "slack",
    "discord",
    "zendesk",
    "datadog",
    "render",
    "joyent",
    "zuora",
    "mongodb",
)
_GENERIC_PROVIDER = (
    r"(?:third[- ]?part(?:y|ies)|3rd[- ]?part(?:y|ies)|upstream(?: \w+)?|vendors?|"
    r"(?:\w+ )?providers?|suppliers?|(?:\w+ )?partners?(?!ships?)|carriers?|isps?)"
)
_POSSESSIVE_END = (
    r"on (?:(?!our\b|my\b)(?:their|the \w+'s|[A-Z][\w.]*'s|\w+ [A-Z][\w.]*'s)|our (?:\w+ )?"
    r"(?:provider|vendor|supplier|partner|host|carrier)'s) (?:end|side)"
)
# Cause words after which the cause is told: "due to <provider>".
_BEFORE_CAUSE = re.compile(
    r"\b(?:due to|caused by|because of|the result of|a result of|resulted from|stem(?:s|med|ming)? "
    r"from|originat\w* (?:from|at|with|in)|triggered(?: by)?|traced (?:back )?to|attributed to|"
    r"(?:root )?cause(?: of (?:this|the) \w+)? (?:was|is)|upstream (?:from|of) our)\b",
    re.IGNORECASE,
)
# Cause words before which the cause was told: "<provider> ... led to".
_AFTER_CAUSE = re.compile(
    r"\b(?:led to|leads to|lead to|leading to|resulted in|resulting in|causing|caused|affecting|"
    r"impacting|(?:which|that) (?:is |was |can |could |may |might |will |has |have )?"
    r"(?:affect|affects|affected|affecting|impact|impacts|impacted|impacting)|"
    r"(?:has|have) been the cause|"
    r"(?:is|was|are|were) (?:currently )?(?:experiencing|having|suffering)|suffered|"
    r"experienced (?:an? )?(?:outage|degradation|incident|failure|issue|problem|interruption))\b",
    re.IGNORECASE,
)
_PLAIN_BLAME = phrase(
    r"(?:outside|beyond) (?:of )?our (?:direct |immediate )?control",
    r"not (?:our|the company's) fault",
    r"upstream (?:from|of) (?:our|us)",
    r"(?:for|affected|impacted|hit|affecting|impacting) us and (?:many |several )?(?:other|others "
    r"of their) (?:clients|customers|companies|users|services)",
    r"(?:through )?no fault of (?:our|ours|our own)",
    r"(?:our|the|a) (?:\w+ )?(?:provider|vendor|supplier|partner) (?:is|was) "
    r"(?:entirely |solely |fully )?(?:responsible|to blame|at fault)",
    r"(?:errors|failures|outages?|degradation|issues) (?:\w+ ){0,6}?(?:that|which) "
    r"(?:use|utili[sz]e|rely on|depend on) (?:an? |the |our )?(?:common |shared |single )?"
    r"(?:\w+ )?(?:third[- ]party|3rd[- ]party|upstream|external) (?:\w+ )?"
    r"(?:provider|vendor|service)",
    keys=(
        "control",
        "fault",
        "responsible",
        "blame",
        "utilize",
        "utilise",
        "use",
        "rely",
        "depend",
        "upstream",
        "us",
    ),
)
_WINDOW = 15  # words between the cause word and the provider


@lru_cache(maxsize=8)
def _providers(company: str, site_name: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """The provider pattern for one site, and the words one of which every match holds."""
    own = words_of(f"{company} {site_name}")
    named = [n for n in NAMED_PROVIDERS if not set(words_of(n)) <= own]
    names = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in named)
    pattern = re.compile(
        rf"(?<![\w@.-])(?:{_GENERIC_PROVIDER}|(?:{names})(?:'s)?(?![\w-]|\.\w)|{_POSSESSIVE_END}|"
        r"(?:depends?|depended|rel(?:y|ies|ied)) on [A-Z][\w.]+)",
        re.IGNORECASE,
    )
    keys = frozenset(w for n in named for w in words_of(n)) | _PROVIDER_KEYS
    return pattern, keys


_PROVIDER_KEYS = frozenset(
    {
        "third",
        "rd",
        "upstream",
        "vendor",
        "vendors",
        "provider",
        "providers",
        "supplier",
        "suppliers",
        "partner",
        "partners",
        "carrier",
        "carriers",
        "isp",
        "isps",
        "end",
        "side",
        "depend",
        "depends",
        "depended",
        "rely",
        "relies",
        "relied",
    }
)


def _within(text: str, words: int) -> bool:
    return len(re.findall(r"[\w']+", text)) <= words


def blamed_providers(segment: Segment, ctx: Context) -> Iterator[tuple[int, str]]:
    """(offset, quoted words) for each sentence that gives a provider as the cause."""
    providers, keys = _providers(ctx.settings.company, ctx.settings.site_name)
    if keys.isdisjoint(segment.words):
        return
    text = segment.cleaned
    for begin, end in segment.sentences():
        sentence = text[begin:end]
        for provider in providers.finditer(sentence):
            if provider.group(0).lower().startswith("on ") and re.search(
                r"\b(?:end|side)$", provider.group(0), re.IGNORECASE
            ):
                yield begin + provider.start(), provider.group(0)
                break
            before = sentence[: provider.start()]
            after = sentence[provider.end() :]
            cause = next((m for m in reversed(list(_BEFORE_CAUSE.finditer(before)))), None)
            if (
                cause is not None
                and _within(before[cause.end() :], _WINDOW)
                and not re.search(r"[,;]", before[cause.end() :])
            ):
                yield begin + cause.start(), sentence[cause.start() : provider.end()]
                break
            effect = _AFTER_CAUSE.search(after)
            if effect is not None and _within(after[: effect.start()], _WINDOW):
                yield (
                    begin + provider.start(),
                    sentence[provider.start() : provider.end() + effect.end()],
                )
                break


@text_rule(
    "vendor-blame",
    WARNING,
    reason="Customers chose you, not your vendors; pointing at a provider reads as dodging "
    "responsibility (SPEC §2.8; PagerDuty's external-communication guide; Atlassian's "
    "incident handbook).",
    advice='own it: say what failed for customers and what you are doing about it ("our '
    "payment processing failed\"), and what you change so that a provider's failure hurts "
    "less next time, without pointing at the provider",
)
def vendor_blame(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """A provider given as the cause: "due to an outage at one of our service providers",
    "a third-party component crashed, causing errors", "outside our control", "not our
    fault" (the site's own company is never a provider)."""
    for segment, match in prose.find(_PLAIN_BLAME):
        yield Hit(segment, match.start(), f"'{quote(match)}' blames a provider")
    for segment in prose.segments:
        for offset, words in blamed_providers(segment, ctx):
            yield Hit(segment, offset, f"'{' '.join(words.split())}' blames a provider")
