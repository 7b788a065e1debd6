"""Safe YAML loading that also reports the line of each top-level key.

Only the safe loader is used (the C one where available): front matter and
site.yaml are data, never code. Most front matter is a few `key: value`
lines of quoted strings, plain words, dates and lists of tags, for which
the C loader's parser and the Python constructors behind it take longer
than rendering the article: `_flat_mapping` reads those lines directly, each
value typed by PyYAML's own resolver and constructors, and gives up on
anything else, which the loader then reads.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

_Loader: type[yaml.CSafeLoader | yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32
MAX_VALUES = 10_000  # counting every use of an alias, so a billion laughs stays out


class YamlError(ValueError):
    """Invalid YAML; `line` is 1-based within the parsed text, when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load_mapping(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse `text` as a YAML mapping; return it and the 1-based line of each key.

    An empty document is an empty mapping. Anything else that is not a
    mapping with string keys raises YamlError.
    """
    flat = _flat_mapping(text)
    if flat is not None:
        return flat
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_size(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # The context (e.g. the start of an unclosed list or quote) is where a
        # person has to look; the problem mark is where the parser gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(part for part in (exc.problem, exc.context) if part)
        raise YamlError(f"invalid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise YamlError("expected a mapping of `key: value` lines", 1)
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if not isinstance(key, str) or key_node.tag != "tag:yaml.org,2002:str":
            raise YamlError(f"key {key!r} must be a string", line)
        if key in lines:
            raise YamlError(f"duplicate key {key!r} (first on line {lines[key]})", line)
        lines[key] = line
    return data, lines


def _check_size(root: yaml.Node) -> None:
    """Refuse documents nested too deeply or that expand to too many values.

    Aliases make the node graph a DAG whose expansion can be exponential;
    sizes are computed once per node, without expanding anything.
    """
    flat = _flat_size(root)
    if flat is not None and flat <= MAX_VALUES:
        return  # three deep at most, and small
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if depth > MAX_DEPTH:
            raise YamlError(f"values nested more than {MAX_DEPTH} deep", node.start_mark.line + 1)
        children = _children(node)
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_VALUES:
                line = node.start_mark.line + 1
                raise YamlError(f"more than {MAX_VALUES:,} values (aliases included)", line)
        elif id(node) not in sizes:
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)


def _flat_size(root: yaml.Node) -> int | None:
    """The number of values of a mapping of scalars and lists of scalars (most front
    matter), counted as `_check_size` counts them; None for any other shape."""
    if not isinstance(root, yaml.MappingNode):
        return None
    total = 1
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            return None
        if isinstance(value, yaml.ScalarNode):
            total += 2
        elif isinstance(value, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) for item in value.value
        ):
            total += 2 + len(value.value)
        else:
            return None
    return total


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (?=\S)(.*))?")
_QUOTED = re.compile(r'"([^"\\]*)"' + r"|'([^']*)'")
_FLOW_ITEM = re.compile(r' *(?:"([^"\\]*)"' + r"|'([^']*)'|([A-Za-z0-9_.][A-Za-z0-9_./ -]*?)) *")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")  # indicators: no plain value starts with one
_TYPED = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "timestamp")
)
_STR = "tag:yaml.org,2002:str"
# Tabs, and the line breaks YAML knows besides "\n" (and a byte order mark).
_NOT_ON_ONE_LINE = re.compile(r"[\t\r\x85\u2028\u2029\ufeff]")


class _NotFlat(Exception):
    """A value for the loader to read."""


def _flat_mapping(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """What the safe loader makes of `text` if it is only `key: value` lines (and blank
    or comment lines) whose values are quoted strings without escapes, plain values
    on one line, or flow lists of those; otherwise None."""
    if Reader.NON_PRINTABLE.search(text) or _NOT_ON_ONE_LINE.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    count = 1
    try:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line or line[0] == "#":
                continue
            found = _KEY_LINE.fullmatch(line)
            if found is None or found[1] in lines or _tag(found[1]) != _STR:
                return None  # a key that is not a string (`on:`), or twice: for the loader to say
            key, value = found[1], _value(found[2] or "")
            data[key], lines[key] = value, number
            count += 2 + (len(value) if type(value) is list else 0)
    except _NotFlat:
        return None
    return (data, lines) if count <= MAX_VALUES else None


def _value(text: str) -> Any:
    if text.startswith("["):
        if not text.endswith("]"):
            raise _NotFlat
        inside = text[1:-1]
        if not inside.strip():
            return []
        items = []
        for item in inside.split(","):
            found = _FLOW_ITEM.fullmatch(item)
            if found is None:
                raise _NotFlat
            double, single, plain = found.groups()
            items.append(_typed(plain) if plain is not None else double or single or "")
        return items
    quoted = _QUOTED.fullmatch(text)
    if quoted is not None:
        return quoted[1] if quoted[1] is not None else quoted[2]
    if text and (text[0] in _NOT_FIRST or ": " in text or " #" in text or text[-1] in ": "):
        raise _NotFlat
    return _typed(text)


def _typed(plain: str) -> Any:
    """A plain value as the safe loader types it: a string, or null, a boolean, a number
    or a timestamp, by PyYAML's own rules."""
    tag = _tag(plain)
    if tag == _STR:
        return plain
    if tag not in _TYPED:
        raise _NotFlat  # a merge key or `=`
    constructor = _constructor()
    return SafeConstructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, plain))


@functools.lru_cache(maxsize=4096)  # keys, tags and sources come again and again
def _tag(plain: str) -> str:
    return str(_resolver().resolve(yaml.ScalarNode, plain, (True, False)))  # type: ignore[no-untyped-call]


@functools.cache
def _resolver() -> Resolver:
    return Resolver()


@functools.cache
def _constructor() -> SafeConstructor:
    return SafeConstructor()
