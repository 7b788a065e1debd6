"""The fences of an article file: the front matter between `---` (YAML) or `+++` (TOML)
lines, and the body after them."""

from __future__ import annotations

import re
from typing import Any

from generator.settings.tomlfile import load_toml
from generator.settings.yamlfile import load_mapping

# YAML between `---` lines, as Jekyll and Hugo write it, or TOML between `+++`, as Hugo does.
_OPENING = re.compile(r"(---|\+\+\+)[ \t]*\r?\n")
_CLOSING = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE),
}


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split a file into (front matter, body, line number where the body starts).

    Raises ValueError when the file does not open with a `---` (YAML) or `+++`
    (TOML) fenced block.
    """
    text = text.removeprefix("\ufeff")
    opening = _OPENING.match(text)
    if opening is None:
        raise ValueError("no front matter: the file must start with a line '---' (or '+++')")
    closing = _CLOSING[opening[1]].search(text, opening.end())
    if closing is None:
        raise ValueError(f"front matter is not closed by a line '{opening[1]}'")
    meta = text[opening.end() : closing.start()]
    body = text[closing.end() :].lstrip("\r\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return meta, body, body_line


def load_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """The front matter of the article `text`, the line of each of its keys within
    the front matter, and the body. Raises YamlError or TomlError for a front
    matter that does not parse, ValueError for a file without one."""
    meta_text, body, _ = split_front_matter(text)
    if text.removeprefix("\ufeff").startswith("+++"):
        meta, lines = load_toml(meta_text)
    else:
        meta, lines = load_mapping(meta_text)
    return meta, lines, body
