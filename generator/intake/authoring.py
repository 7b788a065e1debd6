"""Writing article files: the rules `digest new` and `digest import` share.

A new file goes to `content/` at the `new_article_path` pattern of site.yaml,
with YAML front matter written the way a person would write it. Nothing here
ever overwrites a file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from generator.content.fences import load_front_matter
from generator.content.slugs import slugify
from generator.errors import Problem, SiteError
from generator.pipeline import build_time
from generator.settings.config import SiteConfig, load_config

# libyaml's emitter where PyYAML has it: five times as fast as the Python one, which
# took half of a fetch of 1,000 entries, and its output is the same.
_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    """Front matter as people write it: ISO dates, keys in the given order, no wrapping."""


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(list, _represent_list)


def front_matter(meta: Mapping[str, Any]) -> str:
    """`meta` as a `---` fenced YAML block, keys in order, lists inline."""
    text = yaml.dump(
        dict(meta),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )
    return f"---\n{text}---\n"


def article_path(site_dir: Path, config: SiteConfig, date: dt.datetime, title: str) -> Path:
    """Where a new article with this date and title goes, under content/."""
    local = date.astimezone(config.tz)
    relative = config.new_article_path.format(
        year=f"{local.year:04d}",
        month=f"{local.month:02d}",
        day=f"{local.day:02d}",
        slug=slugify(title) or "article",
    )
    return site_dir / "content" / relative


def free_path(path: Path) -> Path:
    """`path`, or `name-2.md`, `name-3.md` ... if it is taken."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def write_article(path: Path, meta: Mapping[str, Any], body: str) -> None:
    """Create the article file; raise FileExistsError rather than overwrite anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(front_matter(meta) + "\n" + body.strip() + "\n")


def existing_ids(site_dir: Path) -> dict[str, Path]:
    """The `id` of every article under content/ whose front matter can be read."""
    ids = {}
    for path in sorted((site_dir / "content").rglob("*.md")):
        try:
            meta, _, _ = load_front_matter(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # a broken file is for `digest check` to report
        if isinstance(meta.get("id"), str | int):
            ids[str(meta["id"]).strip()] = path
    return ids


def new_article(
    site_dir: Path, title: str, tags: tuple[str, ...] = (), source: str | None = None
) -> Path:
    """Write a draft article dated now, with a fresh UUID; return its path."""
    config = load_config(site_dir)
    now = build_time().astimezone(config.tz).replace(microsecond=0)
    meta: dict[str, Any] = {"title": title, "date": now, "id": str(uuid.uuid4())}
    if tags:
        meta["tags"] = list(tags)
    if source:
        meta["source"] = source
    meta["draft"] = True
    path = article_path(site_dir, config, now, title)
    try:
        write_article(path, meta, "Write the article here.")
    except FileExistsError:
        where = path.relative_to(site_dir).as_posix()
        raise SiteError([Problem(where, None, "already exists; nothing was written")]) from None
    return path
