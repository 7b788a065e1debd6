"""Pagefind's bundle made byte-for-byte the same for the same pages.

Pagefind lists a filter's values, the filters and the languages in the order
of its hash maps, which changes from one run to the next: two builds of the
same site would publish different filter, metadata and entry files (and a
build after another would upload them again). `canonical` rewrites those
files with their lists sorted and renames them after their new bytes, which
are the names the other files refer to them by. The search itself does not
depend on these orders.

The files are gzipped CBOR (RFC 8949) after a signature; `_decode` and
`_encode` read and write the definite-length, shortest-form CBOR that
Pagefind writes, and a file that does not read back as it was is left as
Pagefind wrote it (with the files that name it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

_SIGNATURE = b"pagefind_dcd"
_ENTRY = "pagefind-entry.json"


def canonical(bundle: Path) -> None:
    """Rewrite the bundle at `bundle` with its unordered lists sorted."""
    entry_file = bundle / _ENTRY
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    languages = entry.get("languages", {})
    for language in languages.values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_file)
        if meta is None or len(meta) < 5:
            continue
        for listed in meta[3]:  # the filters: [name, hash]
            listed[1] = _sorted_filter(bundle / "filter", listed[1])
        meta[3].sort(key=lambda listed: listed[0])
        meta[4].sort(key=lambda sort: sort[0])  # the sorts: [name, pages]
        language["hash"] = _renamed(meta_file, _encode(meta), "pagefind.", ".pf_meta", 10)
    entry["languages"] = dict(sorted(languages.items()))
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    entry_file.write_text(text, encoding="utf-8")


def _sorted_filter(folder: Path, name: str) -> str:
    """The name of the filter file `name` once its values are sorted."""
    path = folder / f"{name}.pf_filter"
    values = _read(path)
    if values is None or len(values) != 2:
        return name
    values[1].sort(key=lambda value: value[0])  # [value, pages]
    return _renamed(path, _encode(values), "", ".pf_filter", 7)


def _read(path: Path) -> Any:
    """The CBOR value of a bundle file, or None if it is not one that reads back as is."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        return None
    body = data[len(_SIGNATURE) :]
    try:
        value, end = _decode(body, 0)
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    if end != len(body) or _encode(value) != body:
        return None
    return value


def _renamed(path: Path, body: bytes, prefix: str, suffix: str, digits: int) -> str:
    """Replace the file at `path` (named PREFIX + LANGUAGE_HASH + SUFFIX) by a file of
    `body`, named after its bytes; return its new name's LANGUAGE_HASH."""
    data = gzip.compress(_SIGNATURE + body, mtime=0)
    language = path.name.removeprefix(prefix).removesuffix(suffix).rsplit("_", 1)[0]
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    path.unlink()
    (path.parent / f"{prefix}{name}{suffix}").write_bytes(data)
    return name


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """The CBOR value at `data[at:]`, and where it ends."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise ValueError("an indefinite length")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        chunk = data[at : at + argument]
        return (chunk if major == 2 else chunk.decode("utf-8")), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    raise ValueError(f"CBOR major type {major} is not one Pagefind writes here")


def _encode(value: Any) -> bytes:
    """`value` as shortest-form CBOR."""
    if value is None or isinstance(value, bool):
        return bytes([0xF6 if value is None else 0xF5 if value else 0xF4])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, "B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if argument < 1 << (8 * struct.calcsize(size)):
            return bytes([major << 5 | info]) + struct.pack(size, argument)
    raise ValueError("too large for CBOR")
