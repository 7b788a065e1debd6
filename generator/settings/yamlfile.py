"""Safe YAML loading that also reports the line of each top-level key.

Only the safe loader is used (the C one where available): front matter and
site.yaml are data, never code.
"""

from __future__ import annotations

from typing import Any

import yaml

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


def item_lines(text: str, key: str) -> tuple[tuple[int, dict[str, int]], ...]:
    """For each item of the list at top-level `key` of the mapping `text` (valid YAML,
    as load_mapping found it): its 1-based line, and those of its own keys if it is a
    mapping. Empty if `key` holds no list."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    value = next(
        (v for k, v in getattr(root, "value", ()) if getattr(k, "value", None) == key), None
    )
    if not isinstance(value, yaml.SequenceNode):
        return ()
    return tuple(
        (
            item.start_mark.line + 1,
            {
                str(k.value): k.start_mark.line + 1
                for k, _ in (item.value if isinstance(item, yaml.MappingNode) else ())
            },
        )
        for item in value.value
    )
