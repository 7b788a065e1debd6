"""What a folder holds, walked once: its files and folders, and which are hidden."""

from __future__ import annotations

import os
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tree:
    """Every file (or link) and every folder of a folder, relative to it."""

    files: list[str]
    folders: list[str]


def walk(root: Path | str) -> Tree:
    """Every file (or link) and every folder below `root`, relative to it (none if
    `root` is not a folder)."""
    files: list[str] = []
    folders: list[str] = []
    todo = [""] if os.path.isdir(root) else []
    while todo:
        prefix = todo.pop()
        with os.scandir(f"{root}/{prefix}") as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(relative)
                    todo.append(relative + "/")
                else:
                    files.append(relative)
    return Tree(files, folders)


@dataclass(frozen=True)
class Strays:
    """What an output folder holds besides the files the last build recorded."""

    hidden_files: list[str]  # kept: a deploy checkout's .git, .well-known
    hidden_folders: list[str]
    unknown: list[str]  # neither recorded nor hidden: removed


def strays(out_dir: Path | str, listed: Container[str]) -> Strays:
    """The files and folders of `out_dir` that are not `listed` (the files of a site)."""
    tree = walk(out_dir)
    hidden = [file for file in tree.files if is_hidden(file)]
    unknown = [file for file in tree.files if file not in listed and not is_hidden(file)]
    return Strays(hidden, [folder for folder in tree.folders if is_hidden(folder)], unknown)


def is_hidden(relative: str) -> bool:
    """Whether a path relative to the output folder is hidden, or inside a hidden folder."""
    return relative.startswith(".") or "/." in relative
