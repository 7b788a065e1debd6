"""Changes to the `subscriptions:` of site.yaml, made as a person would make them: the
rest of the file, comments and all, stays as it is.

YAML's composer says where each value is in the text; an edit replaces or
inserts text there and nothing else, and is checked by reading the file back
before it replaces the old one (atomically, keeping its permissions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from generator.incremental.store import write_atomically
from generator.settings.config import CONFIG_FILE, config_from_mapping
from generator.settings.subscriptions import Lines, Subscription
from generator.settings.yamlfile import item_lines, load_mapping

KEY = "subscriptions"
_PLAIN_IN_LIST = re.compile(r"\w[\w .-]*", re.UNICODE)  # a tag written bare in `[a, b]`


def add_subscriptions(text: str, added: Sequence[Subscription]) -> str:
    """`text` (site.yaml) with `added` at the end of its subscriptions."""
    if not added:
        return text
    value = _value_node(text)
    if value is None:
        separator = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{separator}{KEY}:\n{_items(added, '  ')}"
    if _is_empty(value):  # `subscriptions:` with nothing, or `[]`: the items go below
        start, end = value.start_mark.index, value.end_mark.index
        at = _line_end(text, end)  # after a comment on the line
        lines = _items(added, "  ").rstrip("\n")
        return text[:start].rstrip(" ") + text[end:at] + "\n" + lines + text[at:]
    if isinstance(value, yaml.SequenceNode) and value.flow_style is not True:
        leaf = _last_leaf(value)
        if isinstance(leaf, yaml.ScalarNode) and leaf.style in ("|", ">"):
            at = len(text[: leaf.end_mark.index].rstrip())  # its end is the next line's start
        else:
            at = _line_end(text, leaf.end_mark.index)
        indent = " " * _dash_column(text, value.value[0].start_mark.index)
        return text[:at] + "\n" + _items(added, indent).rstrip("\n") + text[at:]
    # A list in [brackets], with items: written again, on one line, as JSON (which is YAML).
    wanted = [*yaml.safe_load(text)[KEY], *map(entry, added)]
    start, end = value.start_mark.index, value.end_mark.index
    return text[:start] + json.dumps(wanted, ensure_ascii=False) + text[end:]


def _line_end(text: str, index: int) -> int:
    """Where the line that `index` is on ends (its newline, or the end of `text`)."""
    end = text.find("\n", index)
    return len(text) if end == -1 else end


def _dash_column(text: str, index: int) -> int:
    """The column of the `-` before the list item at `index` (the list's own start may be
    an anchor's or a tag's, on the key's line)."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.index("-", line_start) - line_start


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The last scalar inside `node`: where its text ends (a list's or a mapping's own end
    is the start of whatever follows it, a line or more below)."""
    while isinstance(node, yaml.SequenceNode | yaml.MappingNode) and node.value:
        last = node.value[-1]
        node = last if isinstance(node, yaml.SequenceNode) else last[1]
    return node


def replace_url(text: str, old: str, new: str) -> str:
    """`text` with the subscription at `old` now at `new`; the same `text` if none is
    (or if its URL is written as a block of lines, which is for a person to change)."""
    value = _value_node(text)
    for item in value.value if isinstance(value, yaml.SequenceNode) else ():
        node = item if isinstance(item, yaml.ScalarNode) else _url_node(item)
        if node is not None and node.value.strip() == old and node.style not in ("|", ">"):
            start, end = node.start_mark.index, node.end_mark.index
            return text[:start] + json.dumps(new) + text[end:]
    return text


def entry(subscription: Subscription) -> dict[str, Any]:
    """A subscription as site.yaml writes it: only what is not a default."""
    written: dict[str, Any] = {"url": subscription.url}
    if subscription.name:
        written["name"] = subscription.name
    if subscription.tags:
        written["tags"] = list(subscription.tags)
    if subscription.source:
        written["source"] = subscription.source
    if subscription.draft:
        written["draft"] = True
    if subscription.content != "summary":
        written["content"] = subscription.content
    return written


def rewrite(site_dir: Path, new_text: str) -> None:
    """Replace site.yaml with `new_text`, if it is still settings digest takes (its line
    endings as they are)."""
    path = site_dir / CONFIG_FILE
    # YamlError or SiteError, and the old file stays: the edit would break it.
    data, lines = load_mapping(new_text)
    config_from_mapping(data, Lines(lines, item_lines(new_text, KEY)))
    mode = path.stat().st_mode & 0o7777
    write_atomically(path, new_text.encode("utf-8"), mode)  # its line endings as they are


def _items(added: Sequence[Subscription], indent: str) -> str:
    """Block-style list items, `indent` before each `-`, flow-style tag lists."""
    lines = []
    for subscription in added:
        for number, (key, value) in enumerate(entry(subscription).items()):
            lead = f"{indent}- " if number == 0 else f"{indent}  "
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    """`value` as YAML on one line: plain where it reads back as itself, else as JSON
    (which is YAML, and quotes whatever needs it)."""
    if isinstance(value, str) and _is_plain(value):
        return value
    if isinstance(value, list) and all(_PLAIN_IN_LIST.fullmatch(item) for item in value):
        written = f"[{', '.join(value)}]"
        if _reads_as(written, value):
            return written
    return json.dumps(value, ensure_ascii=False)


def _is_plain(text: str) -> bool:
    """Whether `text` reads back as itself written without quotes (YAML says: `yes`,
    `#x`, `a: b` and ` padded` do not)."""
    return bool(text) and "\n" not in text and _reads_as(text, text)


def _reads_as(written: str, value: object) -> bool:
    try:
        return bool(yaml.safe_load(f"k: {written}") == {"k": value})
    except yaml.YAMLError:
        return False


def _value_node(text: str) -> yaml.Node | None:
    """The node of the value of `subscriptions:` in `text`, if it has the key."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if isinstance(key, yaml.ScalarNode) and key.value == KEY and isinstance(value, yaml.Node):
            return value
    return None


def _is_empty(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "tag:yaml.org,2002:null"
    return isinstance(node, yaml.SequenceNode) and not node.value


def _url_node(item: yaml.Node) -> yaml.ScalarNode | None:
    for key, value in item.value if isinstance(item, yaml.MappingNode) else ():
        if key.value == "url" and isinstance(value, yaml.ScalarNode):
            return value
    return None
