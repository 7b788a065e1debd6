"""Which articles each output's key takes in: the outputs an edit of an article changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from generator.content.model import Article
from generator.incremental.keys import PLAIN, SHARED, OutputKeys

# The articles a key takes in; None: any article (a value whose articles cannot be seen).
Reached = frozenset[str] | None
NONE_REACHED: frozenset[str] = frozenset()


class Reach:
    """Which articles each key takes in: the outputs an edit of an article's text changes.

    It walks a key's values as `OutputKeys._part` digests them, shared values
    once each, and answers "any article" (None) for a value it cannot see
    into, so it may name an article whose edit leaves the key the same, but
    never misses one that changes it.
    """

    def __init__(self, keys: OutputKeys) -> None:
        self.keys = keys
        self.shared: dict[int, tuple[object, Reached]] = {}  # id -> (the value, kept alive; ...)

    def page(self, template: str, context: Mapping[str, object]) -> Reached:
        """The articles `OutputKeys.page_key` of this page takes in."""
        found: set[str] = set()
        for name, value in context.items():
            if self.keys.keyed_by_name(template, name, value):
                continue  # keyed on names, URLs and numbers of articles alone
            reached = self.value(value)
            if reached is None:
                return None
            found |= reached
        return frozenset(found)

    def value(self, value: object) -> Reached:
        """The articles `value` holds, as `OutputKeys.key` takes it in."""
        if isinstance(value, Article):
            return frozenset((value.path,))
        kind = type(value)
        if kind in SHARED:
            known = self.shared.get(id(value))
            if known is None:
                known = self.shared[id(value)] = (value, self._union(vars(value).values()))
            return known[1]
        if kind is str or kind in PLAIN:
            return NONE_REACHED
        if kind is tuple or kind is list:
            return self._union(cast(Sequence[object], value))
        if isinstance(value, Mapping):
            return self._union(part for pair in value.items() for part in pair)
        if dataclasses.is_dataclass(value) and hasattr(value, "__dict__"):
            return self._union(vars(value).values())
        return None  # digested as its pickle, which could hold anything

    def _union(self, values: Iterable[object]) -> Reached:
        """The articles any of `values` holds (the common ones seen here)."""
        found: set[str] = set()
        for item in values:
            if isinstance(item, Article):
                found.add(item.path)
            elif type(item) is not str and type(item) not in PLAIN:
                reached = self.value(item)
                if reached is None:
                    return None
                found |= reached
        return frozenset(found)
