"""Load YAML or JSON and remember the line of every node, so errors can point at it.

``load_located(text, filename)`` returns the plain data and a :class:`SourceMap`; a path
such as ``("issues", 2, "options")`` maps to the line where that node starts.
YAML is read with PyYAML's composer (JSON is valid YAML, so JSON gets lines too;
a JSON file PyYAML cannot read falls back to the json module, with its own line).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from offramp.errors import InputError

Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """``("issues", 2, "options")`` -> ``issues[2].options``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


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


class _Builder:
    """Turns a composed YAML node tree into plain data while recording lines."""

    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.smap.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if isinstance(key, list | dict):
                    raise InputError(self.smap.where(path), "a mapping key must be a plain value")
                if key in out:
                    where = f"{self.smap.filename}:{key_node.start_mark.line + 1}: "
                    where += format_path((*path, str(key)))
                    raise InputError(where, f"duplicate key {key!r}")
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, k)) for k, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return self.build(node, ())
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):
            # e.g. "2022-13-45" looks like a YAML date but is none: keep the text and
            # let validation say what is wrong with it, at its line.
            return node.value


def load_located(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse YAML or JSON text; raise ``InputError`` with file and line on a syntax error."""
    smap = SourceMap(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        if filename.endswith(".json"):
            return _load_json(text, smap), smap
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "cannot be parsed"
        raise InputError(f"{filename}{line}", f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(filename, f"YAML syntax error: {exc}") from None
    if root is None:
        raise InputError(filename, "the file is empty")
    return _Builder(smap).build(root, ()), smap


def _load_json(text: str, smap: SourceMap) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{smap.filename}:{exc.lineno}", f"JSON syntax error: {exc.msg}") from None
