"""Load YAML or JSON and remember the line of every node, so errors can point at it.

``load_located(text, filename)`` returns the plain data and a :class:`SourceMap`; a path
such as ``("issues", 2, "options")`` maps to the line where that node starts.
YAML is read event by event from PyYAML's parser (libyaml's when installed) and built
without recursion; JSON is valid YAML, so JSON gets lines too (a JSON file the YAML
parser cannot read falls back to the json module, with its own line).

Reading is bounded, so a small hostile file cannot take the reader's time or memory:
at most :data:`MAX_CHARS` characters, :data:`MAX_DEPTH` levels of nesting,
:data:`MAX_ALIASES` aliases and :data:`MAX_NODES` nodes once aliases are expanded.
Every string must be text a person could have written: no control characters other
than tab, line feed and carriage return, no surrogate code points (a JSON escape pair
such as ``\\uD83D\\uDE00`` is joined into the one character it encodes), and no
``U+FFFE`` or ``U+FFFF``. Each refusal names the file, the line and the limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from offramp.errors import InputError

Path = tuple[str | int, ...]

MAX_CHARS: Final = 10_000_000
"""Longest text read (characters)."""
MAX_DEPTH: Final = 64
"""Deepest nesting of mappings and sequences (a case file needs about 8)."""
MAX_ALIASES: Final = 1_000
"""Most YAML aliases (``*name``) in one document."""
MAX_NODES: Final = 200_000
"""Most nodes (scalars, mappings, sequences), counting each alias as the nodes it repeats."""
MAX_SLOW_NODES: Final = 25_000
"""Most nodes of YAML text with surrogate escapes (``"\\uD83D\\uDE00"``, as exports
before issue 18 wrote characters above U+FFFF): only PyYAML's slower parser reads them."""

_TOO_DEEP: Final = f"nested more than {MAX_DEPTH} levels deep (the limit)"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR: Final = "tag:yaml.org,2002:str"
_TEXT_STYLES: Final = frozenset(['"', "'", "|", ">"])

# Characters no text of ours may hold: C0 controls but tab, LF and CR; DEL and the C1
# controls; surrogate code points; and the two noncharacters YAML cannot carry raw.
_BAD_CHAR: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def format_path(path: Sequence[str | int]) -> str:
    """``("issues", 2, "options")`` -> ``issues[2].options``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def text_problem(text: str) -> str | None:
    """Why ``text`` is not acceptable text (its first bad character), or None."""
    bad = _BAD_CHAR.search(text)
    if bad is None:
        return None
    char = ord(bad.group())
    if 0xD800 <= char <= 0xDFFF:
        what = "a lone surrogate (half of a character)"
    elif char in (0xFFFE, 0xFFFF):
        what = "a noncharacter"
    else:
        what = "a control character"
    line = text.count("\n", 0, bad.start()) + 1
    if line == 1:
        return f"contains U+{char:04X}, {what}, at character {bad.start() + 1}"
    column = bad.start() - text.rfind("\n", 0, bad.start())
    return f"contains U+{char:04X}, {what}, at line {line}, character {column}"


def _join_pairs(text: str) -> str:
    """Join surrogate pairs (as JSON's ``\\uD83D\\uDE00`` escapes decode) into characters."""
    return _PAIR.sub(_joined, text) if _PAIR.search(text) else text


def _joined(pair: re.Match[str]) -> str:
    high, low = (ord(c) for c in pair.group())
    return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


@dataclass
class SourceMap:
    """Lines (1-based) of the nodes of one loaded document."""

    filename: str
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest known node on ``path``."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get(())

    def where(self, path: Sequence[str | int]) -> str:
        """``file:line: dotted.path`` for an error message."""
        line = self.line(path)
        place = f"{self.filename}:{line}" if line else self.filename
        dotted = format_path(path)
        return f"{place}: {dotted}" if dotted else place


@dataclass
class _Open:
    """A mapping or sequence being built."""

    data: dict[Any, Any] | list[Any]
    path: Path
    anchor: str | None
    first_node: int
    key: Any = None
    has_key: bool = False


_NO_ROOT: Final = object()


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


class _Builder:
    """Builds plain data from a stream of parser events, recording lines, within limits."""

    def __init__(self, smap: SourceMap, max_nodes: int = MAX_NODES, why: str = "") -> None:
        self.smap = smap
        self.max_nodes, self.why = max_nodes, why
        self.plain: dict[str, Any] = {}
        self.loader = _Loader("")
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.aliases = 0
        self.root: Any = _NO_ROOT
        self.documents = 0

    def fail(self, event: yaml.Event, message: str, path: Path | None = None) -> InputError:
        where = f"{self.smap.filename}:{_line(event)}"
        if path:
            where += f": {format_path(path)}"
        return InputError(where, message)

    def feed(self, events: Iterator[yaml.Event]) -> Any:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise self.fail(event, "expected one document, found a second one")
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                self.count(event)
                path = self.child_path(event)
                if isinstance(event, yaml.AliasEvent):
                    value = self.alias(event, path)
                else:
                    value = self.text(event, self.scalar(event), path)
                if path is not None:
                    self.smap.lines[path] = _line(event)
                self.attach(event, value)
                if isinstance(event, yaml.ScalarEvent) and event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self.count(event)
                if len(self.stack) >= MAX_DEPTH:
                    raise self.fail(event, _TOO_DEEP)
                path = self.child_path(event)
                if path is None:
                    raise self.fail(event, "a mapping key must be a plain value")
                self.smap.lines[path] = _line(event)
                empty: dict[Any, Any] | list[Any] = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                self.stack.append(_Open(empty, path, event.anchor, self.nodes))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = self.stack.pop()
                self.attach(event, done.data)
                if done.anchor:
                    self.anchors[done.anchor] = (done.data, self.nodes - done.first_node + 1)
        return self.root

    def count(self, event: yaml.Event, nodes: int = 1) -> None:
        self.nodes += nodes
        if self.nodes > self.max_nodes:
            raise self.fail(
                event,
                f"more than {self.max_nodes:,} values, counting what aliases repeat "
                f"(the limit{self.why})",
            )

    def child_path(self, event: yaml.Event) -> Path | None:
        """Where the next node goes; None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.data, list):
            return (*top.path, len(top.data))
        if not top.has_key:
            return None
        return (*top.path, top.key)

    def alias(self, event: yaml.AliasEvent, path: Path | None) -> Any:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self.fail(event, f"more than {MAX_ALIASES:,} aliases (the limit)", path)
        found = self.anchors.get(event.anchor or "")
        if found is None:
            if any(o.anchor == event.anchor for o in self.stack):
                raise self.fail(event, f"alias *{event.anchor} refers to itself", path)
            raise self.fail(event, f"alias *{event.anchor} names no anchor before it", path)
        value, nodes = found
        self.count(event, nodes - 1)
        return value

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None and event.style in _TEXT_STYLES:
            return event.value  # quoted or a block: text, whatever it looks like
        plain = tag is None and event.value in self.plain
        if plain:
            return self.plain[event.value]
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            value: Any = event.value
        else:
            node = yaml.ScalarNode(tag, event.value, style=event.style)
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError):
                # e.g. "2022-13-45" looks like a YAML date but is none: keep the text and
                # let validation say what is wrong with it, at its line.
                value = event.value
            finally:
                self.loader.constructed_objects.clear()
        if event.tag is None:
            self.plain[event.value] = value  # every value YAML builds here is immutable
        return value

    def text(self, event: yaml.ScalarEvent, value: Any, path: Path | None) -> Any:
        if not isinstance(value, str):
            return value
        value = _join_pairs(value)
        problem = text_problem(value)
        if problem is not None:
            raise self.fail(event, problem, path or self.key_path())
        return value

    def key_path(self) -> Path | None:
        return self.stack[-1].path if self.stack else None

    def attach(self, event: yaml.Event, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.data, list):
            top.data.append(value)
        elif not top.has_key:
            if isinstance(value, list | dict):
                raise self.fail(event, "a mapping key must be a plain value", top.path)
            if value in top.data:
                raise self.fail(event, f"duplicate key {value!r}", (*top.path, str(value)))
            top.key, top.has_key = value, True
        else:
            top.data[top.key] = value
            top.key, top.has_key = None, False


def load_located(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse YAML or JSON text; raise ``InputError`` with file and line on a syntax error
    or when the text breaks one of the limits above."""
    smap = SourceMap(filename)
    if len(text) > MAX_CHARS:
        raise InputError(filename, f"is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    bad = _BAD_CHAR.search(text)
    if bad is not None:
        row = text.count("\n", 0, bad.start()) + 1
        problem = text_problem(bad.group())
        assert problem is not None
        raise InputError(f"{filename}:{row}", problem.split(", at ", 1)[0])
    if "\u2028" in text or "\u2029" in text:
        text = _json_for_yaml(text) or text
    try:
        root = _parse(text, smap)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "cannot be parsed"
        if "nesting depth" in problem:  # libyaml's own bound, deeper than ours
            raise InputError(f"{filename}{line}", _TOO_DEEP) from None
        if filename.endswith(".json"):
            return _load_json(text, smap), smap
        raise InputError(f"{filename}{line}", f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(filename, f"YAML syntax error: {exc}") from None
    if root is _NO_ROOT:
        raise InputError(filename, "the file is empty")
    return root, smap


def _parse(text: str, smap: SourceMap) -> Any:
    """Build with libyaml's parser. It refuses surrogate escapes (``\\uD83D\\uDE00``, as
    JSON writes characters above U+FFFF): JSON text has them joined first; YAML text,
    or a lone surrogate, goes to PyYAML's slower parser, which decodes them."""
    try:
        return _Builder(smap).feed(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        if _Loader is yaml.SafeLoader or "escape" not in (exc.problem or ""):
            raise
    joined = _json_for_yaml(text)
    if joined is not None:
        smap.lines.clear()
        try:
            return _Builder(smap).feed(yaml.parse(joined, Loader=_Loader))
        except yaml.MarkedYAMLError as exc:
            if "escape" not in (exc.problem or ""):
                raise
    smap.lines.clear()
    why = " for YAML with surrogate escapes like \\uD83D: write the characters themselves"
    slow = _Builder(smap, MAX_SLOW_NODES, why)
    return slow.feed(yaml.parse(text, Loader=yaml.SafeLoader))


_JSON_PAIR: Final = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
)


def _json_for_yaml(text: str) -> str | None:
    """JSON text that means the same to a YAML parser: each escaped surrogate pair written
    as its character, and U+2028 and U+2029 (line breaks to YAML, folded inside quotes)
    escaped. None if the text is not JSON: in YAML a backslash or a line break inside a
    scalar means something else."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return None
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")

    def one(m: re.Match[str]) -> str:
        high, low = int(m.group(2), 16), int(m.group(3), 16)
        return m.group(1) + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    return _JSON_PAIR.sub(one, text)


def _load_json(text: str, smap: SourceMap) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{smap.filename}:{exc.lineno}", f"JSON syntax error: {exc.msg}") from None
    except RecursionError:
        raise InputError(smap.filename, _TOO_DEEP) from None
    _check_plain(data, smap.filename)
    return data


def _check_plain(data: Any, filename: str) -> None:
    """The limits and the text rule, for data the json module read (without lines)."""
    todo: list[tuple[Any, Path]] = [(data, ())]
    nodes = 0
    while todo:
        item, path = todo.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise InputError(filename, f"more than {MAX_NODES:,} values (the limit)")
        if len(path) > MAX_DEPTH:
            raise InputError(filename, _TOO_DEEP)
        if isinstance(item, dict):
            for key, value in item.items():
                todo.append((key, path))
                todo.append((value, (*path, key)))
        elif isinstance(item, list):
            todo.extend((v, (*path, k)) for k, v in enumerate(item))
        elif isinstance(item, str):
            problem = text_problem(_join_pairs(item))
            if problem is not None:
                where = f"{filename}: {format_path(path)}" if path else filename
                raise InputError(where, problem)
