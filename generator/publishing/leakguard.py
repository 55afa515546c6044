"""The leak guard: every built file is scanned before it is published.

A hit of `forbidden_patterns`, a secret-like string (cloud keys, private-key blocks, bearer
and API tokens, password assignments, credentials in URLs) or a `private_emails` address is
an error that names the content file and line it came from; the build then writes nothing.
So are files of incidents that are not published (all updates drafts) that MkDocs would copy.

Each file is read as a reader sees it (see readable.py and binaries.py): decoded from any
text encoding, gzip undone, markup removed (attribute values kept), HTML entities, JSON
escapes, percent-encoding and iCalendar folding undone, typographic quotes, soft hyphens and
zero-width characters made plain, so `ops&#64;acme`, `“api_key”: “x”` or
`password=<code>x</code>` cannot slip through; images and PDFs are read for their metadata
and text, and a file that cannot be read is an error. The same rules run on the public text
before anything is rendered (publictext.py), which is what `check` sees.

Speed: every secret rule is written to begin with fixed text (`AKIA`, `-----`, `xox`, the
`=` or `:` of an assignment, the `@` of an address), so the regex engine skips ahead to
candidates at C speed; one rule after another over a file is about twenty times faster than
one alternation of all of them, which loses that skip (measured on a 2,000-incident site).
Most texts hold no candidate at all: a rule with needles (fixed text one of which every
match needs) is run only on a text that holds one, which a substring test tells faster than
the regex's own search (see docs/pages/development/performance.md).
"""

from __future__ import annotations

import bisect
import hashlib
import html
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..configuration.userregex import compile_user_pattern
from ..diagnostics import Diagnostic, error, sort_diagnostics
from ..incremental.cachekey import CacheFolder, CacheKey
from ..incremental.store import KEY_BYTES, TextStore
from . import binaries, readable
from .binaries import binary_format, binary_text
from .readable import MARKUP, Unscannable, decoded, gunzipped, markup_view, plain, unescape

if TYPE_CHECKING:
    from ..model.types import Settings


@dataclass(frozen=True)
class Rule:
    """One thing that must not be published."""

    group: str  # a secret's name, f<N> for a forbidden pattern, e<N> for a private address
    label: str
    regex: str
    # Fixed text of which every match needs one in the text scanned: the rule is run only
    # where one is, as looking for them is cheaper than the regex's own search. Empty: always.
    needles: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return {"f": "forbidden", "e": "email"}.get(self.group[0], "secret")


SECRET_NAMES = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "access_token",
    "access-token",
    "accesstoken",
    "auth_token",
    "auth-token",
    "authtoken",
    "client_secret",
    "client-secret",
)
_QUOTES = "\"'“”‘’"


def _assignment_regex() -> str:
    """`password=x`, `"api_key": "x"`, `pwd: s3cret`, found from the `=` or `:` backwards.

    Lookbehinds must have a fixed width, so there is one per name length and gap between
    name and sign. A bare word after a colon is prose ("password: reset it in settings")
    unless it holds a digit or a symbol.
    """
    behinds = []
    for _, same_length in groupby(sorted(SECRET_NAMES, key=len), key=len):
        names = "|".join(re.escape(name) for name in same_length)
        for gap in ("", '"', "'", " ", '" ', "' "):
            behinds.append(f"(?<=(?i:{names}){re.escape(gap)}[=:])")
    value = f"[^\\s{_QUOTES}<>&,;)]"
    return (
        f"[=:](?<=[DdTtYyNn\"' ][=:])(?:{'|'.join(behinds)})"
        f"(?:(?<==)[ \\t]*[{_QUOTES}]?{value}{{3,}}"
        f"|(?<=:)[ \\t]*(?:[{_QUOTES}][^\\s{_QUOTES}<>]{{3,}}"
        f"|(?=[^\\s<>&,;)]{{0,80}}[0-9!#$%*+/=?@^_~]){value}{{4,}}))"
    )


SECRETS = (
    Rule(
        "aws_key",
        "a cloud access key id",
        r"(?:AKIA|ASIA)(?<![0-9A-Za-z]AKIA)(?<![0-9A-Za-z]ASIA)[0-9A-Z]{16}(?![0-9A-Za-z])",
        ("AKIA", "ASIA"),
    ),
    Rule(
        "private_key",
        "a private key block",
        r"-----\s*BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?\s*-----",
        ("PRIVATE KEY",),
    ),
    Rule(
        "bearer",
        "a bearer token",
        r"(?:Bearer|bearer|BEARER)\s+(?=[A-Za-z0-9._~+/-]{0,200}\d)[A-Za-z0-9._~+/-]{20,}=*",
        ("Bearer", "bearer", "BEARER"),  # its regex tries every 'b' of a text
    ),
    Rule(
        "github_token",
        "a GitHub token",
        r"g(?:h[pousr]_[A-Za-z0-9]{30,}|ithub_pat_[A-Za-z0-9_]{22,})",
        ("_",),
    ),
    Rule("slack_token", "a Slack token", r"xox[baprs]-[A-Za-z0-9-]{10,}", ("xox",)),
    Rule("assignment", "a password or key assignment", _assignment_regex(), ("=", ":")),
    Rule(
        "url_credentials",
        "a user name and password in a URL",
        r"://[^\s/:@\"'<>]{1,64}:[^\s/@\"'<>]{1,128}@[\w.-]+",
        ("@",),
    ),
)
RULES = {
    "forbidden": (
        "forbidden-pattern",
        "remove it from the public text (internal notes go under 'internal:' or in "
        "<!-- comments -->), or correct 'forbidden_patterns' in mkdocs.yml if it is wrong",
    ),
    "secret": (
        "secret",
        "remove it from the public text; if it is a real credential, revoke it: it is in the "
        "git history now",
    ),
    "email": (
        "private-email",
        "write a public contact address instead, or remove the address from "
        "'private_emails' in mkdocs.yml",
    ),
    "unpublished": (
        "unpublished-file",
        "every update of this incident is a draft, so its page is not published and neither "
        "may its files be: move the file out of the folder until the incident is published",
    ),
}
UNSCANNABLE = "!unscannable"  # the group of a Hit whose text says why a file cannot be read
UNSCANNABLE_HINT = (
    "convert it to a format the leak guard reads (plain text in any encoding, PNG, JPEG, GIF, "
    "WebP, or a PDF with standard fonts), or move it out of the content folder"
)
TEXT_SOURCES = (".md", ".yml", ".yaml", ".txt", ".html", ".svg", ".json", ".xml", ".csv")
FEEDS = (".atom", ".rss")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ICS_ESCAPE = re.compile(r"\\([\\,;nN])")
_DRAFT = re.compile(
    r"^draft:[ \t]*['\"]?(true|yes|on|false|no|off)\b", re.IGNORECASE | re.MULTILINE
)


@dataclass(frozen=True)
class Hit:
    group: str
    text: str


@dataclass(frozen=True)
class Scanner:
    rules: tuple[Rule, ...]

    def rule(self, group: str) -> Rule:
        return next(rule for rule in self.rules if rule.group == group)

    def hits(self, text: str) -> set[Hit]:
        return {hit for hit, _ in self.matches(text)}

    def matches(self, text: str) -> Iterator[tuple[Hit, int]]:
        """Each match and where it starts."""
        for rule in self.rules:
            if rule.needles and not _holds_any(text, rule.needles):
                continue
            pattern = compile_user_pattern(rule.regex) if rule.kind == "forbidden" else None
            for match in (pattern or _compiled(rule.regex)).finditer(text):
                yield Hit(rule.group, match.group()), match.start()


def _holds_any(text: str, needles: tuple[str, ...]) -> bool:
    # A loop, not any(): no generator is made for each text and rule.
    for needle in needles:  # noqa: SIM110
        if needle in text:
            return True
    return False


def scan_tree(
    directory: Path,
    root: Path,
    settings: Settings,
    cache: CacheFolder | None = None,
    written: Mapping[str, bytes] | None = None,
    known_clean: Collection[str] = (),
    files: list[str] | None = None,
) -> list[Diagnostic]:
    """Every problem in the built files under `directory`; `root` holds the content.

    With `cache`, files whose exact bytes this scanner found clean before are not scanned
    again: a rebuild scans only what changed. `written` holds the bytes of files the build
    wrote (so they are not read back) and `known_clean` names files whose bytes were already
    scanned clean by this same scanner (a resolved incident's reused pages). `files` is
    `relative_files(directory)`, when the caller has it already.
    """
    guard = TreeGuard(directory, root, settings, cache)
    files = files if files is not None else relative_files(directory)
    guard.scan(files, written or {}, known_clean)
    return guard.finish(files)


GuardState = tuple[dict[Hit, str], set[str], dict[bytes, str]]


class TreeGuard:
    """One scan of a built tree, in as many passes as suit the build: files still being
    written can wait for a later pass while the bytes already in memory are scanned."""

    def __init__(
        self, directory: Path, root: Path, settings: Settings, cache: CacheFolder | None = None
    ) -> None:
        self.directory, self.root, self.settings = directory, root, settings
        self.cache = cache
        self.scanner = build_scanner(settings)
        # Without a cache folder, the clean files are remembered for this scan alone.
        folder = cache or CacheFolder(Path(), CacheKey.in_memory())
        self.clean = TextStore(
            folder.path / CLEAN_FILE, _fingerprint(self.scanner), CLEAN_MAGIC, folder.key
        )
        if cache:
            self.clean.load()
        self.found: dict[Hit, str] = {}  # hit -> first output file (by name) it is in
        self.scanned: set[str] = set()

    def scan(
        self, files: Iterable[str], written: Mapping[str, bytes], known_clean: Collection[str] = ()
    ) -> None:
        """Scan `files` (relative paths) not scanned yet, taking bytes from `written` first."""
        for relative in files:
            if relative in known_clean or relative in self.scanned:
                continue
            self.scanned.add(relative)
            data = written.get(relative)
            if data is None:
                data = (self.directory / relative).read_bytes()
            name = relative.rpartition("/")[2]
            key = _content_key(name, data)
            part_keys = self.clean.get(key)
            if part_keys is not None:  # clean as a whole; its parts stay remembered too
                self._keep(part_keys)
                continue
            parts = _parts(name, data)
            if len(parts) == 1:
                if self._read_clean(relative, name, data):
                    self.clean.put(key, "")
                continue
            keys = [_content_key(name, part) for part in parts]
            clean = [
                self.clean.get(k) is not None or self._read_clean(relative, name, part, k)
                for k, part in zip(keys, parts, strict=True)
            ]
            if all(clean):
                self.clean.put(key, "".join(k.hex() for k in keys))

    def _keep(self, part_keys: str) -> None:
        """Mark the parts of a file clean as a whole as used, so the cache keeps them."""
        try:
            for start in range(0, len(part_keys), 2 * KEY_BYTES):
                self.clean.get(bytes.fromhex(part_keys[start : start + 2 * KEY_BYTES]))
        except ValueError:
            pass  # not keys: its parts are read again when the file next changes

    def _read_clean(self, relative: str, name: str, data: bytes, key: bytes | None = None) -> bool:
        """Whether `data` (a file or part of one) is clean; its hits noted; when clean and
        given a `key`, remembered under it."""
        try:
            hits = self.scanner.hits(readable_text_of(data, name))
        except Unscannable as problem:
            hits = {Hit(UNSCANNABLE, problem.reason)}
        for hit in hits:
            self._note(hit, relative)
        if not hits and key is not None:
            self.clean.put(key, "")
        return not hits

    def _note(self, hit: Hit, relative: str) -> None:
        if hit not in self.found or relative < self.found[hit]:
            self.found[hit] = relative

    def state(self) -> GuardState:
        """What this guard found and scanned, for the guard of the process that forked it."""
        return self.found, self.scanned, self.clean.used

    def absorb(self, state: GuardState) -> None:
        """Take in the state() of a guard in a forked process."""
        found, scanned, clean = state
        for hit, relative in found.items():
            self._note(hit, relative)
        self.scanned |= scanned
        self.clean.used.update(clean)

    def finish(self, files: Collection[str] | None = None) -> list[Diagnostic]:
        """Every problem found, once the whole tree is written and scanned; `files` lists it
        (relative_files), when the caller has the list."""
        if self.cache:
            self.clean.save()  # an unwritable cache only makes the next build slower
        diagnostics = _locate(
            self.found, self.scanner, self.root, self.settings, _published_name(self.directory)
        )
        diagnostics += unpublished_files(self.directory, self.root, self.settings, files)
        return sort_diagnostics(diagnostics)


_FEED_ITEM = re.compile(rb"(?=<(?:entry|item)[\s>])")


def _parts(name: str, data: bytes) -> list[bytes]:
    """A feed entry by entry (the head first), anything else whole. Each part is read and
    remembered clean on its own: a new update changes one entry of a feed, and an entry is in
    several feeds (the site's and its components'). Markup, entities and escapes never span
    two entries, so the parts read as the whole would."""
    if not name.endswith(FEEDS) or data[:2] == b"\x1f\x8b":
        return [data]
    return _FEED_ITEM.split(data)


def page_is_clean(scanner: Scanner, name: str, data: bytes) -> bool:
    """True when the file `name` holding `data` has nothing the scanner looks for."""
    try:
        return not scanner.hits(readable_text_of(data, name))
    except Unscannable:
        return False


def relative_files(directory: Path) -> list[str]:
    """Every file under `directory`, as sorted '/'-separated relative paths (what os.walk
    would list, without a Path per folder: a 10,000-incident site has 14,000 folders)."""
    root = os.fspath(directory)
    found = []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.is_dir():
                        found.append(prefix + entry.name)
                    elif not entry.is_symlink():  # a link to a folder: as os.walk, passed over
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
        except OSError:
            continue  # as os.walk: a folder that cannot be listed is passed over
    return sorted(found)


def _published_name(directory: Path) -> str:
    """'site' for the staging directory '.site-build-1234' of the build into site/."""
    match = re.fullmatch(r"\.(.+)-build-.*", directory.name)
    return match.group(1) if match else directory.name


def build_scanner(settings: Settings) -> Scanner:
    forbidden = (
        Rule(f"f{index}", f"text matching the forbidden pattern '{pattern}'", pattern)
        for index, pattern in enumerate(settings.forbidden_patterns)
    )
    emails = (
        Rule(f"e{index}", f"the private e-mail address '{address}'", _email_regex(address))
        for index, address in enumerate(settings.private_emails)
        if "@" in address
    )
    return Scanner((*SECRETS, *forbidden, *emails))


@lru_cache(maxsize=256)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _email_regex(address: str) -> str:
    """One address, any case, or every address of a domain when written as '@corp.example';
    found from its `@`, with the local part checked behind it."""
    local, _, domain = address.strip().rpartition("@")
    if local:
        name = f"(?i:{re.escape(local)})"
        before = f"(?<={name}@)(?<![\\w.+-]{name}@)"
    else:
        before = r"(?<=[\w.+-]@)"
    return f"@{before}(?i:{re.escape(domain)})(?![\\w-]|\\.\\w)"


def readable_text(path: Path) -> str:
    """The file's text as a reader sees it."""
    return readable_text_of(path.read_bytes(), path.name)


def readable_text_of(data: bytes, name: str, strict: bool = False) -> str:
    """The text of a file called `name` holding `data`, as a reader sees it: decoded from
    whatever encoding it is in, its markup and escapes undone, then made plain (see
    readable.plain). Binary files give their metadata and printable strings; Unscannable
    when they cannot be read, or, with `strict` (a contributor's file), are of a kind the
    guard does not know."""
    data, name = gunzipped(data, name)
    text = None if binary_format(data) else decoded(data)
    if text is None:
        return plain(binary_text(data, strict))
    if name.endswith(".ics"):
        text = _unfold_calendar(text)
    if name.endswith(MARKUP):
        return plain(markup_view(_json_unescaped(text)))
    return text_view(text)


def text_view(text: str) -> str:
    """Text that is not markup (JSON, a calendar, plain text, a field as written), as a
    reader sees it: `\\u` escapes, percent-encoding and entities decoded, made plain."""
    text = _json_unescaped(text)
    return plain(unescape(unquote(text) if "%" in text else text))


def _json_unescaped(text: str) -> str:
    if "\\u" in text:
        return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _unfold_calendar(text: str) -> str:
    text = text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "")
    return _ICS_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _locate(
    found: dict[Hit, str], scanner: Scanner, root: Path, settings: Settings, site_name: str
) -> list[Diagnostic]:
    """One diagnostic per distinct hit, at the content line it most likely came from."""
    if not found:
        return []
    sources = _SourceIndex(_source_hits(scanner, root, settings))
    content = root / settings.docs_dir
    diagnostics = []
    ordered = sorted(found.items(), key=lambda item: (item[1], item[0].group, item[0].text))
    for hit, output in ordered:
        if hit.group == UNSCANNABLE:
            copied = (content / output).is_file()
            path = f"{settings.docs_dir}/{output}" if copied else f"{site_name}/{output}"
            message = f"the leak guard cannot read {output}: {hit.text}"
            diagnostics.append(error(path, 0, "unscannable", message, UNSCANNABLE_HINT))
            continue
        path, line = sources.best(hit) or (f"{site_name}/{output}", 0)
        found_by = scanner.rule(hit.group)
        rule, hint = RULES[found_by.kind]
        shown = masked(hit.text) if found_by.kind == "secret" else hit.text
        message = f"{found_by.label} would be published in {output}: '{shown}'"
        diagnostics.append(error(path, line, rule, message, hint))
    return diagnostics


def masked(text: str) -> str:
    keep = min(6, len(text) // 3)
    return text[:keep] + "…" if len(text) > keep else text


@dataclass(frozen=True)
class _SourceHit:
    hit: Hit
    path: str
    line: int
    public: bool  # outside internal notes, comments and draft files


def _source_hits(scanner: Scanner, root: Path, settings: Settings) -> Iterator[_SourceHit]:
    for path in _source_files(root, settings):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        relative = path.relative_to(root).as_posix()
        if path.suffix == ".md":
            public = _public_part(text, postmortem=path.name == "postmortem.md")
            unescaped = _unescaped(public)
            variants: tuple[tuple[str, bool], ...] = (
                (public, True),
                (unescaped, True),
                (plain(unescaped), True),
                (text, False),
            )
        else:  # the configuration names the very patterns and addresses it forbids
            lists = blank_block(blank_block(text, "private_emails"), "forbidden_patterns")
            variants = ((lists, True),)
        for variant, is_public in variants:
            newlines = [m.start() for m in _NEWLINE.finditer(variant)]
            for hit, start in scanner.matches(variant):
                line = bisect.bisect(newlines, start) + 1
                yield _SourceHit(hit, relative, line, is_public)


_NEWLINE = re.compile("\n")


def _unescaped(text: str) -> str:
    """Entities and YAML/JSON `\\u` escapes decoded; every line stays where it was."""
    return html.unescape(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


def _source_files(root: Path, settings: Settings) -> Iterable[Path]:
    content = root / settings.docs_dir
    files = sorted(p for p in content.rglob("*") if p.suffix in TEXT_SOURCES and p.is_file())
    config = sorted(p for p in root.glob("*.y*ml") if p.is_file())
    return [*files, *config]


def _public_part(text: str, postmortem: bool) -> str:
    """The file with what is never published blanked out, keeping every line in place:
    all of a draft (a postmortem is one unless it says `draft: false`), HTML comments, and
    the `internal:` block of the front matter."""
    flag = _DRAFT.search(text.split("\n---", 1)[0])
    draft = flag.group(1).lower() in ("true", "yes", "on") if flag else postmortem
    if draft:
        return "\n" * text.count("\n")
    text = re.sub(
        r"<!--.*?(?:-->|\Z)", lambda m: "\n" * m.group().count("\n"), text, flags=re.DOTALL
    )
    return blank_block(text, "internal")


def blank_block(text: str, key: str) -> str:
    """`text` with the YAML block of `key` (its line and the lines nested under it) blank."""
    lines = text.split("\n")
    indent = None
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        depth = len(line) - len(stripped)
        if stripped.startswith(f"{key}:"):
            indent = depth
        elif (
            indent is not None
            and stripped
            and not (depth > indent or (depth == indent and stripped.startswith("- ")))
        ):
            indent = None  # the next key, or the end of the front matter
        if indent is not None:
            lines[index] = ""
    return "\n".join(lines)


class _SourceIndex:
    """Where each hit was found in the sources: public text with the same words first, then
    public text of the same rule, then hidden text likewise; the first place of each kind.
    Looked up, not searched: a file may hold thousands of hits."""

    def __init__(self, sources: Iterable[_SourceHit]) -> None:
        self.first: dict[tuple[bool, Hit | str], tuple[str, int]] = {}
        for source in sources:
            for key in ((source.public, source.hit), (source.public, source.hit.group)):
                self.first.setdefault(key, (source.path, source.line))

    def best(self, hit: Hit) -> tuple[str, int] | None:
        for key in ((True, hit), (True, hit.group), (False, hit), (False, hit.group)):
            if key in self.first:
                return self.first[key]
        return None


def unpublished_files(
    directory: Path, root: Path, settings: Settings, files: Collection[str] | None = None
) -> list[Diagnostic]:
    """Files MkDocs copied from an incident folder whose incident has no page. `files` is
    `relative_files(directory)`, when the caller has it already."""
    content = root / settings.docs_dir
    rule, hint = RULES["unpublished"]
    listed = set(files if files is not None else relative_files(directory))
    by_folder: dict[str, list[str]] = {}
    for relative in listed:
        folder, inside, _ = relative.partition("/")
        if inside:
            by_folder.setdefault(folder, []).append(relative)
    diagnostics = []
    for folder, found in sorted(by_folder.items()):
        if f"{folder}/index.html" in listed or not (content / folder).is_dir():
            continue
        for relative in sorted(found):
            if (content / relative).is_file():
                diagnostics.append(
                    error(
                        f"{settings.docs_dir}/{relative}",
                        0,
                        rule,
                        f"'{relative}' belongs to an incident that is not published",
                        hint,
                    )
                )
    return diagnostics


CLEAN_FILE = "leakguard.cache"
# Keys of files (and of feed entries) scanned clean, as a TextStore; a feed's value is the
# keys of its entries.
CLEAN_MAGIC = b"statuspress-leakguard-clean 3\n"


def _content_key(name: str, data: bytes) -> bytes:
    """What the scan of a file depends on: its bytes and the suffixes that decide how it is
    read (markup, calendar, gzip)."""
    digest = hashlib.blake2b(digest_size=KEY_BYTES)
    digest.update("".join(Path(name).suffixes).encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.digest()


def _fingerprint(scanner: Scanner) -> str:
    """Changes with every rule, pattern and address, and with the code that reads files."""
    digest = hashlib.blake2b(digest_size=KEY_BYTES)
    for module in (__file__, readable.__file__, binaries.__file__):
        digest.update(Path(module).read_bytes())
    for rule in scanner.rules:
        digest.update(repr(rule).encode())
    return digest.hexdigest()
