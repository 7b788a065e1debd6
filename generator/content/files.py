"""Finding the files of content/ and reading an article's bytes, refusing what is not text."""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import Problem

ARTICLE_SUFFIX = ".md"
# Hidden files and folders that static hosts read, published like any other file:
# RFC 8615's /.well-known/, GitHub Pages' .nojekyll, Apache's .htaccess.
PUBLISHED_HIDDEN = frozenset({".well-known", ".nojekyll", ".htaccess"})


def is_skipped(relative: str) -> bool:
    """Whether a file at `relative` (a path below content/ or a static folder) is left
    out: one that is hidden, or in a hidden folder, that no static host reads."""
    return any(p.startswith(".") and p not in PUBLISHED_HIDDEN for p in relative.split("/"))


def content_files(root: Path, problems: list[Problem]) -> list[str]:
    """The paths of the files under `root` (joined to it) in a stable order, without
    hidden ones (but those of PUBLISHED_HIDDEN).

    A symbolic link is followed only to a file inside `root`; any other link
    is skipped with a warning, so nothing outside content/ is ever published.
    """
    found: list[str] = []
    top = root.resolve()
    todo = [str(root)]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:  # gone or unreadable since it was listed: as if it were not there
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name not in PUBLISHED_HIDDEN:
                    continue
                if not entry.is_symlink():
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        found.append(entry.path)
                    continue
                where = Path(entry.path).relative_to(root.parent).as_posix()
                if entry.is_dir():
                    problems.append(
                        Problem(where, None, "skipped: a link to a folder", warning=True)
                    )
                elif not Path(entry.path).resolve().is_relative_to(top):
                    message = "skipped: a link to a file outside content/"
                    problems.append(Problem(where, None, message, warning=True))
                elif entry.is_file():
                    found.append(entry.path)
    # In the order of their folders and names: the separator sorts before any character.
    return sorted(found, key=lambda path: path.replace(os.sep, "\0"))


def read_article_bytes(
    path: Path, relative: str, limit: int, problems: list[Problem]
) -> bytes | None:
    """The bytes of an article file, or None after recording why it cannot be used."""
    size = path.stat().st_size
    if size > limit:
        message = f"file is {size:,} bytes, over the limit of {limit:,} (max_article_bytes)"
        problems.append(Problem(relative, None, message))
        return None
    data = path.read_bytes()
    if b"\0" in data:
        problems.append(Problem(relative, None, "binary file, not a Markdown article"))
        return None
    return data


def decode_article(data: bytes, relative: str, problems: list[Problem]) -> str | None:
    """The text of an article's bytes, or None after recording why they are not text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(relative, None, f"not UTF-8 text (byte {exc.start})"))
        return None
