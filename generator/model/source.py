"""Reading one content file: front matter split by hand, YAML composed with line numbers.

python-frontmatter and plain `yaml.safe_load` lose line numbers, keep the last of two
duplicate keys and turn times and `no` into other types; so the YAML is composed into
nodes and turned into plain strings, lists and dicts here, each key with its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Diagnostic, error

MAX_NODES = 5_000
MAX_DEPTH = 20
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_HTML_COMMENT_OPEN = "<!--"
_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_PLAIN_NULLS = frozenset({"", "~", "null", "Null", "NULL"})  # PyYAML's implicit null


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml, with a cheaper resolver for plain scalars: values stay text for the field
    parsers, so only null, standard and non-standard tags need telling apart. Every other
    standard implicit tag (int, float, bool, timestamp) becomes str."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and value not in ("<<", "="):  # merge and value: refused
            if implicit[0] and value in _PLAIN_NULLS:
                return _NULL_TAG
            return _STR_TAG
        return str(super().resolve(kind, value, implicit))


_FAST_LOADER = _FastLoader if hasattr(yaml, "CSafeLoader") else None
_FAST_MAX_MARKS = 2_000  # bounds nesting depth: each level needs one of [ { - : or a line
# Where libyaml and PyYAML differ (tabs, tags, anchors, complex keys, directives, odd line
# breaks, "|#"), the pure-Python parser decides.
_FAST_UNSAFE = re.compile(
    "[\t!&*?\u2028\u2029\x85\ufeff]|[|>][-+0-9]*#|^(%|---|\\.\\.\\.)", re.MULTILINE
)


def _unpublishable_characters() -> str:
    """C0 and C1 controls but tab, line feed and carriage return (a YAML escape can write
    one; the file's own are line ends), DEL, lone surrogates and noncharacters: XML
    cannot hold them (the feeds and the API would fail), and pasted terminal escape sequences
    would reach readers' terminals."""
    noncharacters = "".join(f"\\U{plane:04x}fffe-\\U{plane:04x}ffff" for plane in range(17))
    controls = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
    return f"[{controls}\\ud800-\\udfff\\ufdd0-\\ufdef{noncharacters}]"


UNPUBLISHABLE = re.compile(_unpublishable_characters())
CONTROL_HINT = (
    "remove it (it is invisible in most editors: retype the text around it); terminal escape "
    "sequences and other control characters cannot be published"
)


def character_name(char: str) -> str:
    """`control character U+001B`: what the character is, for it cannot be shown as it is."""
    kind = _CHARACTER_KINDS.get(unicodedata.category(char), "noncharacter")
    return f"{kind} U+{ord(char):04X}"


_CHARACTER_KINDS = {"Cc": "control character", "Cs": "lone surrogate"}


def unpublishable(value: str) -> str | None:
    """A message naming the first character of `value` that cannot be published, if any."""
    found = UNPUBLISHABLE.search(value)
    if found is None:
        return None
    return f"the {character_name(found.group())} is not allowed"


@dataclass
class RawFile:
    """A content file's front matter as plain values, with each top-level key's line."""

    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)  # list key -> line per item
    body: str = ""
    body_line: int = 1


class _YamlProblem(Exception):
    def __init__(self, line: int, rule: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.rule, self.message, self.hint = line, rule, message, hint


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text, or a diagnostic for empty, binary and non-UTF-8 files."""
    if not data.strip():
        return None, [
            error(
                path,
                0,
                "empty-file",
                "the file is empty",
                "write the front matter between two '---' lines, then the text",
            )
        ]
    if b"\x00" in data:
        return None, [
            error(
                path,
                0,
                "encoding",
                "the file is binary, not Markdown text",
                "move images and other files out of the way or give them "
                "another extension than .md",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            error(
                path,
                line,
                "encoding",
                f"the file is not UTF-8 (byte {exc.start})",
                "save the file as UTF-8",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = UNPUBLISHABLE.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        return None, [
            error(
                path,
                line,
                "control-character",
                f"the file contains the {character_name(found.group())}",
                CONTROL_HINT,
            )
        ]
    return text, []


def split_front_matter(path: str, text: str) -> tuple[RawFile | None, list[Diagnostic]]:
    """Separate the `---` front matter from the body, keeping line numbers."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [
            error(
                path,
                1,
                "front-matter",
                "the file does not start with front matter",
                "start the file with a '---' line, the YAML keys, and a closing '---' line",
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return _compose(path, yaml_text, body, body_line=index + 2)
    return None, [
        error(
            path,
            1,
            "front-matter",
            "the front matter is never closed",
            "add a '---' line after the last YAML key; without it the keys "
            "would be published as text",
        )
    ]


SYNTAX_HINT = "check indentation and quote values that contain ': ' or '#'"
TAB_HINT = (
    "there is a tab character here; YAML allows only spaces for indentation and before a "
    "value: replace the tab with spaces (set your editor to insert spaces for .md and .yml)"
)


def yaml_syntax_hint(problem: str, line_text: str, default: str = SYNTAX_HINT) -> str:
    """The hint for a YAML syntax error: a tab named as the cause when it is one."""
    if "'\\t'" in problem or "\t" in line_text:
        return TAB_HINT
    return default


MAPPING_HINT = "write 'key: value' lines between the '---' lines"
_TOO_DEEP = (
    "yaml-complexity",
    "the front matter is nested too deeply",
    "front matter needs only a few levels of nesting",
)


def _compose(
    path: str, yaml_text: str, body: str, body_line: int
) -> tuple[RawFile | None, list[Diagnostic]]:
    raw = RawFile(path=path, body=body, body_line=body_line)
    try:
        _top_level(raw, _mapping_node(yaml_text))
    except _YamlProblem as problem:
        return None, [error(path, problem.line, problem.rule, problem.message, problem.hint)]
    except RecursionError:
        return None, [error(path, 1, *_TOO_DEEP)]
    return raw, []


def _mapping_node(yaml_text: str) -> yaml.MappingNode:
    """The composed front matter, or a _YamlProblem saying why it cannot be used."""
    try:
        node = _compose_node(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        at_fault = _line_text(yaml_text, mark.line) if mark else ""
        problem = str(exc.problem or exc)
        hint = yaml_syntax_hint(problem, at_fault)
        raise _YamlProblem(line, "yaml-syntax", f"invalid YAML: {problem}", hint) from None
    except RecursionError:
        raise _YamlProblem(1, *_TOO_DEEP) from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(1, "yaml-syntax", f"invalid YAML: {exc}", SYNTAX_HINT) from None
    if node is None:
        raise _YamlProblem(1, "not-a-mapping", "the front matter is empty", MAPPING_HINT)
    if not isinstance(node, yaml.MappingNode):
        raise _YamlProblem(
            node.start_mark.line + 2,
            "not-a-mapping",
            "the front matter is not a mapping of keys to values",
            MAPPING_HINT,
        )
    return node


def _line_text(text: str, index: int) -> str:
    lines = text.split("\n")
    return lines[index] if 0 <= index < len(lines) else ""


def _compose_node(yaml_text: str) -> yaml.Node | None:
    """libyaml when present: ten times faster on ordinary front matter. The pure-Python parser
    for text that fails (so messages stay the same), for the few constructs where the two
    parsers disagree, and for text that could nest deeper than libyaml's recursive composer
    can safely go."""
    if _FAST_LOADER is not None and _fast_parser_agrees(yaml_text):
        try:
            return yaml.compose(yaml_text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(yaml_text, Loader=yaml.SafeLoader)


def _fast_parser_agrees(yaml_text: str) -> bool:
    return (
        not _FAST_UNSAFE.search(yaml_text)
        and sum(map(yaml_text.count, "[{-:\n")) <= _FAST_MAX_MARKS
    )


def _top_level(raw: RawFile, node: yaml.MappingNode) -> None:
    budget = [MAX_NODES]
    for key_node, value_node in node.value:
        key = _scalar_key(key_node)
        line = key_node.start_mark.line + 2
        if key in raw.meta:
            raise _YamlProblem(
                line,
                "duplicate-key",
                f"key '{key}' is given twice (first on line {raw.lines[key]})",
                "keep one of them; YAML would silently keep only the last",
            )
        raw.meta[key] = _plain(value_node, budget, depth=1)
        raw.lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            raw.item_lines[key] = [item.start_mark.line + 2 for item in value_node.value]
            _item_key_lines(raw, key, value_node)
        elif isinstance(value_node, yaml.MappingNode):
            for sub_key, _ in value_node.value:
                raw.lines[f"{key}.{_scalar_key(sub_key)}"] = sub_key.start_mark.line + 2


def _item_key_lines(raw: RawFile, key: str, node: yaml.SequenceNode) -> None:
    """Lines of keys inside list items, as 'key.index.sub' (action items point at 'due:')."""
    for index, item in enumerate(node.value):
        if isinstance(item, yaml.MappingNode):
            for sub_key, _ in item.value:
                if isinstance(sub_key, yaml.ScalarNode):
                    raw.lines[f"{key}.{index}.{sub_key.value}"] = sub_key.start_mark.line + 2


def _scalar_key(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _YamlProblem(
            node.start_mark.line + 2,
            "bad-value",
            "a key must be plain text",
            "write keys as plain words such as 'status:'",
        )
    return _publishable(node)


def _publishable(node: yaml.ScalarNode) -> str:
    """The scalar's text; a YAML escape such as "\\e" can write what the file may not hold."""
    value = str(node.value)
    problem = unpublishable(value)
    if problem is not None:
        raise _YamlProblem(node.start_mark.line + 2, "control-character", problem, CONTROL_HINT)
    return value


def _plain(node: yaml.Node, budget: list[int], depth: int) -> Any:
    """A composed node -> str / None / list / dict; scalars stay text for the field parsers."""
    budget[0] -= 1
    line = node.start_mark.line + 2
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _YamlProblem(
            line,
            "yaml-complexity",
            "the front matter is too large or too deeply "
            "nested (YAML aliases expand to too many values)",
            "write the values out plainly; anchors and aliases are not needed",
        )
    if node.tag not in _STANDARD_TAGS:
        raise _YamlProblem(
            line,
            "yaml-tag",
            f"YAML tag '{node.tag}' is not allowed",
            "remove the '!' tag; front matter holds plain text, lists and maps",
        )
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":null") and not node.style:  # plain: None, or "" from libyaml
            return None
        value = _publishable(node)
        # A comment in a value is an internal note, as in the body: it is never published.
        return strip_html_comments(value) if _HTML_COMMENT_OPEN in value else value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, budget, depth + 1) for item in node.value]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _scalar_key(key_node)
        if key in result:
            raise _YamlProblem(
                key_node.start_mark.line + 2,
                "duplicate-key",
                f"key '{key}' is given twice",
                "keep one of them; YAML would silently keep only the last",
            )
        result[key] = _plain(value_node, budget, depth + 1)
    return result


def strip_html_comments(body: str) -> str:
    """Remove `<!-- ... -->` (and an unclosed trailing one) so internal notes never publish."""
    out: list[str] = []
    rest = body
    while _HTML_COMMENT_OPEN in rest:
        before, _, after = rest.partition(_HTML_COMMENT_OPEN)
        out.append(before)
        _, closed, rest = after.partition("-->")
        if not closed:
            rest = ""
    out.append(rest)
    return "".join(out).strip()
