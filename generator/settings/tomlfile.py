"""TOML loading (the standard library's tomllib) that also reports the line of each
top-level key, as yamlfile.py does for YAML: for Hugo's `+++` front matter."""

from __future__ import annotations

import re
import tomllib
from typing import Any

_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_KEY = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_TABLE = re.compile(r"\s*\[")


class TomlError(ValueError):
    """Invalid TOML; `line` is 1-based within the parsed text, when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load_toml(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse `text` as TOML; return it and the 1-based line of each top-level key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _AT.search(message)
        if at:
            line: int | None = int(at[1])
        elif message.endswith("(at end of document)"):
            line = text.count("\n") or 1  # the last line
        else:
            line = None
        raise TomlError(f"invalid TOML: {_AT.sub('', message)}", line) from None
    except RecursionError:
        raise TomlError("invalid TOML: values nested too deeply", None) from None
    return data, _key_lines(text, data)


def _key_lines(text: str, data: dict[str, Any]) -> dict[str, int]:
    """Where each top-level key of `data` is first written: as `key = ...`, as the
    start of a dotted key, or as a table `[key]` / `[[key]]`."""
    lines: dict[str, int] = {}
    top = True  # before the first table header, keys are top-level
    for number, line in enumerate(text.splitlines(), 1):
        if _TABLE.match(line):
            top = False
            name = line.strip().strip("[]").split(".")[0].strip().strip("\"'")
            lines.setdefault(name, number)
        elif top and (key := _KEY.match(line)):
            lines.setdefault(next(part for part in key.groups() if part is not None), number)
    return {key: line for key, line in lines.items() if key in data}
